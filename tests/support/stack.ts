import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { loadConfig } from '../../server/config.js';
import { startService, type RunningService } from '../../server/service.js';
import type { SpaceFile } from '../../server/spaces/schema.js';
import { seedDemoStake } from '../../scripts/lib/demo-stake.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { tempDir } from './temp.js';

/** A space for tests: short periods, low thresholds, on the local chain. */
export const TEST_SPACE: SpaceFile = {
  id: 'test',
  name: 'Test',
  chainId: 31337,
  strategies: [{ name: 'iotex-staking' }],
  proposalThreshold: '1000',
  supportThresholdBps: 100,
  supportPeriodSeconds: 600,
  votingDelaySeconds: 60,
  votingPeriodSeconds: 600,
  quorumBps: 1000,
  passThresholdBps: 5000,
  quorumChoices: ['For', 'Against', 'Abstain'],
  admins: ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
  executor: null,
};

export interface TestStack {
  chain: LocalChain;
  provider: JsonRpcProvider;
  service: RunningService;
  /** The service's clock, in unix seconds; tests move it. */
  clock: { now: number };
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
