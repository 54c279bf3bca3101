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
import { PowerError } from './errors.js';
import { RpcError, type JsonRpcBatcher } from './rpc-batch.js';

/** uint32 max: "everything" for the limit argument. */
export const MAX_LIMIT = 2 ** 32 - 1;

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
  /** First read's limit for a voter's buckets; default 1000. */
  pageSize?: number;
  address?: string;
}

type Tuple = readonly unknown[];

export class StakingReader {
  readonly pageSize: number;
  readonly address: string;

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

  /**
   * Every candidate at `block`, in one call. candidatesV3 pages a list built from a Go map
   * (candidate_center.go all(), candidate_statereader.go readStateCandidates: no sort), whose order
   * can differ from one call to the next, so offset paging can repeat or miss candidates; the limit
   * is clamped to the list's length (read_state.go getPageOfArray).
   */
  async candidates(block: number | 'latest'): Promise<StakingCandidate[]> {
    const raw = await this.rpc.ethCall(
      this.address,
      stakingInterface.encodeFunctionData('candidatesV3', [0, MAX_LIMIT]),
      block,
    );
    const [list] = this.decode('candidatesV3', raw, block) as [Tuple[]];
    return list.map(toCandidate);
  }

  /**
   * One candidate as the state at `block` holds it (candidateByIDV3 never reads the staking
   * indexer), or null when no candidate has that id: iotex-core then fails to encode the empty
   * candidate it found (ethabi/common/types.go EncodeCandidateToEth → iotex-address FromString(""):
   * "address length = 0, expecting 41: invalid address").
   */
  async candidateById(id: string, block: number | 'latest'): Promise<StakingCandidate | null> {
    let raw: string;
    try {
      raw = await this.rpc.ethCall(this.address, stakingInterface.encodeFunctionData('candidateByIDV3', [id]), block);
    } catch (error) {
      if (error instanceof RpcError && /address length = 0, expecting 41/.test(error.message)) return null;
      throw error;
    }
    const [candidate] = this.decode('candidateByIDV3', raw, block) as [Tuple];
    return toCandidate(candidate);
  }

  /** bucketsCount() at a block or the head: the number of native buckets ever created, and of active ones. */
  async bucketsCount(block: number | 'latest'): Promise<{ total: bigint; active: bigint }> {
    const raw = await this.rpc.ethCall(this.address, stakingInterface.encodeFunctionData('bucketsCount'), block);
    const [total, active] = this.decode('bucketsCount', raw, block) as [bigint, bigint];
    return { total, active };
  }

  private async compositeBucketsByVoter(voter: string, limit: number, block: number): Promise<StakingBucket[]> {
    const data = stakingInterface.encodeFunctionData('compositeBucketsByVoterV3', [voter, 0, limit]);
    const raw = await this.rpc.ethCall(this.address, data, block);
    const [list] = this.decode('compositeBucketsByVoterV3', raw, block) as [Tuple[]];
    return list.map(toBucket);
  }

  private decode(fn: string, raw: string, block: number | 'latest'): Tuple {
    if (raw === '0x') {
      throw new PowerError(
        'no_staking_state',
        `the staking protocol at ${this.address} gave no answer to ${fn} at block ${block}: the chain has no staking state there (not an IoTeX node, or a block before the staking protocol)`,
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
