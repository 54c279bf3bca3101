// Starts and stops the local development/test chain. It is an iotex-core-like node: a Hardhat 2
// node (EDR) in a child process, with the native-staking stand-in at the staking protocol's address
// and Multicall3 at its canonical address from block 1, advanced past mainnet's latest hard fork,
// behind the iotex-core emulator (scripts/lib/iotex-node/), which is what clients talk to.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { JsonRpcProvider } from 'ethers';

import { startIotexNode, type IotexNode, type NodeProfileName } from './iotex-node/index.js';
import { MULTICALL3_ADDRESS, installMulticall3, loadMulticall3StandIn } from './multicall-standin.js';
import { installNativeStakingStandIn } from './staking-standin.js';

const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const HARDHAT_CLI = path.join(REPO_ROOT, 'node_modules', 'hardhat', 'internal', 'cli', 'cli.js');

/** Chain id of the local chain (hardhat.config.cjs). */
export const LOCAL_CHAIN_ID = 31337;

/**
 * Height the local chain starts at. It follows mainnet's hard-fork schedule, so it starts past the
 * latest hard fork, Yap at 48,985,561 (iotex-core blockchain/genesis/genesis.go): the chain's
 * rules are today's everywhere a snapshot can be.
 */
export const LOCAL_CHAIN_START_HEIGHT = 50_000_000;

// Preloaded into the node process: exit when the IPC pipe to the parent closes. That happens
// whenever the parent dies, even by SIGKILL, when no 'exit' handler of ours can run.
const EXIT_WITH_PARENT = 'data:text/javascript,process.on("disconnect",()=>process.exit(0))';

export interface LocalChainOptions {
  /**
   * TCP port of the iotex-like endpoint (what wallets and the service use); default: a free port,
   * so parallel test files do not collide. The Hardhat node always gets a free port of its own.
   */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Receives every line the node prints (it logs each JSON-RPC call). */
  log?: (line: string) => void;
  /** How long to wait for the node to answer eth_chainId; default 60 s. */
  startTimeoutMs?: number;
  /** Head after start-up; default LOCAL_CHAIN_START_HEIGHT. 0 (or at most the head): no jump. */
  startHeight?: number;
  /** Which kind of iotex-core node the endpoint is; default 'archive'. */
  profile?: NodeProfileName;
  /** Staking-indexer epoch length (blocks); default 1440. */
  epochLength?: number;
  /** The 'pruned' profile's history retention (blocks); default 256. */
  retentionBlocks?: number;
}

export interface LocalChain {
  /** The iotex-like JSON-RPC endpoint, e.g. http://127.0.0.1:8545 (hardhat_* and evm_* pass through). */
  url: string;
  /** The Hardhat node itself, for what must bypass the emulation. */
  hardhatUrl: string;
  chainId: number;
  /** The head once started (LOCAL_CHAIN_START_HEIGHT unless told otherwise). */
  startHeight: number;
  /** The emulator in front of Hardhat (setProfile switches the kind of node). */
  node: IotexNode;
  /** Closes the endpoint, kills the node and resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Spawns `node node_modules/hardhat/internal/cli/cli.js node --hostname <host> --port <free port>`,
 * waits for eth_chainId, installs the staking stand-in and Multicall3 (both at block 1), mines up
 * to `startHeight`, then serves the iotex-like endpoint on `opts.port`. On failure the error
 * carries the node's last output. The node is killed when this process exits (or dies: see
 * EXIT_WITH_PARENT).
 */
export async function startLocalChain(opts: LocalChainOptions = {}): Promise<LocalChain> {
  const host = opts.host ?? '127.0.0.1';
  const hardhat = await startHardhat(host, opts);
  try {
    const { first, head } = await prepareChain(hardhat.url, opts.startHeight ?? LOCAL_CHAIN_START_HEIGHT);
    const node = await startIotexNode({
      upstream: hardhat.url,
      profile: opts.profile ?? 'archive',
      host,
      port: opts.port,
      epochLength: opts.epochLength,
      retentionBlocks: opts.retentionBlocks,
      minedRanges: first <= head ? [{ first, last: head }] : [],
    });
    let stopping: Promise<void> | undefined;
    return {
      url: node.url,
      hardhatUrl: hardhat.url,
      chainId: hardhat.chainId,
      startHeight: head,
      node,
      stop: () => (stopping ??= node.close().finally(() => hardhat.stop())),
    };
  } catch (err) {
    await hardhat.stop();
    throw err;
  }
}

/**
 * An IoTeX node always has the staking protocol, and Multicall3 is on mainnet: both are there from
 * block 1 (Multicall3's code is set before the stand-in's install mines that block). Then ONE
 * hardhat_mine of (startHeight - head) blocks with interval 0, so that timestamps stay near the
 * wall clock.
 *
 * Measured here: Hardhat's EDR answers state reads at blocks in the middle of a hardhat_mine range
 * with an EMPTY state (balances 0, no code); only the first two and the last blocks of the range
 * are right. So nothing may read the state inside the jumped range: the iotex-like endpoint sends
 * every read there to the range's last block (minedRanges), which has the same state since the
 * range's blocks are empty; anyone using hardhatUrl directly must not read there.
 */
async function prepareChain(url: string, startHeight: number): Promise<{ first: number; head: number }> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const multicall = await loadMulticall3StandIn();
    const code = (await provider.send('eth_getCode', [MULTICALL3_ADDRESS, 'latest'])) as string;
    if (code.toLowerCase() !== multicall.deployedBytecode.toLowerCase()) {
      await provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, multicall.deployedBytecode]);
    }
    await installNativeStakingStandIn(provider); // mines block 1
    await installMulticall3(provider); // already there: mines nothing
    const before = Number(await provider.send('eth_blockNumber', []));
    if (startHeight > before) {
      await provider.send('hardhat_mine', [`0x${(startHeight - before).toString(16)}`, '0x0']);
    }
    const head = Number(await provider.send('eth_blockNumber', []));
    return { first: before + 1, head };
  } finally {
    provider.destroy();
  }
}

interface HardhatNode {
  url: string;
  chainId: number;
  stop(): Promise<void>;
}

async function startHardhat(host: string, opts: LocalChainOptions): Promise<HardhatNode> {
  // A free port found here can be taken by someone else before the node binds it; retry then.
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort(host);
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

async function startOnce(host: string, port: number, opts: LocalChainOptions): Promise<HardhatNode> {
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
