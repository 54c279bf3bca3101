// The chain's data the tests check against, copied into tests/fixtures/iotex/ (see its README).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonFragment } from 'ethers';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/iotex/', import.meta.url));

/** iotex-core's staking ABI (action/protocol/staking/ethabi at c6012964). */
export interface ChainAbiFile {
  source: string;
  address: string;
  abi: JsonFragment[];
}

/** One vote-weight vector computed by Go on amd64 with iotex-core's CalculateVoteWeight. */
export interface VoteWeightVector {
  amount: string;
  durationSeconds: number;
  autoStake: boolean;
  selfStake: boolean;
  votes: string;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as T;
}

export const chainStakingAbi = (): ChainAbiFile => load('iotex-staking.json');
export const voteWeightVectors = (): VoteWeightVector[] => load('iotex-vote-weight.json');

/**
 * A vote-weight vector read as a bucket of whole days. The chain weighs a duration by its whole days,
 * rounded up (vote_bucket.go calculateVoteWeight: math.Ceil(remainingTime/86400)), and gives the
 * self-stake bonus from 91 days of duration on; so the vector's votes are those of a bucket staked
 * for ceil(seconds / 86400) days, unless that rounding alone would cross the 91-day line, which
 * this refuses.
 */
export interface VectorBucket {
  /** The vector's position in tests/fixtures/iotex/iotex-vote-weight.json. */
  vector: number;
  amount: bigint;
  days: number;
  autoStake: boolean;
  selfStake: boolean;
  /** What the chain counts for it (computed by Go on amd64). */
  votes: bigint;
}

export function vectorBucket(index: number): VectorBucket {
  const v = voteWeightVectors()[index];
  if (!v) throw new Error(`no vote-weight vector #${index}`);
  const days = Math.ceil(v.durationSeconds / 86_400);
  const bonusLine = 91 * 86_400;
  if (v.autoStake && v.selfStake && v.durationSeconds < bonusLine && days >= 91) {
    throw new Error(`vector #${index}: ${v.durationSeconds} s is under 91 days but rounds up to ${days} days`);
  }
  return {
    vector: index,
    amount: BigInt(v.amount),
    days,
    autoStake: v.autoStake,
    selfStake: v.selfStake,
    votes: BigInt(v.votes),
  };
}
