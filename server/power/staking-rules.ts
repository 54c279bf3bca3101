// How the chain weighs one bucket at the snapshot block: pure rules, each stated above it with the
// iotex-core source it reproduces (action/protocol/staking at commit c6012964). The sum of these
// weights over every voter is, to the wei, the sum of the candidates' totalWeightedVotes at the block.
import { ZeroAddress } from 'ethers';
import { blockIntervalSeconds, type IotexForkHeights } from './forks.js';
import type { StakingBucket, StakingCandidate } from './staking-reader.js';
import type { BucketPower, BucketStatus } from './types.js';
import { applyWeight, voteWeight, voteWeightFactor } from './weight.js';

/** uint64 max: an NFT bucket's unstake height while staked, and a standing endorsement's expiry. */
export const MAX_UINT64 = 2n ** 64n - 1n;
const SECONDS_PER_DAY = 86_400;

/** The candidates at the snapshot block, by id (buckets name their candidate by id, not by owner). */
export type CandidatesById = ReadonlyMap<string, StakingCandidate>;

export interface WeighingContext {
  block: number;
  forks: IotexForkHeights;
  candidates: CandidatesById;
}

const isNative = (b: StakingBucket) => b.contractAddress === ZeroAddress;
/** Block-based NFT buckets (IIP-13 V1/V2) carry heights; timestamped ones (V3) carry times (ethabi/common/types.go). */
const isBlockBased = (b: StakingBucket) => !isNative(b) && b.createBlockHeight !== 0n;

/**
 * Rule: a bucket is out of its candidate's total once unstaked: a block-based NFT bucket once its
 * unstake height is below MaxUint64 (vote_bucket.go isUnstaked), any other once its unstake time is
 * set (0 until then: vote_bucket.go NewVoteBucket, stakingindex/bucket.go). The chain's own
 * isUnstaked asks for an unstake time after the stake start, and so misses a bucket unstaked in the
 * block its stake started, whose votes handlers.go handleUnstake (and nfteventhandler.go
 * DeductBucket) took out of the total all the same. (Such a bucket unstaked before Vanuatu was put
 * back into its total by that fork's recompute, vote_reviser.go: a residue this cannot see.)
 */
export function isUnstaked(b: StakingBucket): boolean {
  return isBlockBased(b) ? b.unstakeStartBlockHeight < MAX_UINT64 : b.unstakeStartTime !== 0n;
}

/**
 * Rule: the self-stake bonus goes to the native bucket its own candidate names as self-stake bucket
 * at the block. That is what the candidate's total holds: the chain adds the bucket's weight with the
 * bonus when it becomes the self-stake bucket and takes it out when it stops being one
 * (handler_candidate_selfstake.go, handler_candidate_endorsement.go revoke, handlers.go change of
 * candidate, vote_reviser.go), and the ABI stops naming a bucket whose endorsement is gone
 * (read_state.go toIoTeXTypesCandidateV2). So an endorsement counts until it is revoked, as from
 * Upernavik (endorsement.go Status); before Upernavik an endorsement past its expiry height also
 * still held the bonus in the total, until an action on the bucket or the Upernavik recompute
 * (vote_reviser.go reviseSelfStakeBuckets) took it out.
 */
export function isSelfStakeBucket(b: StakingBucket, candidate: StakingCandidate): boolean {
  return isNative(b) && b.index === candidate.selfStakeBucketIdx;
}

/**
 * Rule: the duration the weight formula sees. Native and timestamped buckets show whole days
 * (SystemStaking3 _assertDuration takes whole days; a migrated V2 bucket brings a whole number of
 * 17,280-block days × 5 s, SystemStaking3 migrateLegacyBucket); block-based ones a block count,
 * turned into time with the interval in force at the viewed block (chainservice/builder.go
 * blocksToDurationFn).
 */
export function durationSeconds(b: StakingBucket, ctx: WeighingContext): number {
  if (isBlockBased(b)) return Number(b.stakedDurationBlocks) * blockIntervalSeconds(ctx.block, ctx.forks);
  return b.stakedDurationDays * SECONDS_PER_DAY;
}

/**
 * Why a bucket carries no votes, if it carries none. A muted V2 bucket shows the zero address as
 * its candidate (systemcontractindex/stakingindex/bucket.go). A bucket whose candidate is no
 * candidate at the block is in no candidate's total (nfteventhandler.go PutBucket looks the
 * delegate up by id and adds nothing when there is none). Before Xingu no candidate total holds NFT
 * votes as a node reads them today: they were added at read time only while the node's tip was
 * before Xingu (staking_statereader.go readStateCandidates, feature flags taken at the tip).
 */
export function uncountedStatus(b: StakingBucket, ctx: WeighingContext): Exclude<BucketStatus, 'staked'> | null {
  if (!isNative(b) && b.candidate === ZeroAddress) return 'muted';
  if (isUnstaked(b)) return 'unstaked';
  if (!ctx.candidates.has(b.candidate)) return 'not-a-candidate';
  if (!isNative(b) && ctx.block < ctx.forks.xingu) return 'nft-before-xingu';
  return null;
}

/** One bucket's votes at the block, exactly as the chain counts them. */
export function weighBucket(b: StakingBucket, ctx: WeighingContext): BucketPower {
  const seconds = durationSeconds(b, ctx);
  const candidate = ctx.candidates.get(b.candidate);
  const selfStake = candidate !== undefined && isSelfStakeBucket(b, candidate);
  const status = uncountedStatus(b, ctx) ?? 'staked';
  return {
    index: b.index,
    contractAddress: isNative(b) ? null : b.contractAddress,
    candidate: b.candidate,
    amount: b.amount,
    durationSeconds: seconds,
    durationBlocks: isBlockBased(b) ? b.stakedDurationBlocks : null,
    autoStake: b.autoStake,
    selfStake,
    status,
    power: status === 'staked' ? bucketVotes(b.amount, seconds, b.autoStake, selfStake) : 0n,
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
