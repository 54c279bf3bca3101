// The chain's bucket rules, one state at a time. Every expected figure is a vote-weight vector
// computed by Go on amd64 (tests/fixtures/iotex), read as a bucket of whole days (vectorBucket); a
// bucket that earns no votes expects 0. Heights are mainnet's forks (server/power/forks.ts).
import { describe, expect, it } from '@jest/globals';
import { ZeroAddress, getAddress } from 'ethers';
import { MAINNET_FORKS } from '../../server/power/forks.js';
import type { StakingBucket, StakingCandidate } from '../../server/power/staking-reader.js';
import { MAX_UINT64, weighBucket, type WeighingContext } from '../../server/power/staking-rules.js';
import { vectorBucket, type VectorBucket } from '../support/fixtures.js';

const addr = (n: number) => getAddress(`0x${(0xc0de0000 + n).toString(16).padStart(40, '0')}`);
const V1 = getAddress('0x68db92a6a78a39dcaff1745da9e89e230ef49d3d'); // SystemStaking (blocks)
const V3 = getAddress('0x65b0c0548ee8d899578513be0cb5305afbf05292'); // SystemStaking3 (seconds)
const DAY = 86_400;
/** Blocks per day at 2.5 s (from Wake) and at 5 s (before). */
const BLOCKS_PER_DAY_WAKE = 34_560n;
const BLOCKS_PER_DAY = 17_280n;

const { wake, xingu } = MAINNET_FORKS;
const TODAY = 50_000_000; // past every fork
/** Upernavik (blockchain/genesis/genesis.go): endorsements stay until revoked from here on. */
const upernavik = 31_174_201;
const LEGACY = upernavik - 100;

const OWNER = addr(1);
const ENDORSER = addr(2);
/** A candidate whose id is not its owner (Upernavik candidates, transferred ownership). */
const CANDIDATE_ID = addr(3);

function candidate(over: Partial<StakingCandidate> = {}): StakingCandidate {
  return {
    owner: OWNER,
    operator: addr(10),
    reward: addr(11),
    name: 'delegate',
    totalWeightedVotes: 0n,
    selfStakeBucketIdx: MAX_UINT64,
    selfStakingTokens: 0n,
    id: OWNER,
    ...over,
  };
}

function native(v: VectorBucket, over: Partial<StakingBucket> = {}): StakingBucket {
  return {
    index: 7n,
    candidate: OWNER,
    amount: v.amount,
    stakedDurationDays: v.days,
    createTime: 1_700_000_000n,
    stakeStartTime: 1_700_000_000n,
    unstakeStartTime: 0n,
    autoStake: v.autoStake,
    owner: addr(20),
    contractAddress: ZeroAddress,
    stakedDurationBlocks: 0n,
    createBlockHeight: 0n,
    stakeStartBlockHeight: 0n,
    unstakeStartBlockHeight: 0n,
    endorsementExpireBlockHeight: 0n,
    ...over,
  };
}

/** An IIP-13 V1/V2 bucket as the chain shows it: block fields only, unstake height MaxUint64 while staked. */
function blockBased(v: VectorBucket, blocks: bigint, over: Partial<StakingBucket> = {}): StakingBucket {
  return native(v, {
    contractAddress: V1,
    stakedDurationDays: 0,
    createTime: 0n,
    stakeStartTime: 0n,
    stakedDurationBlocks: blocks,
    createBlockHeight: 40_000_000n,
    stakeStartBlockHeight: 40_000_000n,
    unstakeStartBlockHeight: MAX_UINT64,
    ...over,
  });
}

/** An IIP-13 V3 bucket as the chain shows it: time fields and whole days only. */
function timestamped(v: VectorBucket, over: Partial<StakingBucket> = {}): StakingBucket {
  return native(v, { contractAddress: V3, ...over });
}

function ctx(block: number, candidates: StakingCandidate[] = [candidate()]): WeighingContext {
  return { block, forks: MAINNET_FORKS, candidates: new Map(candidates.map((c) => [c.id, c])) };
}

describe('native buckets', () => {
  it('count the chain’s vote weight of their duration and auto-stake', () => {
    const v = vectorBucket(8); // 9,585,918 IOTX, 365 days, no auto-stake
    expect(weighBucket(native(v), ctx(TODAY))).toMatchObject({ status: 'staked', selfStake: false, power: v.votes });
    const auto = vectorBucket(28); // 4,293,177 IOTX, 365 days, auto-stake
    expect(weighBucket(native(auto), ctx(TODAY)).power).toBe(auto.votes);
    const none = vectorBucket(0); // 0 days: the amount itself
    expect(weighBucket(native(none), ctx(TODAY)).power).toBe(none.votes);
  });

  it('count 0 once unstaked (unstake time after stake start)', () => {
    const v = vectorBucket(8);
    expect(weighBucket(native(v, { unstakeStartTime: 1_700_000_001n }), ctx(TODAY))).toMatchObject({
      status: 'unstaked',
      power: 0n,
    });
  });

  it('count 0 once unstaked in the very block their stake started (unstake time = stake start)', () => {
    // handlers.go handleUnstake takes the votes out of the total; the chain's isUnstaked (After) says no.
    const v = vectorBucket(20); // 0 days
    expect(weighBucket(native(v, { unstakeStartTime: 1_700_000_000n }), ctx(TODAY))).toMatchObject({
      status: 'unstaked',
      power: 0n,
    });
  });

  it('count 0 when their candidate is no candidate at the block', () => {
    const v = vectorBucket(8);
    expect(weighBucket(native(v, { candidate: addr(99) }), ctx(TODAY))).toMatchObject({
      status: 'not-a-candidate',
      power: 0n,
    });
  });

  it('name their candidate by id, not by owner', () => {
    const v = vectorBucket(8);
    const c = candidate({ id: CANDIDATE_ID });
    expect(weighBucket(native(v, { candidate: CANDIDATE_ID }), ctx(TODAY, [c])).power).toBe(v.votes);
    expect(weighBucket(native(v, { candidate: OWNER }), ctx(TODAY, [c])).status).toBe('not-a-candidate');
  });
});

describe('the self-stake bonus', () => {
  const named = (v: VectorBucket, over: Partial<StakingBucket> = {}) => native(v, { index: 7n, ...over });
  const withSelfStake = (over: Partial<StakingCandidate> = {}) => [candidate({ selfStakeBucketIdx: 7n, ...over })];

  it('goes to the candidate owner’s own named bucket (auto-stake, 91 days or more)', () => {
    const v = vectorBucket(60); // 9,459,234 IOTX, 351 days, auto-stake, self-stake
    expect(weighBucket(named(v, { owner: OWNER }), ctx(TODAY, withSelfStake()))).toMatchObject({
      selfStake: true,
      power: v.votes,
    });
  });

  it('goes only to the bucket the candidate names', () => {
    const v = vectorBucket(28); // auto-stake, no self-stake
    expect(weighBucket(named(v, { index: 8n, owner: OWNER }), ctx(TODAY, withSelfStake()))).toMatchObject({
      selfStake: false,
      power: v.votes,
    });
  });

  it('goes to an endorsed bucket its candidate names, whatever the endorsement’s expiry height', () => {
    // Standing (MaxUint64), unendorsing before or past its expiry, before or after Upernavik: the
    // candidate's total holds the bonus as long as the candidate names the bucket.
    const v = vectorBucket(116); // 7,372,696 IOTX, 107 days, auto-stake, self-stake
    for (const expiry of [MAX_UINT64, BigInt(LEGACY), BigInt(upernavik + 10)]) {
      for (const block of [LEGACY - 1, LEGACY, upernavik + 11, TODAY]) {
        const b = named(v, { owner: ENDORSER, endorsementExpireBlockHeight: expiry });
        expect([expiry, block, weighBucket(b, ctx(block, withSelfStake())).power]).toEqual([expiry, block, v.votes]);
      }
    }
  });

  it('ends when the candidate stops naming the bucket (revoked: the chain clears the self-stake bucket)', () => {
    const plain = vectorBucket(48); // 3,984,866 IOTX, 313 days, auto-stake, no self-stake
    const revoked = named(plain, { owner: ENDORSER, endorsementExpireBlockHeight: 0n });
    expect(weighBucket(revoked, ctx(TODAY, [candidate()]))).toMatchObject({ selfStake: false, power: plain.votes });
  });

  it('needs auto-stake and 91 days (vote_bucket.go): a named bucket without them gets none', () => {
    const v = vectorBucket(17); // 319,439,283 IOTX, 91 days, no auto-stake, self-stake: no bonus in the vector either
    expect(weighBucket(named(v, { owner: OWNER }), ctx(TODAY, withSelfStake()))).toMatchObject({
      selfStake: true,
      power: v.votes,
    });
  });

  // The chain keeps a self-stake bucket on its own candidate (handlers.go: a change of candidate clears it).
  it('goes to the bucket’s own candidate only', () => {
    const plain = vectorBucket(44); // 9,558,206 IOTX, 609 days, auto-stake, no self-stake
    const other = candidate({ id: CANDIDATE_ID, owner: addr(30), selfStakeBucketIdx: 7n });
    expect(weighBucket(named(plain, { owner: OWNER }), ctx(TODAY, [candidate(), other])).power).toBe(plain.votes);
  });
});

describe('system-staking (NFT) buckets', () => {
  it('block-based: a block count at 2.5 s per block from Wake; never the self-stake bonus', () => {
    const v = vectorBucket(44); // 609 days, auto-stake
    const b = blockBased(v, 609n * BLOCKS_PER_DAY_WAKE, { index: 7n });
    const c = [candidate({ selfStakeBucketIdx: 7n })];
    expect(weighBucket(b, ctx(TODAY, c))).toMatchObject({
      status: 'staked',
      selfStake: false,
      durationSeconds: 609 * DAY,
      durationBlocks: 609n * BLOCKS_PER_DAY_WAKE,
      power: v.votes,
    });
    // One block less is half a second short of 609 days: still 609 days once rounded up.
    expect(weighBucket(blockBased(v, 609n * BLOCKS_PER_DAY_WAKE - 1n), ctx(TODAY)).power).toBe(v.votes);
  });

  it('block-based: 5 s per block when viewed before Wake', () => {
    const v = vectorBucket(44);
    expect(weighBucket(blockBased(v, 609n * BLOCKS_PER_DAY), ctx(wake - 1)).durationSeconds).toBe(609 * DAY);
  });

  it('block-based: unstaked once the unstake height is set', () => {
    const v = vectorBucket(44);
    expect(weighBucket(blockBased(v, 1n, { unstakeStartBlockHeight: 45_000_000n }), ctx(TODAY))).toMatchObject({
      status: 'unstaked',
      power: 0n,
    });
  });

  it('timestamped (V3): whole days; unstaked once the unstake time is after the stake start', () => {
    const v = vectorBucket(56); // 8,466,868 IOTX, 288 days, no auto-stake
    expect(weighBucket(timestamped(v), ctx(TODAY))).toMatchObject({
      status: 'staked',
      durationBlocks: null,
      power: v.votes,
    });
    expect(weighBucket(timestamped(v, { unstakeStartTime: 1_800_000_000n }), ctx(TODAY)).status).toBe('unstaked');
    // Unlocked and unstaked in one block (a 0-day bucket): unstake time = stake start, still unstaked.
    expect(weighBucket(timestamped(v, { unstakeStartTime: 1_700_000_000n }), ctx(TODAY)).status).toBe('unstaked');
  });

  it('count 0 when muted (candidate shown as the zero address)', () => {
    const v = vectorBucket(44);
    expect(weighBucket(blockBased(v, 1n, { candidate: ZeroAddress }), ctx(TODAY))).toMatchObject({
      status: 'muted',
      power: 0n,
    });
  });

  it('count 0 when delegated to an address that is no candidate id (its owner address included)', () => {
    const v = vectorBucket(44);
    const c = [candidate({ id: CANDIDATE_ID })];
    for (const delegate of [addr(98), OWNER]) {
      expect(weighBucket(blockBased(v, 1n, { candidate: delegate }), ctx(TODAY, c)).status).toBe('not-a-candidate');
    }
  });

  it('count 0 before Xingu, when no candidate total held NFT votes as nodes read them today', () => {
    const v = vectorBucket(56);
    expect(weighBucket(timestamped(v), ctx(xingu - 1))).toMatchObject({ status: 'nft-before-xingu', power: 0n });
    expect(weighBucket(timestamped(v), ctx(xingu)).power).toBe(v.votes);
  });
});
