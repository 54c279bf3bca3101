// Reads of the staking protocol (eth_call to its address with the chain's ABI), batched by
// JsonRpcBatcher and decoded into plain objects.
//
// Paging. iotex-core's compositeStakingStateReader (action/protocol/staking/
// staking_statereader.go, readStateBucketsByVoter) pages the voter's native buckets with
// (offset, limit), appends ALL of the voter's NFT buckets, then pages the merged list again with
// the same (offset, limit). Past offset 0 that skips native buckets and repeats NFT buckets, so
// paging by offset is wrong. The NFT buckets cannot be read per voter any other way (bucketsByVoter
// pages cleanly but holds native buckets only), so this reader always asks with offset 0. The
// limit is not capped by the node: getPageOfArray clamps it to the list's length and nothing in
// the staking read path (ethabi handlers, Protocol.ReadState, coreService.ReadState) bounds it
// (the API's RangeQueryLimit of 1000 applies to block and action ranges only). So: a first read
// with a page of `pageSize` (cheap and small for the usual voter); a full page means there may be
// more, and one more read at offset 0 with the largest limit (2^32 - 1) returns the whole list.
import { getAddress } from 'ethers';
import { STAKING_PROTOCOL_ADDRESS, stakingInterface } from './abi.js';
import type { JsonRpcBatcher } from './rpc-batch.js';

/** uint32 max: "everything" for the limit argument. */
export const MAX_LIMIT = 2 ** 32 - 1;
/** iotex-core's candidateNoSelfStakeBucketIndex (MaxUint64): the candidate names no self-stake bucket. */
export const NO_SELF_STAKE_BUCKET = 2n ** 64n - 1n;

export interface StakingBucket {
  index: bigint;
  candidate: string;
  amount: bigint;
  /** Days (native and timestamped NFT buckets; 0 for block-based NFT buckets). */
  stakedDurationDays: number;
  createTime: bigint;
  stakeStartTime: bigint;
  unstakeStartTime: bigint;
  autoStake: boolean;
  owner: string;
  /** The zero address for native buckets. */
  contractAddress: string;
  stakedDurationBlocks: bigint;
  createBlockHeight: bigint;
  stakeStartBlockHeight: bigint;
  unstakeStartBlockHeight: bigint;
  endorsementExpireBlockHeight: bigint;
}

export interface StakingCandidate {
  owner: string;
  operator: string;
  reward: string;
  name: string;
  totalWeightedVotes: bigint;
  selfStakeBucketIdx: bigint;
  selfStakingTokens: bigint;
  id: string;
}

export interface StakingReaderOptions {
  /** First read's limit for a voter's buckets, and the page size for candidates; default 1000. */
  pageSize?: number;
  address?: string;
}

type Tuple = readonly unknown[];

export class StakingReader {
  readonly pageSize: number;
  readonly address: string;
  private readonly candidatesInFlight = new Map<number, Promise<StakingCandidate[]>>();

  constructor(
    private readonly rpc: JsonRpcBatcher,
    options: StakingReaderOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.address = options.address ?? STAKING_PROTOCOL_ADDRESS;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize >= MAX_LIMIT) {
      throw new RangeError(`pageSize must be a whole number from 1 to ${MAX_LIMIT - 1}`);
    }
  }

  /** All of a voter's buckets at `block`, native first, then NFT buckets (see the paging note above). */
  async bucketsOf(voter: string, block: number): Promise<StakingBucket[]> {
    const first = await this.compositeBucketsByVoter(voter, this.pageSize, block);
    if (first.length < this.pageSize) return first;
    return this.compositeBucketsByVoter(voter, MAX_LIMIT, block);
  }

  /** Every candidate at `block` (candidatesV3 pages cleanly: offset paging until a short page). */
  candidates(block: number): Promise<StakingCandidate[]> {
    // Concurrent look-ups at one block share one read.
    let pending = this.candidatesInFlight.get(block);
    if (!pending) {
      pending = this.readCandidates(block).finally(() => this.candidatesInFlight.delete(block));
      this.candidatesInFlight.set(block, pending);
    }
    return pending;
  }

  /**
   * The raw answer to bucketsCount() at a block or the head: a cheap staking read for the snapshot
   * checks, which only need to know whether the node answers (a chain without the staking
   * protocol answers "0x", which is still an answer).
   */
  probe(block: number | 'latest'): Promise<string> {
    return this.rpc.ethCall(this.address, stakingInterface.encodeFunctionData('bucketsCount'), block);
  }

  private async compositeBucketsByVoter(voter: string, limit: number, block: number): Promise<StakingBucket[]> {
    const data = stakingInterface.encodeFunctionData('compositeBucketsByVoterV3', [voter, 0, limit]);
    const raw = await this.rpc.ethCall(this.address, data, block);
    const [list] = this.decode('compositeBucketsByVoterV3', raw, block) as [Tuple[]];
    return list.map(toBucket);
  }

  private async readCandidates(block: number): Promise<StakingCandidate[]> {
    const all: StakingCandidate[] = [];
    for (let offset = 0; ; offset += this.pageSize) {
      const data = stakingInterface.encodeFunctionData('candidatesV3', [offset, this.pageSize]);
      const raw = await this.rpc.ethCall(this.address, data, block);
      const [page] = this.decode('candidatesV3', raw, block) as [Tuple[]];
      all.push(...page.map(toCandidate));
      if (page.length < this.pageSize) return all;
    }
  }

  private decode(fn: string, raw: string, block: number | 'latest'): Tuple {
    if (raw === '0x') {
      throw new Error(
        `the staking protocol at ${this.address} gave no answer to ${fn} at block ${block} (not an IoTeX node, or no staking stand-in on this chain)`,
      );
    }
    return stakingInterface.decodeFunctionResult(fn, raw) as unknown as Tuple;
  }
}

function toBucket(t: Tuple): StakingBucket {
  return {
    index: t[0] as bigint,
    candidate: getAddress(t[1] as string),
    amount: t[2] as bigint,
    stakedDurationDays: Number(t[3] as bigint),
    createTime: t[4] as bigint,
    stakeStartTime: t[5] as bigint,
    unstakeStartTime: t[6] as bigint,
    autoStake: t[7] as boolean,
    owner: getAddress(t[8] as string),
    contractAddress: getAddress(t[9] as string),
    stakedDurationBlocks: t[10] as bigint,
    createBlockHeight: t[11] as bigint,
    stakeStartBlockHeight: t[12] as bigint,
    unstakeStartBlockHeight: t[13] as bigint,
    endorsementExpireBlockHeight: t[14] as bigint,
  };
}

function toCandidate(t: Tuple): StakingCandidate {
  return {
    owner: getAddress(t[0] as string),
    operator: getAddress(t[1] as string),
    reward: getAddress(t[2] as string),
    name: t[3] as string,
    totalWeightedVotes: t[4] as bigint,
    selfStakeBucketIdx: t[5] as bigint,
    selfStakingTokens: t[6] as bigint,
    id: getAddress(t[7] as string),
  };
}
