// iotex-staking: every bucket a voter owns at the snapshot block (native and system-staking NFT
// buckets, one composite read), each weighted as the chain weighs it (iotex-core
// action/protocol/staking: vote_bucket.go isUnstaked / calculateVoteWeight, protocol.go
// isSelfStakeBucket, contractstaking assembleVoteBucket).
import { ZeroAddress } from 'ethers';
import { applyWeight, voteWeight, voteWeightFactor } from '../weight.js';
import {
  NO_SELF_STAKE_BUCKET,
  type StakingBucket,
  type StakingCandidate,
  type StakingReader,
} from '../staking-reader.js';
import type { BucketPower, StrategyPower } from '../types.js';
import type { Strategy } from './types.js';

/** IoTeX's block interval went from 5 s to 2.5 s at this height ("Wake"). */
export const WAKE_BLOCK_HEIGHT = 36_893_881;
/** An NFT bucket's UnstakedAt before it is unstaked (iotex-core maxBlockNumber); the stand-in shows 0. */
const MAX_UINT64 = 2n ** 64n - 1n;
const SECONDS_PER_DAY = 86_400;

/** What the weighting needs to know about the candidates at the snapshot block. */
export interface SelfStakeInfo {
  /** Every native bucket index some candidate names as its self-stake bucket. */
  selfStakeBuckets: Set<bigint>;
  /** Candidate id -> owner address. */
  ownerOf: Map<string, string>;
}

export function selfStakeInfo(candidates: StakingCandidate[]): SelfStakeInfo {
  return {
    selfStakeBuckets: new Set(
      candidates.map((c) => c.selfStakeBucketIdx).filter((index) => index !== NO_SELF_STAKE_BUCKET),
    ),
    ownerOf: new Map(candidates.map((c) => [c.id, c.owner])),
  };
}

/**
 * Seconds per block the chain uses to turn an NFT bucket's block count into a duration when the
 * state is viewed at `height` (iotex-core chainservice/builder.go blocksToDurationFn(start, end,
 * viewAt): the interval in force at the viewed height, not at the stake's start).
 */
export function blockIntervalSeconds(height: number): number {
  return height < WAKE_BLOCK_HEIGHT ? 5 : 2.5;
}

/** One bucket's votes at `block`, exactly as the chain counts them. Pure. */
export function weighBucket(b: StakingBucket, block: number, info: SelfStakeInfo): BucketPower {
  const native = b.contractAddress === ZeroAddress;
  // Block-based NFT buckets (IIP-13 V1/V2) carry block heights; timestamped ones (V3) carry times.
  const blockBased = !native && b.createBlockHeight !== 0n;

  let durationSeconds: number;
  if (blockBased) durationSeconds = Number(b.stakedDurationBlocks) * blockIntervalSeconds(block);
  // The ABI shows whole days (iotex-core truncates StakedDuration to days when encoding).
  else durationSeconds = b.stakedDurationDays * SECONDS_PER_DAY;

  // isUnstaked: native and timestamped buckets once UnstakeStartTime is after StakeStartTime;
  // block-based NFT buckets once UnstakeStartBlockHeight is set (below MaxUint64; 0 = never here).
  const unstaked = blockBased
    ? b.unstakeStartBlockHeight !== 0n && b.unstakeStartBlockHeight !== MAX_UINT64
    : b.unstakeStartTime > b.stakeStartTime;
  // A muted NFT bucket (V2 buckets touched after Wake) is shown voting for the zero address.
  const muted = b.candidate === ZeroAddress;

  // isSelfStakeBucket: a native bucket some candidate names as its self-stake bucket, and either
  // owned by that candidate's owner or endorsed (endorsement not expired at the viewed height).
  const selfStake =
    native &&
    info.selfStakeBuckets.has(b.index) &&
    (info.ownerOf.get(b.candidate) === b.owner || BigInt(block) < b.endorsementExpireBlockHeight);

  const status = muted ? 'muted' : unstaked ? 'unstaked' : 'staked';
  const power = status === 'staked' ? bucketVotes(b.amount, durationSeconds, b.autoStake, selfStake) : 0n;
  return {
    index: b.index,
    contractAddress: native ? null : b.contractAddress,
    candidate: b.candidate,
    amount: b.amount,
    durationSeconds,
    durationBlocks: blockBased ? b.stakedDurationBlocks : null,
    autoStake: b.autoStake,
    selfStake,
    status,
    power,
  };
}

/**
 * voteWeight for whole seconds. After Wake an odd block count is a half second more than a whole
 * number (blocks × 2.5 s): the chain's float64 Seconds() then has a .5, which voteWeight's
 * whole-seconds guard refuses, so the same two steps voteWeight runs are applied directly.
 */
function bucketVotes(amount: bigint, seconds: number, autoStake: boolean, selfStake: boolean): bigint {
  if (Number.isInteger(seconds)) return voteWeight(amount, seconds, autoStake, selfStake);
  return applyWeight(amount, voteWeightFactor(seconds, autoStake, selfStake));
}

export class IotexStakingStrategy implements Strategy {
  readonly name = 'iotex-staking' as const;

  constructor(private readonly reader: StakingReader) {}

  async powers(addresses: string[], block: number): Promise<Map<string, StrategyPower>> {
    // The candidates (for the self-stake rule) are read alongside the buckets, in the same batch.
    const [lists, candidates] = await Promise.all([
      Promise.all(addresses.map((address) => this.reader.bucketsOf(address, block))),
      this.reader.candidates(block),
    ]);
    const info = selfStakeInfo(candidates);
    const result = new Map<string, StrategyPower>();
    addresses.forEach((address, i) => {
      const buckets = (lists[i] ?? []).map((b) => weighBucket(b, block, info));
      const power = buckets.reduce((sum, b) => sum + b.power, 0n);
      result.set(address, { name: 'iotex-staking', power, buckets });
    });
    return result;
  }
}
