// Starts and stops the local development/test chain: a Hardhat 2 node (EDR) in a child process.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const HARDHAT_CLI = path.join(REPO_ROOT, 'node_modules', 'hardhat', 'internal', 'cli', 'cli.js');

/** Chain id of the local chain (hardhat.config.cjs). */
export const LOCAL_CHAIN_ID = 31337;

// Preloaded into the node process: exit when the IPC pipe to the parent closes. That happens
// whenever the parent dies, even by SIGKILL, when no 'exit' handler of ours can run.
const EXIT_WITH_PARENT = 'data:text/javascript,process.on("disconnect",()=>process.exit(0))';

export interface LocalChainOptions {
  /** TCP port; default: a free port, so parallel test files do not collide. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Receives every line the node prints (it logs each JSON-RPC call). */
  log?: (line: string) => void;
  /** How long to wait for the node to answer eth_chainId; default 60 s. */
  startTimeoutMs?: number;
}

export interface LocalChain {
  /** JSON-RPC (and WebSocket) endpoint, e.g. http://127.0.0.1:8545 */
  url: string;
  chainId: number;
  /** Kills the node and resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Spawns `node node_modules/hardhat/internal/cli/cli.js node --hostname <host> --port <port>`
 * and resolves once it answers eth_chainId. On failure the error carries the node's last output.
 * The node is killed when this process exits (or dies: see EXIT_WITH_PARENT).
 */
export async function startLocalChain(opts: LocalChainOptions = {}): Promise<LocalChain> {
  const host = opts.host ?? '127.0.0.1';
  // A free port found here can be taken by someone else before the node binds it; retry then.
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port ?? (await freePort(host));
    try {
      return await startOnce(host, port, opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof ChainStartError) || !err.addressInUse) break;
    }
  }
  throw lastError;
}

class ChainStartError extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
    this.name = 'ChainStartError';
  }
}

async function startOnce(host: string, port: number, opts: LocalChainOptions): Promise<LocalChain> {
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const child = spawn(
    process.execPath,
    ['--import', EXIT_WITH_PARENT, HARDHAT_CLI, 'node', '--hostname', host, '--port', String(port)],
    {
      cwd: REPO_ROOT, // Hardhat finds hardhat.config.cjs from here
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
    },
  );

  // Keep the last lines of output for error messages.
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    opts.log?.(line);
  };
  forwardLines(child.stdout, onLine);
  forwardLines(child.stderr, onLine);

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const killOnExit = () => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  // The IPC channel exists only so the child notices our death; it must not keep us alive.
  child.channel?.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopping;
  };

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  let earlyExit = false;
  void exited.then(() => {
    earlyExit = true;
  });
  while (true) {
    if (earlyExit) {
      const output = tail.join('\n');
      await stop();
      throw new ChainStartError(
        `Local chain (hardhat node on ${host}:${port}) exited with ${child.exitCode ?? child.signalCode} before answering.\n` +
          `Last output:\n${output}`,
        /EADDRINUSE|address already in use/i.test(output),
      );
    }
    const chainId = await tryChainId(url);
    if (chainId !== undefined) {
      return { url, chainId, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new ChainStartError(
        `Local chain (hardhat node on ${host}:${port}) did not answer eth_chainId within ${timeoutMs} ms.\n` +
          `Last output:\n${tail.join('\n')}`,
        false,
      );
    }
    await sleep(100);
  }
}

async function tryChainId(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { result?: string };
    return typeof body.result === 'string' ? Number(BigInt(body.result)) : undefined;
  } catch {
    return undefined;
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl).replace(/\r$/, ''));
      buffer = buffer.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (buffer) onLine(buffer);
    buffer = '';
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
