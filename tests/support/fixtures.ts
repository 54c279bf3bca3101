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
