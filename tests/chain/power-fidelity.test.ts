// Voting power and the chain's weighted total agree to the wei, in every bucket state the chain
// shows, on the local iotex-core-like chain; and no node that cannot serve the snapshot's staking
// state gets anything counted.
//
// Every expected figure is a vote-weight vector computed by Go on amd64 (tests/fixtures/iotex), read
// as a bucket of whole days (vectorBucket): a bucket that carries no votes expects 0. The candidates'
// totals are set as the chain would hold them: the sum of their counted buckets' vectors
// (action/protocol/staking: candidate votes change with each bucket action; NFT votes are stored in
// them from Xingu, nfteventhandler.go, and only for a delegate that is a candidate id).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JsonRpcProvider, getAddress } from 'ethers';

import { connectChain, type Chain } from '../../server/chain/provider.js';
import { openDatabase, type Database } from '../../server/db/index.js';
import { STAKING_PROTOCOL_ADDRESS, stakingInterface } from '../../server/power/abi.js';
import { Blocks } from '../../server/power/blocks.js';
import { CandidateSets, readCandidateSet } from '../../server/power/candidates.js';
import { MAINNET_FORKS } from '../../server/power/forks.js';
import { JsonRpcBatcher } from '../../server/power/rpc-batch.js';
import { StakingReader } from '../../server/power/staking-reader.js';
import { IotexStakingStrategy } from '../../server/power/strategies/iotex-staking.js';
import { createPowerService, type AddressPower, type PowerService } from '../../server/power/index.js';
import { DEFAULT_SNAPSHOT_MAX_AGE_BLOCKS, spaceSchema, type Space } from '../../server/spaces/schema.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import type { NodeProfileName } from '../../scripts/lib/iotex-node/index.js';
import {
  NO_SELF_STAKE_BUCKET,
  NativeStakingAdmin,
  SYSTEM_STAKING_CONTRACTS,
  intentToRevokeExpireHeight,
} from '../../scripts/lib/staking-standin.js';
import { vectorBucket, type VectorBucket } from '../support/fixtures.js';
import { startRpcProxy, type ProxyCall, type RpcProxy } from '../support/rpc-proxy.js';
import { TEST_SPACE } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

const addr = (n: number) => getAddress(`0x${(0xf1de0000 + n).toString(16).padStart(40, '0')}`);
const STAKING: Space = spaceSchema.parse({ ...TEST_SPACE, id: 'fidelity', strategies: [{ name: 'iotex-staking' }] });
/** Blocks of a day at 2.5 s (from Wake): a block-based NFT of D days × this is D days long. */
const BLOCKS_PER_DAY = 34_560n;
const { v1: V1, v2: V2, v3: V3 } = SYSTEM_STAKING_CONTRACTS;

interface Harness {
  chain: LocalChain;
  provider: JsonRpcProvider;
  admin: NativeStakingAdmin;
  /** A power service with a database of its own (nothing cached), on the chain's endpoint. */
  service(): Promise<PowerService>;
  head(): Promise<number>;
  mine(blocks: number): Promise<void>;
  close(): Promise<void>;
}

async function harness(name: string, options: { startHeight?: number; epochLength?: number } = {}): Promise<Harness> {
  const dir = tempDir(name);
  const chain = await startLocalChain(options);
  const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const admin = await NativeStakingAdmin.connect(provider);
  const opened: { db: Database; chain: Chain }[] = [];
  return {
    chain,
    provider,
    admin,
    async service() {
      const db = await openDatabase(`file:${dir.path}/power-${opened.length}.db`);
      const c = await connectChain(chain.url);
      opened.push({ db, chain: c });
      return createPowerService({ chain: c, db });
    },
    head: async () => Number(await provider.send('eth_blockNumber', [])),
    async mine(blocks) {
      for (let i = 0; i < blocks; i++) await provider.send('evm_mine', []);
    },
    async close() {
      for (const o of opened) {
        o.chain.provider.destroy();
        await o.db.close();
      }
      provider.destroy();
      await chain.stop();
      dir.remove();
    },
  };
}

const one = async (power: PowerService, address: string, block: number): Promise<AddressPower> =>
  (await power.powerAt(STAKING, [address], block)).get(address)!;

/** [kind, index, status, power] of each bucket, in the chain's order. */
function buckets(p: AddressPower): [string, bigint, string, bigint][] {
  const s = p.strategies[0]!;
  if (s.name !== 'iotex-staking') throw new Error('expected iotex-staking');
  return s.buckets.map((b) => [b.contractAddress ?? 'native', b.index, b.status, b.power]);
}

describe('power and totals agree with the chain in every bucket state (today’s rules)', () => {
  let h: Harness;
  let snapshot: number;
  const sum = (...vs: VectorBucket[]) => vs.reduce((total, v) => total + v.votes, 0n);

  // The vectors each bucket is read from (see vectorBucket): amount, whole days, auto-stake.
  const alphaSelf = vectorBucket(60); // 9,459,234 IOTX, 351 d, auto: the owner's own self-stake bucket
  const betaSelf = vectorBucket(116); // 7,372,696 IOTX, 107 d, auto: endorsed self-stake bucket
  const gammaSelf = vectorBucket(132); // 2,670,170 IOTX, 274 d, auto: unendorsing, past its expiry
  const deltaOnce = vectorBucket(48); // 3,984,866 IOTX, 313 d, auto: endorsement revoked
  const plainAuto = vectorBucket(28); // 4,293,177 IOTX, 365 d, auto
  const noDuration = vectorBucket(0); // 7,779,411 IOTX, 0 d
  const unstakedNative = vectorBucket(72); // 1,340,442 IOTX, 101 d
  const sameBlock = vectorBucket(20); // 8,966,813 IOTX, 0 d: unstaked in the block its stake started
  const nftBlocks = vectorBucket(44); // 9,558,206 IOTX, 609 d, auto: V1, in blocks
  const nftUnstaked = vectorBucket(36); // 3,765,930 IOTX, 91 d: V1, unstaked
  const nftMuted = vectorBucket(112); // 4,473,706 IOTX, 301 d: V2, muted
  const nftStranger = vectorBucket(84); // 9,832,472 IOTX, 231 d: V2, delegated to no candidate
  const nftTimestamped = vectorBucket(56); // 8,466,868 IOTX, 288 d: V3
  const nftTimestampedUnstaked = vectorBucket(104); // 3,295,678 IOTX, 718 d: V3, unstaked
  const toEpsilonId = vectorBucket(8); // 9,585,918 IOTX, 365 d: to a candidate whose id is not its owner
  const toEpsilonOwner = vectorBucket(92); // 1,892,323 IOTX, 1049 d: NFT to that candidate's owner address
  const moved = vectorBucket(140); // 5,238,498 IOTX, 528 d: changed candidate, alpha → delta

  const alpha = { owner: addr(1), name: 'alpha' };
  const beta = { owner: addr(2), name: 'beta' };
  const gamma = { owner: addr(3), name: 'gamma' };
  const delta = { owner: addr(4), name: 'delta' };
  const epsilon = { owner: addr(5), name: 'epsilon', id: addr(55) };
  const [e1, e2, e3] = [addr(11), addr(12), addr(13)];
  const [v1, v2, v3, v4, v5] = [addr(21), addr(22), addr(23), addr(24), addr(25)];
  const stranger = addr(99);

  /** Each voter's power at the snapshot, worked out from the vectors; each candidate's total the same way. */
  const expectedPower = new Map<string, bigint>();
  const expectedTotals = {
    alpha: sum(alphaSelf, plainAuto, nftBlocks),
    beta: sum(betaSelf, noDuration, nftTimestamped),
    gamma: sum(gammaSelf),
    delta: sum(deltaOnce, moved),
    epsilon: sum(toEpsilonId),
  };

  beforeAll(async () => {
    h = await harness('fidelity');
    const { admin } = h;
    for (const c of [alpha, beta, gamma, delta]) {
      await admin.registerCandidate({ owner: c.owner, operator: c.owner, reward: c.owner, name: c.name });
    }
    const { owner, name, id } = epsilon;
    await admin.registerCandidate({ owner, operator: owner, reward: owner, name, id });
    const native = (owner: string, candidate: string, v: VectorBucket) =>
      admin.createBucket({ owner, candidate, amount: v.amount, durationDays: v.days, autoStake: v.autoStake });

    // Self-stake buckets: owned by the candidate's owner; endorsed; unendorsing past its expiry; revoked.
    const a = await native(alpha.owner, alpha.owner, alphaSelf);
    await admin.setCandidateSelfStake(alpha.owner, a.index, alphaSelf.amount);
    const b = await native(e1, beta.owner, betaSelf);
    await admin.endorseBucket(b.index);
    await admin.setCandidateSelfStake(beta.owner, b.index, betaSelf.amount);
    const g = await native(e2, gamma.owner, gammaSelf);
    await admin.endorseBucket(g.index);
    await admin.setCandidateSelfStake(gamma.owner, g.index, gammaSelf.amount);
    const intent = await admin.intendToRevokeEndorsement(
      g.index,
      intentToRevokeExpireHeight(await h.head(), false) + 1n,
    );
    const d = await native(e3, delta.owner, deltaOnce);
    await admin.endorseBucket(d.index);
    await admin.setCandidateSelfStake(delta.owner, d.index, deltaOnce.amount);
    await admin.intendToRevokeEndorsement(d.index, BigInt(await h.head()));
    await admin.revokeEndorsement(d.index);
    await admin.setCandidateSelfStake(delta.owner, NO_SELF_STAKE_BUCKET, 0n); // revoke clears it (handler_candidate_endorsement.go)
    expectedPower.set(alpha.owner, alphaSelf.votes);
    expectedPower.set(e1, betaSelf.votes);
    expectedPower.set(e2, gammaSelf.votes);
    expectedPower.set(e3, deltaOnce.votes);

    // v1: native buckets, one of them unstaked.
    await native(v1, alpha.owner, plainAuto);
    await native(v1, beta.owner, noDuration);
    const u = await native(v1, gamma.owner, unstakedNative);
    await admin.unstakeBucket(u.index);
    // Unstaked in the block its stake started (0 days): the chain's isUnstaked (`After`) says no, but
    // handleUnstake took its votes out of the total (handlers.go).
    const start = Number((await h.provider.getBlock('latest'))!.timestamp) + 10;
    const same = await admin.createBucket({
      owner: v1,
      candidate: gamma.owner,
      amount: sameBlock.amount,
      durationDays: 0,
      autoStake: false,
      stakeStartTime: start,
    });
    await h.provider.send('evm_setNextBlockTimestamp', [start]);
    await admin.unstakeBucket(same.index);
    const data = stakingInterface.encodeFunctionData('compositeBucketsByVoterV3', [v1, 0, 10]);
    const [list] = stakingInterface.decodeFunctionResult(
      'compositeBucketsByVoterV3',
      await h.provider.call({ to: STAKING_PROTOCOL_ADDRESS, data }),
    ) as unknown as [{ index: bigint; stakeStartTime: bigint; unstakeStartTime: bigint }[]];
    const shown = list.find((b) => b.index === same.index)!;
    expect([shown.stakeStartTime, shown.unstakeStartTime]).toEqual([BigInt(start), BigInt(start)]);
    expectedPower.set(v1, plainAuto.votes + noDuration.votes);

    // v2: block-based NFT buckets: staked, unstaked, muted (V2), delegated to no candidate.
    const nft = (contractAddress: string, tokenId: bigint, candidate: string, v: VectorBucket) =>
      admin.createNftBucket({
        contractAddress,
        tokenId,
        owner: v2,
        candidate,
        amount: v.amount,
        durationBlocks: BigInt(v.days) * BLOCKS_PER_DAY,
        autoStake: v.autoStake,
      });
    await nft(V1, 1n, alpha.owner, nftBlocks);
    await nft(V1, 2n, alpha.owner, nftUnstaked);
    await admin.unstakeNftBucket(V1, 2n);
    await nft(V2, 3n, beta.owner, nftMuted);
    await admin.muteNftBucket(V2, 3n);
    await nft(V2, 4n, stranger, nftStranger);
    expectedPower.set(v2, nftBlocks.votes);

    // v3: timestamped (V3) NFT buckets, one unstaked.
    const timestamped = (tokenId: bigint, v: VectorBucket) =>
      admin.createTimestampedNftBucket({
        contractAddress: V3,
        tokenId,
        owner: v3,
        delegate: beta.owner,
        amount: v.amount,
        durationSeconds: v.days * 86_400,
        autoStake: v.autoStake,
      });
    await timestamped(5n, nftTimestamped);
    await timestamped(6n, nftTimestampedUnstaked);
    await admin.unstakeNftBucket(V3, 6n);
    expectedPower.set(v3, nftTimestamped.votes);

    // v4: to a candidate by its id (counted), and an NFT to its owner address (no candidate id).
    await native(v4, epsilon.id, toEpsilonId);
    await admin.createNftBucket({
      contractAddress: V1,
      tokenId: 7n,
      owner: v4,
      candidate: epsilon.owner,
      amount: toEpsilonOwner.amount,
      durationBlocks: BigInt(toEpsilonOwner.days) * BLOCKS_PER_DAY,
      autoStake: toEpsilonOwner.autoStake,
    });
    expectedPower.set(v4, toEpsilonId.votes);

    // v5: a bucket moved from alpha to delta.
    const m = await native(v5, alpha.owner, moved);
    await admin.changeBucketCandidate(m.index, delta.owner);
    expectedPower.set(v5, moved.votes);

    for (const [c, total] of [
      [alpha, expectedTotals.alpha],
      [beta, expectedTotals.beta],
      [gamma, expectedTotals.gamma],
      [delta, expectedTotals.delta],
      [epsilon, expectedTotals.epsilon],
    ] as const) {
      await admin.setCandidateVotes(c.owner, total);
    }
    // gamma's endorsement is past its expiry height from here on: from Upernavik it still counts.
    while ((await h.head()) < intent.blockNumber + 3) await h.mine(1);
    snapshot = await h.head();

    // After the snapshot everything changes; reads at the snapshot must not see it.
    await admin.changeNftDelegate(V1, 1n, stranger);
    await admin.setCandidateVotes(alpha.owner, 1n);
    await admin.changeNftDelegate(V2, 4n, alpha.owner);
    await native(v1, alpha.owner, plainAuto);
    await h.mine(2);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('gives each voter the chain’s weight of each bucket, 0 for those that carry no votes', async () => {
    const power = await h.service();
    const at = (voter: string) => one(power, voter, snapshot);
    expect(buckets(await at(v1))).toEqual([
      ['native', expect.any(BigInt), 'staked', plainAuto.votes],
      ['native', expect.any(BigInt), 'staked', noDuration.votes],
      ['native', expect.any(BigInt), 'unstaked', 0n],
      ['native', expect.any(BigInt), 'unstaked', 0n],
    ]);
    expect(buckets(await at(v2))).toEqual([
      [V1, 1n, 'staked', nftBlocks.votes],
      [V1, 2n, 'unstaked', 0n],
      [V2, 3n, 'muted', 0n],
      [V2, 4n, 'not-a-candidate', 0n],
    ]);
    expect(buckets(await at(v3))).toEqual([
      [V3, 5n, 'staked', nftTimestamped.votes],
      [V3, 6n, 'unstaked', 0n],
    ]);
    expect(buckets(await at(v4))).toEqual([
      ['native', expect.any(BigInt), 'staked', toEpsilonId.votes],
      [V1, 7n, 'not-a-candidate', 0n],
    ]);
    for (const [voter, expected] of expectedPower) expect([voter, (await at(voter)).total]).toEqual([voter, expected]);
    // The self-stake bonus: owner's own, endorsed, unendorsing past its expiry; not after a revoke.
    const selfStake = async (voter: string) => {
      const s = (await at(voter)).strategies[0]!;
      return s.name === 'iotex-staking' ? s.buckets[0]!.selfStake : undefined;
    };
    expect([await selfStake(alpha.owner), await selfStake(e1), await selfStake(e2), await selfStake(e3)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('sums every voter’s power to the chain’s weighted total, candidate by candidate', async () => {
    const power = await h.service();
    const voters = [...expectedPower.keys(), stranger];
    const powers = await power.powerAt(STAKING, voters, snapshot);
    const counted = [...powers.values()].reduce((total, p) => total + p.total, 0n);
    const chainTotal = Object.values(expectedTotals).reduce((a, b) => a + b, 0n);
    expect(counted).toBe(chainTotal);
    expect(await power.totalPowerAt(STAKING, snapshot)).toBe(chainTotal);
    // Per candidate: the counted buckets that name it add up to its totalWeightedVotes.
    const byCandidate = new Map<string, bigint>();
    for (const p of powers.values()) {
      const s = p.strategies[0]!;
      if (s.name !== 'iotex-staking') continue;
      for (const b of s.buckets) byCandidate.set(b.candidate, (byCandidate.get(b.candidate) ?? 0n) + b.power);
    }
    expect(byCandidate.get(alpha.owner)).toBe(expectedTotals.alpha);
    expect(byCandidate.get(beta.owner)).toBe(expectedTotals.beta);
    expect(byCandidate.get(gamma.owner)).toBe(expectedTotals.gamma);
    expect(byCandidate.get(delta.owner)).toBe(expectedTotals.delta);
    expect(byCandidate.get(epsilon.id)).toBe(expectedTotals.epsilon);
    expect(byCandidate.get(stranger) ?? 0n).toBe(0n);
  });

  it('reads at the snapshot, not the head: what changed after it is not counted', async () => {
    const power = await h.service();
    const head = await h.head();
    expect((await one(power, v2, snapshot)).total).toBe(nftBlocks.votes);
    expect((await one(power, v2, head)).total).toBe(nftStranger.votes); // V1 #1 now to no candidate, V2 #4 to alpha
    expect(await power.totalPowerAt(STAKING, head)).not.toBe(await power.totalPowerAt(STAKING, snapshot));
  });

  describe('refuses to count from a node that cannot serve the snapshot’s staking state', () => {
    const refused: [NodeProfileName, string, RegExp][] = [
      ['non-archive', 'historic_state_unavailable', /keeps no history/],
      ['non-archive-v2.4.3', 'historic_state_unavailable', /keeps no history/],
      ['archive-v2.3', 'historic_state_unavailable', /v2\.3\.8 cannot follow the chain past the Yap/],
      ['legacy-v2.3.2', 'historic_state_unavailable', /v2\.3\.2 answers staking reads with today's state/],
      ['pruned', 'historic_state_unavailable', /cannot read staking state at block 1/],
    ];

    afterAll(() => h.chain.node.setProfile('archive'));

    it.each(refused)('%s: %s, and nothing counted', async (profile, code, reason) => {
      h.chain.node.setProfile(profile);
      const power = await h.service();
      const history = await power.historicState();
      expect(history).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
      expect(history.ok ? '' : history.reason).toMatch(/archive node .* iotex-core v2\.4\.0 or later/);
      await expect(power.checkSnapshotBlock(snapshot, DEFAULT_SNAPSHOT_MAX_AGE_BLOCKS)).rejects.toMatchObject({ code });
      await expect(power.powerAt(STAKING, [v1], snapshot)).rejects.toMatchObject({ code });
      await expect(power.totalPowerAt(STAKING, snapshot)).rejects.toMatchObject({ code });
    });

    it('archive: counts, and says what it proved', async () => {
      h.chain.node.setProfile('archive');
      const power = await h.service();
      const history = await power.historicState();
      expect(history).toMatchObject({
        ok: true,
        node: { version: '2.4.4', bucketsAtBlock1: '0', archiveProbe: { executedAt: (await h.head()) - 15 } },
      });
      await expect(power.checkSnapshotBlock(snapshot, DEFAULT_SNAPSHOT_MAX_AGE_BLOCKS)).resolves.toBeUndefined();
      expect((await one(power, v1, snapshot)).total).toBe(expectedPower.get(v1));
    });
  });
});

describe('before Xingu: no candidate total holds NFT votes, so no NFT bucket counts', () => {
  let h: Harness;
  const native = vectorBucket(8);
  const nft = vectorBucket(44);
  const owner = addr(201);
  const voter = addr(202);

  beforeAll(async () => {
    h = await harness('fidelity-xingu', { startHeight: MAINNET_FORKS.xingu - 40 });
    await h.admin.registerCandidate({ owner, operator: owner, reward: owner, name: 'pre-xingu' });
    await h.admin.createBucket({
      owner: voter,
      candidate: owner,
      amount: native.amount,
      durationDays: native.days,
      autoStake: native.autoStake,
    });
    await h.admin.createNftBucket({
      contractAddress: V1,
      tokenId: 1n,
      owner: voter,
      candidate: owner,
      amount: nft.amount,
      durationBlocks: BigInt(nft.days) * BLOCKS_PER_DAY,
      autoStake: nft.autoStake,
    });
    // Before Xingu the total holds native votes only (staking_statereader.go, feature flags at the tip).
    await h.admin.setCandidateVotes(owner, native.votes);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('counts the native bucket and not the NFT bucket, and the sum is the total', async () => {
    const block = await h.head();
    expect(block).toBeLessThan(MAINNET_FORKS.xingu);
    const power = await h.service();
    const p = await one(power, voter, block);
    expect(buckets(p).map(([kind, , status, votes]) => [kind, status, votes])).toEqual([
      ['native', 'staked', native.votes],
      [V1, 'nft-before-xingu', 0n],
    ]);
    expect(p.total).toBe(await power.totalPowerAt(STAKING, block));
  });
});

describe('a node with the staking indexer: its epoch’s candidate list is never counted', () => {
  const EPOCH = 20;
  let h: Harness;
  let snapshot: number;
  const owners = [addr(301), addr(302)];
  const voter = addr(303);
  const v = vectorBucket(8);

  beforeAll(async () => {
    h = await harness('fidelity-indexer', { epochLength: EPOCH });
    for (const [i, owner] of owners.entries()) {
      await h.admin.registerCandidate({ owner, operator: owner, reward: owner, name: `indexed-${i}` });
    }
    // The next epoch's snapshot holds both candidates with no votes; the stake comes after it.
    const head = await h.head();
    await h.mine(EPOCH - (head % EPOCH) + 1);
    await h.admin.createBucket({
      owner: voter,
      candidate: owners[0]!,
      amount: v.amount,
      durationDays: v.days,
      autoStake: v.autoStake,
    });
    await h.admin.setCandidateVotes(owners[0]!, v.votes);
    snapshot = await h.head();
    await h.mine(2);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('archive (no indexer) counts the same chain', async () => {
    const power = await h.service();
    expect((await one(power, voter, snapshot)).total).toBe(v.votes);
    expect(await power.totalPowerAt(STAKING, snapshot)).toBe(v.votes);
  });

  it('is refused from the start, with a code of its own, and nothing is counted', async () => {
    h.chain.node.setProfile('staking-indexer');
    try {
      const power = await h.service();
      expect(await power.historicState()).toMatchObject({
        ok: false,
        code: 'candidates_from_epoch',
        reason: expect.stringMatching(/enableStakingIndexer/),
      });
      await expect(power.checkSnapshotBlock(snapshot, DEFAULT_SNAPSHOT_MAX_AGE_BLOCKS)).rejects.toMatchObject({
        code: 'candidates_from_epoch',
      });
      await expect(power.powerAt(STAKING, [voter], snapshot)).rejects.toMatchObject({ code: 'candidates_from_epoch' });
      await expect(power.totalPowerAt(STAKING, snapshot)).rejects.toMatchObject({ code: 'candidates_from_epoch' });
      // Each snapshot's list is checked on its own too, against each candidate read by id at the block.
      const reader = new StakingReader(new JsonRpcBatcher(h.chain.url));
      await expect(readCandidateSet(reader, snapshot)).rejects.toMatchObject({
        code: 'candidates_from_epoch',
        message: expect.stringMatching(/indexed-0 has 0 weighted votes in the list/),
      });
    } finally {
      h.chain.node.setProfile('archive');
    }
  });
});

describe('a staking-indexer node whose epoch list still equals the state', () => {
  const EPOCH = 20;
  let h: Harness;
  let snapshot: number;
  const listed = [addr(401), addr(402)];
  const newcomer = addr(403);
  const voter = addr(404);
  const v = vectorBucket(8);

  beforeAll(async () => {
    h = await harness('fidelity-indexer-quiet', { epochLength: EPOCH });
    for (const [i, owner] of listed.entries()) {
      await h.admin.registerCandidate({ owner, operator: owner, reward: owner, name: `quiet-${i}` });
    }
    const head = await h.head();
    await h.mine(EPOCH - (head % EPOCH) + 1);
    // After the epoch's snapshot: a new candidate, and a vote for it. The listed ones do not change.
    await h.admin.registerCandidate({ owner: newcomer, operator: newcomer, reward: newcomer, name: 'newcomer' });
    await h.admin.createBucket({
      owner: voter,
      candidate: newcomer,
      amount: v.amount,
      durationDays: v.days,
      autoStake: v.autoStake,
    });
    await h.admin.setCandidateVotes(newcomer, v.votes);
    snapshot = await h.head();
    await h.mine(2);
    h.chain.node.setProfile('staking-indexer');
  }, 120_000);

  afterAll(async () => {
    h?.chain.node.setProfile('archive');
    await h?.close();
  });

  it('is told apart by the indexer’s uint32 paging (HTTP 500), where no figure differs', async () => {
    const power = await h.service();
    expect(await power.historicState()).toMatchObject({
      ok: false,
      code: 'candidates_from_epoch',
      reason: expect.stringMatching(/candidatesV3\(1, 2\^32 - 1\) fails with HTTP 500/),
    });
  });

  it('a bucket naming a candidate the list lacks is never counted as naming no candidate', async () => {
    // The strategy itself, past the node check: the list has quiet-0 and quiet-1 with the state's
    // figures, but the voter's bucket names the newcomer, which is a candidate at the block.
    const rpc = new JsonRpcBatcher(h.chain.url);
    const reader = new StakingReader(rpc);
    const sets = new CandidateSets(reader, new Blocks(rpc));
    await expect(readCandidateSet(reader, snapshot)).resolves.toMatchObject({ total: 0n });
    const strategy = new IotexStakingStrategy(reader, sets, MAINNET_FORKS);
    await expect(strategy.powers([voter], snapshot)).rejects.toMatchObject({
      code: 'candidates_from_epoch',
      message: expect.stringMatching(/newcomer .* is not in the list/),
    });
  });
});

describe('node checks against a faulty or dishonest node in front of the chain', () => {
  let h: Harness;
  let proxy: RpcProxy;
  const owner = addr(501);
  const multicallProbe = (call: ProxyCall) =>
    call.method === 'eth_call' && String((call.params?.[0] as { data?: string })?.data).startsWith('0x42cbb15c');
  const pagedPastFirst = (call: ProxyCall) =>
    call.method === 'eth_call' &&
    (call.params?.[0] as { data?: string })?.data ===
      stakingInterface.encodeFunctionData('candidatesV3', [1, 2 ** 32 - 1]);

  beforeAll(async () => {
    h = await harness('fidelity-faulty');
    for (const [i, o] of [owner, addr(502)].entries()) {
      await h.admin.registerCandidate({ owner: o, operator: o, reward: o, name: `faulty-${i}` });
    }
    await h.admin.createBucket({ owner: addr(503), candidate: owner, amount: 1n, durationDays: 0, autoStake: false });
    proxy = await startRpcProxy(h.chain.url);
  }, 120_000);

  afterAll(async () => {
    h?.chain.node.setProfile('archive');
    await proxy?.close();
    await h?.close();
  });

  const serviceVia = async (url: string) => {
    const dir = tempDir('fidelity-faulty-db');
    const db = await openDatabase(`file:${dir.path}/power.db`);
    const chain = await connectChain(url);
    const close = async () => {
      chain.provider.destroy();
      await db.close();
      dir.remove();
    };
    return { power: createPowerService({ chain, db }), close };
  };

  it('a node that does not answer for a moment is asked again, not refused for good', async () => {
    let failures = 1;
    proxy.hooks = {
      intercept: (calls) => (calls.some(multicallProbe) && failures-- > 0 ? { status: 429, body: '' } : undefined),
    };
    const { power, close } = await serviceVia(proxy.url);
    try {
      await expect(power.historicState()).rejects.toMatchObject({ code: 'chain_unavailable' });
      await expect(power.historicState()).resolves.toMatchObject({ ok: true });
    } finally {
      proxy.hooks = {};
      await close();
    }
  });

  it('one error page from a gateway (HTTP 500 with a body) is not taken for the staking indexer', async () => {
    let failures = 1;
    proxy.hooks = {
      intercept: (calls) =>
        calls.some(pagedPastFirst) && failures-- > 0 ? { status: 500, body: '<html>Bad gateway</html>' } : undefined,
    };
    const { power, close } = await serviceVia(proxy.url);
    try {
      await expect(power.historicState()).resolves.toMatchObject({ ok: true });
    } finally {
      proxy.hooks = {};
      await close();
    }
  });

  it('a node that claims v2.4.4 but answers staking reads with today’s state is refused', async () => {
    h.chain.node.setProfile('legacy-v2.3.2'); // ignores the block of staking reads (and is an EVM archive)
    proxy.hooks = {
      rewrite: (call, answer) =>
        call.method === 'web3_clientVersion' ? { ...answer, result: 'v2.4.4/go version go1.24.6 linux/amd64' } : answer,
    };
    const { power, close } = await serviceVia(proxy.url);
    try {
      expect(await power.historicState()).toMatchObject({
        ok: false,
        code: 'historic_state_unavailable',
        reason: expect.stringMatching(
          /answers a staking read at block 1 with the head's 1 buckets: it ignores the block/,
        ),
        node: { version: '2.4.4', bucketsAtBlock1: '1', bucketsAtHead: '1' },
      });
    } finally {
      proxy.hooks = {};
      h.chain.node.setProfile('archive');
      await close();
    }
  });

  it('a candidate list that names a candidate twice is refused', async () => {
    proxy.hooks = {
      rewrite: (call, answer) => {
        const data = (call.params?.[0] as { data?: string } | undefined)?.data;
        if (call.method !== 'eth_call' || !data?.startsWith(stakingInterface.getFunction('candidatesV3')!.selector)) {
          return answer;
        }
        const [list] = stakingInterface.decodeFunctionResult('candidatesV3', answer.result as string);
        const twice = [...(list as unknown[]), (list as unknown[])[0]];
        return { ...answer, result: stakingInterface.encodeFunctionResult('candidatesV3', [twice]) };
      },
    };
    const { power, close } = await serviceVia(proxy.url);
    try {
      expect(await power.historicState()).toMatchObject({
        ok: false,
        code: 'candidates_inconsistent',
        reason: expect.stringMatching(/lists candidate .* twice/),
      });
    } finally {
      proxy.hooks = {};
      await close();
    }
  });
});
