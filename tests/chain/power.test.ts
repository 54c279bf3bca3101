// Voting power on a real local chain (staking stand-in at the staking protocol's address, Multicall3
// at its canonical address, a WIOTX-like token) and a real SQLite database.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Interface, JsonRpcProvider, getAddress, parseEther } from 'ethers';

import { toIoAddress } from '../../server/address.js';
import { connectChain, type Chain } from '../../server/chain/provider.js';
import { openDatabase, type Database } from '../../server/db/index.js';
import { PowerError, createPowerService, type AddressPower, type PowerService } from '../../server/power/index.js';
import { STAKING_FRAGMENTS } from '../../server/power/abi.js';
import { weighBucket } from '../../server/power/strategies/iotex-staking.js';
import { voteWeight } from '../../server/power/weight.js';
import { spaceSchema, type Space, type SpaceFile } from '../../server/spaces/schema.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { installMulticall3 } from '../../scripts/lib/multicall-standin.js';
import {
  NATIVE_STAKING_ADDRESS,
  NativeStakingAdmin,
  installNativeStakingStandIn,
} from '../../scripts/lib/staking-standin.js';
import { WIOTX_ADDRESS, installWiotxStandIn, sendAs, wiotxActions } from '../../scripts/lib/wiotx-standin.js';
import { startRpcProxy, type RpcProxy } from '../support/rpc-proxy.js';
import { TEST_SPACE } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

const DAY = 86_400;
/** A fresh address per number (voters never sign here). */
const addr = (n: number) => getAddress(`0x${(0xb0b0000 + n).toString(16).padStart(40, '0')}`);
const NFT_V1 = addr(900);
const NFT_V2 = addr(901);
const iotx = (n: string | number) => parseEther(String(n));

function space(strategies: SpaceFile['strategies']): Space {
  return spaceSchema.parse({ ...TEST_SPACE, strategies });
}
const STAKING = space([{ name: 'iotex-staking' }]);
const ALL = space([
  { name: 'iotex-staking' },
  { name: 'native-balance' },
  { name: 'erc20-balance', params: { address: WIOTX_ADDRESS } },
]);

describe('voting power on the local chain', () => {
  const dir = tempDir('power');
  let localChain: LocalChain;
  let provider: JsonRpcProvider;
  let admin: NativeStakingAdmin;
  let chain: Chain;
  let db: Database;
  let power: PowerService;
  const extraDbs: Database[] = [];
  const candidates = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((name, i) => ({ name, owner: addr(i + 1) }));
  const [alpha, beta] = candidates as [(typeof candidates)[0], (typeof candidates)[0]];

  const head = async () => Number(await provider.send('eth_blockNumber', []));
  const mine = async (blocks: number) => {
    for (let i = 0; i < blocks; i++) await provider.send('evm_mine', []);
  };
  const one = async (svc: PowerService, s: Space, address: string, block: number): Promise<AddressPower> =>
    (await svc.powerAt(s, [address], block)).get(address)!;
  /** A power service with its own empty database: nothing cached, every value read from the chain. */
  const freshService = async (options: { pageSize?: number; rpcUrl?: string; snapshotMaxAgeBlocks?: number } = {}) => {
    const fresh = await openDatabase(`file:${dir.path}/fresh-${extraDbs.length}.db`);
    extraDbs.push(fresh);
    const c = options.rpcUrl ? await connectChain(options.rpcUrl) : chain;
    return createPowerService({ chain: c, db: fresh, pageSize: options.pageSize ?? 4, ...options });
  };

  beforeAll(async () => {
    localChain = await startLocalChain();
    provider = new JsonRpcProvider(localChain.url, localChain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    await installNativeStakingStandIn(provider);
    await installMulticall3(provider);
    await installWiotxStandIn(provider);
    admin = await NativeStakingAdmin.connect(provider);
    for (const c of candidates)
      await admin.registerCandidate({ owner: c.owner, operator: c.owner, reward: c.owner, name: c.name });
    chain = await connectChain(localChain.url);
    db = await openDatabase(`file:${dir.path}/governance.db`);
    // A page of 4: several tests need more buckets (and candidates) than one page.
    power = createPowerService({ chain, db, pageSize: 4 });
  });

  afterAll(async () => {
    chain?.provider.destroy();
    provider?.destroy();
    await db?.close();
    for (const extra of extraDbs) await extra.close();
    await localChain?.stop();
    dir.remove();
  });

  it('weighs each kind of bucket as the chain’s formula says', async () => {
    const voter = addr(100);
    const b0 = await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx('1000'),
      durationDays: 30,
      autoStake: false,
    });
    const b1 = await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx('2500.5'),
      durationDays: 91,
      autoStake: true,
    });
    const b2 = await admin.createBucket({
      owner: voter,
      candidate: beta.owner,
      amount: iotx('300'),
      durationDays: 7,
      autoStake: false,
    });
    await admin.unstakeBucket(b2.index);
    // NFT bucket with a block duration (an odd count, 30 days and one block at 5 s), and an unstaked one.
    const nftBlocks = 30n * 17_280n + 1n;
    await admin.createNftBucket({
      contractAddress: NFT_V1,
      tokenId: 7n,
      owner: voter,
      candidate: beta.owner,
      amount: iotx('100'),
      durationBlocks: nftBlocks,
      autoStake: true,
    });
    await admin.createNftBucket({
      contractAddress: NFT_V1,
      tokenId: 8n,
      owner: voter,
      candidate: beta.owner,
      amount: iotx('50'),
      durationBlocks: 100n,
      autoStake: false,
    });
    await admin.unstakeNftBucket(NFT_V1, 8n);

    // alpha's owner self-stakes (auto-stake, 91 days): the 1.06 bonus. Another of its buckets, and an
    // NFT whose token id equals the self-stake index, get none.
    const self = await admin.createBucket({
      owner: alpha.owner,
      candidate: alpha.owner,
      amount: iotx('1200000'),
      durationDays: 91,
      autoStake: true,
    });
    await admin.setCandidateSelfStake(alpha.owner, self.index, iotx('1200000'));
    await admin.createBucket({
      owner: alpha.owner,
      candidate: alpha.owner,
      amount: iotx('10000'),
      durationDays: 91,
      autoStake: true,
    });
    await admin.createNftBucket({
      contractAddress: NFT_V2,
      tokenId: self.index,
      owner: alpha.owner,
      candidate: alpha.owner,
      amount: iotx('10000'),
      durationBlocks: 91n * 17_280n,
      autoStake: true,
    });
    const block = await head();

    const p = await one(power, STAKING, voter, block);
    const expected = [
      voteWeight(iotx('1000'), 30 * DAY, false, false),
      voteWeight(iotx('2500.5'), 91 * DAY, true, false),
      0n,
      voteWeight(iotx('100'), Number(nftBlocks) * 5, true, false),
      0n,
    ];
    const staking = p.strategies[0]!;
    expect(staking.name).toBe('iotex-staking');
    if (staking.name !== 'iotex-staking') return;
    expect(staking.buckets.map((b) => [b.contractAddress ?? 'native', b.index, b.status, b.power])).toEqual([
      ['native', b0.index, 'staked', expected[0]],
      ['native', b1.index, 'staked', expected[1]],
      ['native', b2.index, 'unstaked', 0n],
      [NFT_V1, 7n, 'staked', expected[3]],
      [NFT_V1, 8n, 'unstaked', 0n],
    ]);
    expect(staking.buckets[3]).toMatchObject({ durationBlocks: nftBlocks, durationSeconds: Number(nftBlocks) * 5 });
    expect(p.total).toBe(expected.reduce((a, b) => a + b, 0n));
    expect(p.total).toBe(staking.power);

    const owner = await one(power, STAKING, alpha.owner, block);
    const ownerStaking = owner.strategies[0]!;
    if (ownerStaking.name !== 'iotex-staking') throw new Error('expected iotex-staking');
    expect(ownerStaking.buckets.map((b) => [b.contractAddress ?? 'native', b.index, b.selfStake, b.power])).toEqual([
      ['native', self.index, true, voteWeight(iotx('1200000'), 91 * DAY, true, true)],
      ['native', self.index + 1n, false, voteWeight(iotx('10000'), 91 * DAY, true, false)],
      [NFT_V2, self.index, false, voteWeight(iotx('10000'), 91 * 17_280 * 5, true, false)],
    ]);
    expect(voteWeight(iotx('1200000'), 91 * DAY, true, true)).toBeGreaterThan(
      voteWeight(iotx('1200000'), 91 * DAY, true, false),
    );
  });

  it('gives the self-stake bonus to an endorsed bucket only while the endorsement lasts', async () => {
    const endorser = addr(101);
    const b = await admin.createBucket({
      owner: endorser,
      candidate: beta.owner,
      amount: iotx('1200000'),
      durationDays: 91,
      autoStake: true,
    });
    await admin.setCandidateSelfStake(beta.owner, b.index, iotx('1200000'));
    const endorsedAt = await head();
    await admin.setBucketEndorsement(b.index, BigInt(endorsedAt + 3));
    const during = await head();
    await mine(3);
    const after = endorsedAt + 3;
    const withBonus = voteWeight(iotx('1200000'), 91 * DAY, true, true);
    const without = voteWeight(iotx('1200000'), 91 * DAY, true, false);
    expect((await one(power, STAKING, endorser, endorsedAt)).total).toBe(without); // not endorsed yet
    expect((await one(power, STAKING, endorser, during)).total).toBe(withBonus);
    expect((await one(power, STAKING, endorser, after)).total).toBe(without); // expired at its height
  });

  it('weighs muted and post-Wake NFT buckets as the chain does (pure weighting)', () => {
    const base = {
      index: 1n,
      candidate: alpha.owner,
      amount: iotx('1000'),
      stakedDurationDays: 0,
      createTime: 0n,
      stakeStartTime: 0n,
      unstakeStartTime: 0n,
      autoStake: false,
      owner: addr(102),
      contractAddress: NFT_V1,
      stakedDurationBlocks: 17_281n,
      createBlockHeight: 10n,
      stakeStartBlockHeight: 10n,
      unstakeStartBlockHeight: 2n ** 64n - 1n, // not unstaked, as mainnet shows it
      endorsementExpireBlockHeight: 0n,
    };
    const info = { selfStakeBuckets: new Set<bigint>(), ownerOf: new Map<string, string>() };
    // Viewed before Wake: 5 s blocks; after: 2.5 s, so an odd count gives a half second.
    expect(weighBucket(base, 36_893_880, info)).toMatchObject({
      durationSeconds: 86_405,
      status: 'staked',
      power: voteWeight(base.amount, 86_405, false, false),
    });
    const postWake = weighBucket(base, 36_893_881, info);
    expect(postWake.durationSeconds).toBe(43_202.5);
    expect(postWake.power).toBe(voteWeight(base.amount, 43_203, false, false)); // ceil(43202.5 / 86400) = 1 day either way
    expect(weighBucket({ ...base, unstakeStartBlockHeight: 99n }, 200, info)).toMatchObject({
      status: 'unstaked',
      power: 0n,
    });
    expect(weighBucket({ ...base, candidate: '0x0000000000000000000000000000000000000000' }, 200, info)).toMatchObject({
      status: 'muted',
      power: 0n,
    });
    // A timestamped (IIP-13 V3) bucket: times, whole days, unstaked once unstakeStartTime > stakeStartTime.
    const timestamped = {
      ...base,
      createBlockHeight: 0n,
      stakeStartBlockHeight: 0n,
      unstakeStartBlockHeight: 0n,
      stakedDurationBlocks: 0n,
      stakedDurationDays: 30,
      createTime: 1_700_000_000n,
      stakeStartTime: 1_700_000_000n,
    };
    expect(weighBucket(timestamped, 200, info)).toMatchObject({
      durationSeconds: 30 * DAY,
      durationBlocks: null,
      power: voteWeight(base.amount, 30 * DAY, false, false),
    });
    expect(weighBucket({ ...timestamped, unstakeStartTime: 1_700_000_001n }, 200, info).status).toBe('unstaked');
  });

  it('does not change power at a block when stake is added or removed after it', async () => {
    const voter = addr(110);
    const b = await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx('1000'),
      durationDays: 30,
      autoStake: false,
    });
    await admin.createNftBucket({
      contractAddress: NFT_V1,
      tokenId: 110n,
      owner: voter,
      candidate: beta.owner,
      amount: iotx('500'),
      durationBlocks: 17_280n,
      autoStake: false,
    });
    const snapshot = await head();
    await mine(2); // final: cached from here on
    const before = await one(power, STAKING, voter, snapshot);
    expect(before.total).toBe(
      voteWeight(iotx('1000'), 30 * DAY, false, false) + voteWeight(iotx('500'), 17_280 * 5, false, false),
    );

    await admin.setBucketAmount(b.index, iotx('5000'));
    await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx('2000'),
      durationDays: 7,
      autoStake: true,
    });
    await admin.unstakeNftBucket(NFT_V1, 110n);
    await admin.createNftBucket({
      contractAddress: NFT_V1,
      tokenId: 111n,
      owner: voter,
      candidate: beta.owner,
      amount: iotx('700'),
      durationBlocks: 100n,
      autoStake: true,
    });
    const later = await head();

    // The cached answer, and one read from the chain by a service with an empty cache, agree.
    expect(await one(power, STAKING, voter, snapshot)).toEqual(before);
    expect(await one(await freshService(), STAKING, voter, snapshot)).toEqual(before);
    // ... while the head has changed: the reads really are at the snapshot block.
    const now = await one(power, STAKING, voter, later);
    expect(now.total).toBe(
      voteWeight(iotx('5000'), 30 * DAY, false, false) +
        voteWeight(iotx('2000'), 7 * DAY, true, false) +
        voteWeight(iotx('700'), 500, true, false),
    );
  });

  it('reads every bucket of a voter with more than one page of them (native and NFT)', async () => {
    const voter = addr(120);
    const full = addr(121);
    const native: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      native.push(
        (
          await admin.createBucket({
            owner: voter,
            candidate: alpha.owner,
            amount: iotx(i + 1),
            durationDays: i,
            autoStake: false,
          })
        ).index,
      );
    }
    for (const tokenId of [201n, 202n, 203n]) {
      await admin.createNftBucket({
        contractAddress: NFT_V1,
        tokenId,
        owner: voter,
        candidate: beta.owner,
        amount: iotx(10),
        durationBlocks: 17_280n,
        autoStake: false,
      });
    }
    // Exactly one page (4 = 3 native + 1 NFT): a full page, so it is read again, and nothing is doubled.
    for (let i = 0; i < 3; i++)
      await admin.createBucket({
        owner: full,
        candidate: alpha.owner,
        amount: iotx(1),
        durationDays: 1,
        autoStake: false,
      });
    await admin.createNftBucket({
      contractAddress: NFT_V2,
      tokenId: 204n,
      owner: full,
      candidate: alpha.owner,
      amount: iotx(1),
      durationBlocks: 1n,
      autoStake: false,
    });
    const block = await head();

    // One page at offset 0 holds only the first 4 (and offset paging would repeat the NFT buckets).
    const iface = new Interface(STAKING_FRAGMENTS);
    const firstPage = iface.decodeFunctionResult(
      'compositeBucketsByVoterV3',
      await provider.call({
        to: NATIVE_STAKING_ADDRESS,
        data: iface.encodeFunctionData('compositeBucketsByVoterV3', [voter, 0, 4]),
      }),
    )[0] as unknown[];
    expect(firstPage).toHaveLength(4);

    const keys = (p: AddressPower) => {
      const s = p.strategies[0]!;
      return s.name === 'iotex-staking'
        ? s.buckets.map((b) => `${b.contractAddress ? 'nft' : 'native'}:${b.index}`)
        : [];
    };
    const paged = await one(power, STAKING, voter, block);
    expect(keys(paged)).toEqual([...native.map((i) => `native:${i}`), 'nft:201', 'nft:202', 'nft:203']);
    const expectedTotal =
      native.reduce((sum, _, i) => sum + voteWeight(iotx(i + 1), i * DAY, false, false), 0n) +
      3n * voteWeight(iotx(10), 17_280 * 5, false, false);
    expect(paged.total).toBe(expectedTotal);
    expect(keys(await one(power, STAKING, full, block))).toHaveLength(4);
    // A service whose first page holds everything agrees.
    const big = await freshService({ pageSize: 1000 });
    expect(await one(big, STAKING, voter, block)).toEqual(paged);
  });

  it('reads IOTX and ERC-20 balances at a past block, and sums the strategies', async () => {
    const voter = addr(130);
    const other = addr(131);
    const funder = (await provider.send('eth_accounts', []))[0] as string;
    const funded = await sendAs(provider, funder, { to: voter, value: iotx(10) });
    const deposited = await wiotxActions.deposit(provider, voter, iotx(4));
    const sent = await wiotxActions.transfer(provider, voter, other, iotx(1));
    const withdrawn = await wiotxActions.withdraw(provider, voter, iotx(1));
    const staked = await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx(100),
      durationDays: 0,
      autoStake: false,
    });

    const erc20 = space([{ name: 'erc20-balance', params: { address: WIOTX_ADDRESS } }]);
    const native = space([{ name: 'native-balance' }]);
    const wiotxAt = async (block: number) => (await one(power, erc20, voter, block)).total;
    expect(await wiotxAt(funded)).toBe(0n);
    expect(await wiotxAt(deposited)).toBe(iotx(4));
    expect(await wiotxAt(sent)).toBe(iotx(3));
    expect(await wiotxAt(withdrawn)).toBe(iotx(2));
    expect((await one(power, erc20, other, withdrawn)).total).toBe(iotx(1));
    for (const block of [funded - 1, funded, deposited, sent, withdrawn]) {
      // Through Multicall3's getEthBalance, equal to the node's own eth_getBalance at that block.
      expect([block, (await one(power, native, voter, block)).total]).toEqual([
        block,
        await provider.getBalance(voter, block),
      ]);
    }
    expect((await one(power, native, voter, funded)).total).toBe(iotx(10));

    const all = await one(power, ALL, voter, staked.blockNumber);
    expect(all.strategies.map((s) => s.name)).toEqual(['iotex-staking', 'native-balance', 'erc20-balance']);
    const [s, n, e] = all.strategies.map((x) => x.power) as [bigint, bigint, bigint];
    expect(s).toBe(voteWeight(iotx(100), 0, false, false));
    expect(n).toBe(await provider.getBalance(voter, staked.blockNumber));
    expect(e).toBe(iotx(2));
    expect(all.total).toBe(s + n + e);
    expect(all.strategies[2]).toMatchObject({ token: WIOTX_ADDRESS });
  });

  it('totals the chain’s weighted votes over every candidate (paged), at the block', async () => {
    const votes = [11n, 22n, 33n, 44n, 55n].map((v) => v * 10n ** 21n);
    for (const [i, c] of candidates.entries()) await admin.setCandidateVotes(c.owner, votes[i]!);
    const block = await head();
    await admin.setCandidateVotes(candidates[4]!.owner, 1n); // after the block: not counted
    await mine(2);
    const sum = votes.reduce((a, b) => a + b, 0n);
    expect(await power.totalPowerAt(STAKING, block)).toBe(sum); // five candidates: two pages of 4
    expect(await power.totalPowerAt(ALL, block)).toBe(sum); // the same for every space
    expect(await (await freshService()).totalPowerAt(STAKING, block)).toBe(sum);
    expect(await power.totalPowerAt(STAKING, await head())).toBe(sum - votes[4]! + 1n);
  });

  it('caches power at final blocks only, keyed by address in either form', async () => {
    const voter = addr(140);
    await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx(5),
      durationDays: 1,
      autoStake: false,
    });
    const block = await head();
    const rows = () => db.client.powerCache.count({ where: { block, address: voter } });
    const atHead = await power.powerAt(STAKING, [voter.toLowerCase(), toIoAddress(voter)], block);
    expect([...atHead.keys()]).toEqual([voter]);
    expect(await rows()).toBe(0); // the head can still change on a chain that reorganises
    await mine(2);
    const final = await power.powerAt(STAKING, [voter], block);
    expect(final).toEqual(atHead);
    expect(await rows()).toBe(1);
    await expect(power.powerAt(STAKING, ['0x1234'], block)).rejects.toMatchObject({ code: 'invalid_address' });
    await expect(power.powerAt(STAKING, [voter], (await head()) + 5)).rejects.toMatchObject({
      code: 'snapshot_in_future',
    });
  });

  describe('snapshot block rules', () => {
    let proxy: RpcProxy;
    beforeAll(async () => {
      proxy = await startRpcProxy(localChain.url);
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('refuses blocks ahead of the head, too old, or not block numbers, with stable codes', async () => {
      const rules = await freshService({ snapshotMaxAgeBlocks: 5 });
      const h = await head();
      await expect(rules.checkSnapshotBlock(h)).resolves.toBeUndefined();
      await expect(rules.checkSnapshotBlock(h - 5)).resolves.toBeUndefined();
      const future = await rules.checkSnapshotBlock(h + 1).catch((e: unknown) => e);
      expect(future).toBeInstanceOf(PowerError);
      expect(future).toMatchObject({ code: 'snapshot_in_future', message: expect.stringContaining(`${h + 1}`) });
      await expect(rules.checkSnapshotBlock(h - 6)).rejects.toMatchObject({ code: 'snapshot_too_old' });
      await expect(rules.checkSnapshotBlock(-1)).rejects.toMatchObject({ code: 'snapshot_invalid' });
      await expect(rules.checkSnapshotBlock(1.5)).rejects.toMatchObject({ code: 'snapshot_invalid' });
      await expect(rules.historicState()).resolves.toEqual({ ok: true });
    });

    it('refuses a node that cannot read past blocks (non-archive)', async () => {
      proxy.behaviour = 'non-archive';
      const svc = await freshService({ rpcUrl: proxy.url });
      const h = await head();
      await expect(svc.historicState()).resolves.toEqual({ ok: true }); // it refuses the far-future read
      const error = await svc.checkSnapshotBlock(h - 1).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'historic_state_unavailable',
        message: expect.stringMatching(/non-archive/),
      });
      await expect(svc.checkSnapshotBlock(h)).resolves.toBeUndefined();
    });

    it('refuses a node that answers past blocks with today’s state (ignores block numbers)', async () => {
      proxy.behaviour = 'ignore-block-tags';
      const svc = await freshService({ rpcUrl: proxy.url });
      const h = await head();
      const probe = await svc.historicState();
      expect(probe.ok).toBe(false);
      await expect(svc.checkSnapshotBlock(h)).rejects.toMatchObject({
        code: 'historic_state_unavailable',
        message: expect.stringMatching(/ignores block numbers/),
      });
      proxy.behaviour = 'archive';
    });
  });
});
