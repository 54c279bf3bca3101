// npm run check-node, as an operator runs it against a node before pointing the service at it.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';

/** Runs the script in a child process (asynchronously: the chain's endpoint lives in this one). */
function checkNode(rpc: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/check-node.ts', '--rpc', rpc],
      { env: { ...process.env, RPC_URL: '', MULTICALL_ADDRESS: '' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? (error.code as number | null) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe('npm run check-node', () => {
  let chain: LocalChain;
  beforeAll(async () => {
    chain = await startLocalChain();
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('passes an archive node of v2.4.4, printing what it proved (exit 0)', async () => {
    chain.node.setProfile('archive');
    const { status, out } = await checkNode(chain.url);
    expect(out).toMatch(/web3_clientVersion\s+v2\.4\.4\/go version/);
    expect(out).toMatch(/archive read\s+at block (\d+), executed as block (\d+)/);
    expect(out).toMatch(/buckets ever made\s+0 at block 1/);
    expect(out).toMatch(/^OK: /m);
    expect(status).toBe(0);
  });

  it.each([
    ['non-archive', /REFUSED \(historic_state_unavailable\): .*keeps no history/],
    [
      'legacy-v2.3.2',
      /REFUSED \(historic_state_unavailable\): iotex-core v2\.3\.2 answers staking reads with today's state/,
    ],
  ] as const)('refuses %s, saying which node is needed (exit 1)', async (profile, reason) => {
    chain.node.setProfile(profile);
    try {
      const { status, out } = await checkNode(chain.url);
      expect(out).toMatch(reason);
      expect(out).toMatch(/the service needs an archive node .* of iotex-core v2\.4\.0 or later/);
      expect(status).toBe(1);
    } finally {
      chain.node.setProfile('archive');
    }
  });

  it('says so when no node answers (exit 2)', async () => {
    const { status, out } = await checkNode('http://127.0.0.1:9');
    expect(out).toMatch(/check-node: the chain at http:\/\/127\.0\.0\.1:9 does not answer/);
    expect(status).toBe(2);
  });
});
