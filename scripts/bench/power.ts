// Voting power of many voters at one block on a local chain: batched (the service's way) against one
// look-up per voter, with the HTTP requests each makes to the node, and a cached second look-up.
// BENCH_POWER_VOTERS (default 10,000) voters, BENCH_POWER_STAKED (default 500) of them with stake.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsonRpcProvider, getAddress, parseEther } from 'ethers';
import { connectChain } from '../../server/chain/provider.js';
import { openDatabase } from '../../server/db/index.js';
import { createPowerService } from '../../server/power/index.js';
import { spaceSchema } from '../../server/spaces/schema.js';
import { startLocalChain } from '../lib/local-chain.js';
import { NativeStakingAdmin, installNativeStakingStandIn } from '../lib/staking-standin.js';

const VOTERS = Number(process.env.BENCH_POWER_VOTERS ?? 10_000);
const STAKED = Math.min(VOTERS, Number(process.env.BENCH_POWER_STAKED ?? 500));
const addr = (n: number) => getAddress(`0x${(0xbe7c4000000 + n).toString(16).padStart(40, '0')}`);
const space = spaceSchema.parse({
  id: 'bench',
  name: 'Bench',
  chainId: 31337,
  strategies: [{ name: 'iotex-staking' }],
  proposalThreshold: '1',
  supportThresholdBps: 500,
  supportPeriodSeconds: 60,
  votingDelaySeconds: 0,
  votingPeriodSeconds: 60,
  quorumBps: 1000,
  passThresholdBps: 5000,
  quorumChoices: ['For'],
  admins: [],
  executor: null,
});

const chain = await startLocalChain();
const dir = mkdtempSync(path.join(tmpdir(), 'gov-bench-power-'));
try {
  const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  await installNativeStakingStandIn(provider);
  const admin = await NativeStakingAdmin.connect(provider);
  const candidate = addr(0);
  await admin.registerCandidate({ owner: candidate, operator: candidate, reward: candidate, name: 'bench' });

  // Seed: one or two buckets per staked voter, sent 100 transactions per JSON-RPC batch.
  let seeding = Date.now();
  const calls = Array.from({ length: STAKED }, (_, i) => i).flatMap((i) =>
    Array.from({ length: 1 + (i % 2) }, (_, j): [string, unknown[]] => [
      'createBucket',
      [addr(i + 1), candidate, parseEther(String(100 + i + j)), (i * 7 + j) % 400, i % 3 === 0, 0, 0],
    ]),
  );
  await admin.sendBatched(chain.url, calls);
  const block = Number(await provider.send('eth_blockNumber', []));
  for (let i = 0; i < 2; i++) await provider.send('evm_mine', []); // final, so results are cached
  provider.destroy();
  seeding = Date.now() - seeding;

  const voters = Array.from({ length: VOTERS }, (_, i) => addr(i + 1));
  console.log(
    `${VOTERS.toLocaleString('en-US')} voters (${STAKED} with ${calls.length} buckets, seeded in ${(seeding / 1000).toFixed(1)} s) at block ${block}`,
  );

  const connected = await connectChain(chain.url);
  const run = async (
    label: string,
    file: string,
    lookUp: (power: ReturnType<typeof createPowerService>) => Promise<bigint>,
    reuse?: ReturnType<typeof createPowerService>,
  ) => {
    const db = reuse ? undefined : await openDatabase(`file:${path.join(dir, file)}`);
    // One by one, nothing waits for company: no batching delay.
    const batchStallMs = file.startsWith('one') ? 0 : undefined;
    const power = reuse ?? createPowerService({ chain: connected, db: db!, pageSize: 1000, batchStallMs });
    const before = { ...power.stats };
    const started = process.hrtime.bigint();
    const total = await lookUp(power);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const requests = power.stats.requests - before.requests;
    const calls = power.stats.calls - before.calls;
    console.log(
      `  ${label.padEnd(28)} ${seconds.toFixed(2).padStart(7)} s  ${requests.toLocaleString('en-US').padStart(7)} HTTP requests  ${calls.toLocaleString('en-US').padStart(7)} calls  (total power ${total / 10n ** 18n} IOTX)`,
    );
    return { power, db };
  };
  const sum = (powers: Map<string, { total: bigint }>) => [...powers.values()].reduce((s, p) => s + p.total, 0n);

  const batched = await run('batched (one look-up)', 'batched.db', async (power) =>
    sum(await power.powerAt(space, voters, block)),
  );
  await run(
    'batched, again (cached)',
    '',
    async (power) => sum(await power.powerAt(space, voters, block)),
    batched.power,
  );
  const oneByOne = await run('one by one (look-up each)', 'one-by-one.db', async (power) => {
    let total = 0n;
    for (const voter of voters) total += sum(await power.powerAt(space, [voter], block));
    return total;
  });
  await batched.db?.close();
  await oneByOne.db?.close();
  connected.provider.destroy();
} finally {
  await chain.stop();
  rmSync(dir, { recursive: true, force: true });
}
