import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { loadConfig } from '../../server/config.js';
import { startService, type RunningService } from '../../server/service.js';
import type { SpaceFile } from '../../server/spaces/schema.js';
import { TEST_SPACE } from './spaces.js';
import { seedDemoStake } from '../../scripts/lib/demo-stake.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { ensureLocalLogAnchor, LOCAL_ANCHOR_SENDER } from '../../scripts/lib/log-anchor.js';
import { tempDir } from './temp.js';

export { ANCHORED_TEST_SPACE, TEST_SPACE } from './spaces.js';

export interface TestStack {
  chain: LocalChain;
  provider: JsonRpcProvider;
  service: RunningService;
  /** The service's clock, in unix seconds; tests move it. */
  clock: { now: number };
  /** Moves the service's clock and the chain's together (the service's catches up with the chain's). */
  advance(seconds: number): Promise<void>;
  /** The block after the demo stake: a snapshot where the demo accounts have power. */
  snapshot: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** A local chain with the demo stake, and the whole service on a temp directory with TEST_SPACE. */
export async function startTestStack(
  env: Record<string, string> = {},
  spaces: SpaceFile[] = [TEST_SPACE],
  options: { workers?: boolean } = {},
): Promise<TestStack> {
  const chain = await startLocalChain();
  const provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1, staticNetwork: true });
  const { blockNumber } = await seedDemoStake(provider);
  await ensureLocalLogAnchor(provider);
  const dir = tempDir('stack');
  const spacesDir = path.join(dir.path, 'spaces');
  mkdirSync(spacesDir);
  for (const space of spaces) writeFileSync(path.join(spacesDir, `${space.id}.json`), JSON.stringify(space));
  const clock = { now: Math.floor(Date.now() / 1000) };
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir.path,
    IPFS_EMBEDDED_NETWORK: 'false',
    SPACES_DIR: spacesDir,
    ANCHOR_PRIVATE_KEY: LOCAL_ANCHOR_SENDER.privateKey,
    ...env,
  });
  const service = await startService({ ...config, rpcUrl: chain.url }, () => {}, {
    clock: () => clock.now * 1000,
    workerIntervalMs: 200,
    ...options,
  });
  return {
    chain,
    provider,
    service,
    clock,
    async advance(seconds) {
      clock.now += seconds;
      const offset = Number(await provider.send('evm_increaseTime', [seconds]));
      // The chain's clock runs on with real time; the service's catches up with it, so that the two
      // disagree by no more than the seconds a test takes between two steps.
      clock.now = Math.max(clock.now, Math.floor(Date.now() / 1000) + offset);
    },
    snapshot: blockNumber,
    dataDir: dir.path,
    async stop() {
      await service.close();
      provider.destroy();
      await chain.stop();
      dir.remove();
    },
  };
}

/** The rules digest a proposal's space publishes (GET /api/spaces/:id): what an auditor holds to be its rules. */
export async function publishedRules(serviceUrl: string, proposalId: string): Promise<string> {
  const { space } = (await (await fetch(`${serviceUrl}/api/proposals/${proposalId}`)).json()) as { space: string };
  const published = (await (await fetch(`${serviceUrl}/api/spaces/${space}`)).json()) as { rules: { digest: string } };
  return published.rules.digest;
}
