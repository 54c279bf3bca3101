import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JsonRpcProvider } from 'ethers';
import { seedDemoStake } from '../../scripts/lib/demo-stake.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { devWallet, proposalMessage, signWithEthers } from '../support/signing.js';
import { TEST_SPACE } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

// An accepted message is never lost: the service is killed (SIGKILL, no shutdown) right after it
// answers 200, and after a restart the message is there, at its place in the log, and gets pinned.

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, PORT: '0', IPFS_EMBEDDED_NETWORK: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = (async () => {
    for (let i = 0; i < 600; i++) {
      const match = /Web\s+(http:\/\/\S+)\//.exec(output);
      if (match && output.includes('Press Ctrl-C')) return match[1]!;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the service did not start:\n${output}`);
  })();
  return { child, url, exited };
}

describe('durability', () => {
  let chain: LocalChain;
  let snapshot: number;
  const dir = tempDir('durability');
  const env: Record<string, string> = {};

  beforeAll(async () => {
    chain = await startLocalChain();
    const provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1, staticNetwork: true });
    snapshot = (await seedDemoStake(provider)).blockNumber;
    provider.destroy();
    const spaces = path.join(dir.path, 'spaces');
    mkdirSync(spaces);
    writeFileSync(path.join(spaces, 'test.json'), JSON.stringify(TEST_SPACE));
    Object.assign(env, { RPC_URL: chain.url, DATA_DIR: path.join(dir.path, 'data'), SPACES_DIR: spaces });
  });
  afterAll(async () => {
    await chain.stop();
    dir.remove();
  });

  it('keeps a message answered with 200 when the process is killed right after', async () => {
    const first = startServer(env);
    const whale = devWallet(0);
    const envelope = await signWithEthers(
      whale,
      31337,
      'Proposal',
      proposalMessage(whale.address, { timestamp: Math.floor(Date.now() / 1000), snapshot }),
    );
    const response = await fetch(`${await first.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    });
    first.child.kill('SIGKILL');
    expect(response.status).toBe(200);
    const accepted = (await response.json()) as {
      id: string;
      cid: string;
      receipt: { sequence: number; head: string };
    };
    await first.exited;

    const second = startServer(env);
    try {
      const url = await second.url;
      const message = (await (await fetch(`${url}/api/messages/${accepted.id}`)).json()) as {
        sequence: number;
        head: string;
        cid: string;
        pinned: boolean;
      };
      expect(message).toMatchObject({
        sequence: accepted.receipt.sequence,
        head: accepted.receipt.head,
        cid: accepted.cid,
      });
      const log = (await (await fetch(`${url}/api/spaces/test/log`)).json()) as { entries: { id: string }[] };
      expect(log.entries.map((entry) => entry.id)).toContain(accepted.id);
      let pinned = message.pinned;
      // The killed process may still hold the pin worker lease (10 s) when the new one starts.
      for (let i = 0; i < 300 && !pinned; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        pinned = ((await (await fetch(`${url}/api/messages/${accepted.id}`)).json()) as { pinned: boolean }).pinned;
      }
      expect(pinned).toBe(true);
      const document = await fetch(`${url}/ipfs/${accepted.cid}`);
      expect(document.headers.get('x-pin-status')).toBe('pinned');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
