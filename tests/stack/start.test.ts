import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JsonRpcProvider, Wallet } from 'ethers';
import { DEMO_EXECUTOR_ADDRESS } from '../../scripts/lib/demo-executor.js';
import { connectExecutor } from '../../server/execution/executor.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { tempDir } from '../support/temp.js';

// `npm start` as a user runs it (the same script, in a child process), on a fresh data directory.

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, PORT: '0', LOCAL_CHAIN_PORT: '0', IPFS_EMBEDDED_NETWORK: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`did not see ${pattern}; output:\n${run.output()}`);
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('brings up chain, demo stake, database, IPFS and API, all healthy, and stops cleanly on Ctrl-C', async () => {
    const data = tempDir('start');
    const run = start({ DATA_DIR: data.path });
    try {
      await waitFor(run, /Press Ctrl-C to stop/);
      const web = (await waitFor(run, /Web\s+(http:\/\/\S+)\//))[1]!;
      const chainUrl = (await waitFor(run, /Chain\s+(http:\/\/\S+)/))[1]!;
      expect(run.output()).toMatch(/demo stake seeded/);
      expect(run.output()).toMatch(/executor deployed at 0x73511669fd4dE447feD18BB79bAFeAC93aB7F31f/);

      const health = await fetch(`${web}/api/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { status: string; components: { database: { kind: string } } };
      expect(body.status).toBe('ok');
      expect(body.components.database.kind).toBe('sqlite');
      const demo = await fetch(`${web}/api/spaces/demo`);
      expect(demo.status).toBe(200);
      // The demo executor accepts outcomes decided under the demo space's rules, and no others.
      const { rules } = (await demo.json()) as { rules: { digest: string } };
      const provider = new JsonRpcProvider(chainUrl, undefined, { staticNetwork: true });
      // Three keys, one job each, generated once and kept in DATA_DIR for the owner only; the demo
      // executor's one attestor is the attestation key, which the service says is a demo's setting.
      const [, receiptKey, attestorKey, relayerKey] = (await waitFor(
        run,
        /keys: receipts (0x[0-9a-fA-F]{40}), attestations (0x[0-9a-fA-F]{40}), relayer (0x[0-9a-fA-F]{40})/,
      ))!;
      expect(new Set([receiptKey, attestorKey, relayerKey]).size).toBe(3);
      for (const [file, address] of [
        ['service-key', receiptKey],
        ['attestor-key', attestorKey],
        ['relayer-key', relayerKey],
      ] as const) {
        const keyFile = path.join(data.path, file);
        expect(statSync(keyFile).mode & 0o777).toBe(0o600);
        expect(new Wallet(readFileSync(keyFile, 'utf8').trim()).address).toBe(address);
      }
      expect(run.output()).toContain(
        `executor: WARNING: ${DEMO_EXECUTOR_ADDRESS} (space "demo") queues an outcome on the service's attestation alone (${attestorKey} (attestations), threshold 1)`,
      );
      try {
        const executor = connectExecutor(DEMO_EXECUTOR_ADDRESS, provider);
        expect(await executor.rulesDigest()).toBe(rules.digest);
        expect(await executor.attestors()).toEqual([attestorKey]);
        expect(await provider.getBalance(relayerKey!)).toBeGreaterThan(0n);
      } finally {
        provider.destroy();
      }

      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.output()).toMatch(/stopped/);
      // The local chain it started went with it.
      expect(await reachable(chainUrl)).toBe(false);
    } finally {
      run.child.kill('SIGKILL');
      data.remove();
    }
  });

  it('stops at once, naming the variable, when a configuration value is bad', async () => {
    const run = start({ PORT: 'eighty' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/Invalid configuration:\s+- PORT="eighty": must be a port number/);
    expect(run.output()).not.toMatch(/starting the local chain/);
  });

  describe('with RPC_URL set', () => {
    let chain: LocalChain;
    beforeAll(async () => {
      chain = await startLocalChain();
    });
    afterAll(async () => {
      await chain.stop();
    });

    it('stops, naming the file and field, when a space file is bad', async () => {
      const spaces = tempDir('bad-spaces');
      mkdirSync(spaces.path, { recursive: true });
      writeFileSync(
        path.join(spaces.path, 'broken.json'),
        JSON.stringify({ id: 'broken', name: 'Broken', chainId: 31337, quorumBps: 20000 }),
      );
      const data = tempDir('bad-spaces-data');
      const run = start({ RPC_URL: chain.url, SPACES_DIR: spaces.path, DATA_DIR: data.path });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`${path.join(spaces.path, 'broken.json')}: quorumBps: must be at most 10000`);
      expect(run.output()).toMatch(/broken\.json: strategies:/);
      spaces.remove();
      data.remove();
    });

    it('reuses the chain it names instead of starting one, and seeds the demo only once', async () => {
      const ownChain = await startLocalChain();
      try {
        for (const expected of [/demo stake seeded/, /demo stake already on the chain/]) {
          const data = tempDir('reuse');
          const run = start({ RPC_URL: ownChain.url, DATA_DIR: data.path });
          try {
            await waitFor(run, /Press Ctrl-C to stop/);
            expect(run.output()).not.toMatch(/starting the local chain/);
            expect(run.output()).toMatch(expected);
            expect(run.output()).toContain(`Chain     ${ownChain.url}`);
            run.child.kill('SIGTERM');
            expect(await run.exited).toBe(0);
          } finally {
            run.child.kill('SIGKILL');
            data.remove();
          }
        }
        // Stopping the service leaves a chain it did not start running.
        expect(await reachable(ownChain.url)).toBe(true);
      } finally {
        await ownChain.stop();
      }
    });
  });
});
