// The IoTeX native-staking stand-in on the local chain: install it at the staking protocol's
// address and write staking state through its admin functions.
//
// IoTeX answers eth_call at NATIVE_STAKING_ADDRESS in its API layer (it is not a contract).
// Locally, contracts/standins/NativeStakingStandIn.sol with the same ABI sits at the same address,
// so the service reads it exactly as it reads IoTeX.
import { Contract, Interface, dataSlice, getAddress, id, type JsonRpcProvider, type TransactionReceipt } from 'ethers';

import { getCompiledContract, type CompiledContract } from './solidity.js';

/** The staking protocol's address: last 20 bytes of keccak256("staking"). */
export const NATIVE_STAKING_ADDRESS = '0x04C22AfaE6a03438b8FED74cb1Cf441168DF3F12';

export const STANDIN_CONTRACT = 'NativeStakingStandIn';
export const STANDIN_SOURCE = 'standins/NativeStakingStandIn.sol';

/** iotex-core's "not set" value of uint64 fields. */
export const MAX_UINT64 = 2n ** 64n - 1n;
/** selfStakeBucketIdx of a candidate without a self-stake bucket (iotex-core uses MaxUint64). */
export const NO_SELF_STAKE_BUCKET = MAX_UINT64;
/** unstakeStartBlockHeight of a block-based NFT bucket that is still staked (maxStakingNumber). */
export const NFT_NOT_UNSTAKED = MAX_UINT64;
/** endorsementExpireBlockHeight of an endorsed bucket (endorsementNotExpireHeight); 0 = no endorsement. */
export const ENDORSED = MAX_UINT64;
/** EndorsementWithdrawWaitingBlocks (iotex-core genesis.go): 24 h of 5 s blocks. */
export const ENDORSEMENT_WITHDRAW_WAITING_BLOCKS = 17_280n;

/**
 * The expire height an intent to revoke at `height` writes (handler_candidate_endorsement.go:57-67):
 * the height itself, or 17,280 blocks later if the bucket is its candidate's valid self-stake bucket.
 */
export function intentToRevokeExpireHeight(height: bigint | number, activeSelfStakeBucket: boolean): bigint {
  return BigInt(height) + (activeSelfStakeBucket ? ENDORSEMENT_WITHDRAW_WAITING_BLOCKS : 0n);
}

/** Mainnet's system-staking (IIP-13 NFT) contracts (iotex-core blockchain/genesis/genesis.go:98-103). */
export const SYSTEM_STAKING_CONTRACTS = {
  /** SystemStaking: durations in blocks, no mute. */
  v1: '0x68Db92A6a78A39DcAFf1745Da9E89E230eF49D3D',
  /** SystemStaking2: durations in blocks; buckets touched from Wake are muted. */
  v2: '0x8EE521d2179576bcC4bd33a00904E96a11678052',
  /** SystemStaking3: timestamped (durations in seconds), from Wake. */
  v3: '0x65B0C0548ee8D899578513be0CB5305AFBf05292',
} as const;

/**
 * Sender of admin transactions: an impersonated address of its own, so that seeding does not
 * move the nonces of the development accounts (contract addresses deployed from them stay put).
 */
export const STANDIN_ADMIN_ADDRESS = getAddress(dataSlice(id('iotex-governance/native-staking-standin/admin'), 12));

/** The stand-in's compiled artifact (compiled on first use, then cached in contracts/build/). */
export function loadStandIn(): Promise<CompiledContract> {
  return getCompiledContract(STANDIN_CONTRACT, { files: [STANDIN_SOURCE] });
}

/**
 * Puts the stand-in's runtime code at NATIVE_STAKING_ADDRESS with `hardhat_setCode`, unless that
 * exact code is already there. Storage is left alone, so re-installing after a contract change
 * keeps existing state only where the layout still matches; restart the chain after such changes.
 */
export async function installNativeStakingStandIn(provider: JsonRpcProvider): Promise<{ installed: boolean }> {
  const { deployedBytecode } = await loadStandIn();
  const current = (await provider.send('eth_getCode', [NATIVE_STAKING_ADDRESS, 'latest'])) as string;
  if (current.toLowerCase() === deployedBytecode.toLowerCase()) return { installed: false };
  await provider.send('hardhat_setCode', [NATIVE_STAKING_ADDRESS, deployedBytecode]);
  // setCode changes state without a block: mine one, so "stand-in present" has a block number
  // and historic reads before it see no code.
  await provider.send('evm_mine', []);
  return { installed: true };
}

/** A read-only ethers Contract for the stand-in (its full ABI: chain views plus admin). */
export async function standInContract(provider: JsonRpcProvider): Promise<Contract> {
  const { abi } = await loadStandIn();
  return new Contract(NATIVE_STAKING_ADDRESS, abi, provider);
}

export interface CandidateInput {
  owner: string;
  operator: string;
  reward: string;
  name: string;
  /** Candidate id (buckets point to it); default: the owner, as on IoTeX. */
  id?: string;
  /** Default NO_SELF_STAKE_BUCKET. */
  selfStakeBucketIdx?: bigint;
  selfStakingTokens?: bigint;
  totalWeightedVotes?: bigint;
}

export interface NativeBucketInput {
  owner: string;
  /** The candidate's id (= owner address unless registered with another id). */
  candidate: string;
  /** In wei. */
  amount: bigint;
  durationDays: number;
  autoStake: boolean;
  /** Unix seconds; default: the block's time. */
  createTime?: number;
  /** Unix seconds; default: createTime. */
  stakeStartTime?: number;
}

/** A block-based NFT bucket (SystemStaking V1 or SystemStaking2). */
export interface NftBucketInput {
  /** The system-staking contract (IIP-13) that holds the bucket. */
  contractAddress: string;
  tokenId: bigint;
  owner: string;
  /** The delegate: any non-zero address (one that is no candidate id gets the votes of no candidate). */
  candidate: string;
  amount: bigint;
  durationBlocks: bigint;
  /** Locked (not unlocked). */
  autoStake: boolean;
  /** Default: the block that creates the entry. */
  createBlockHeight?: bigint;
  /** createBlockHeight if locked (the default), the unlock height otherwise. */
  stakeStartBlockHeight?: bigint;
}

/** A timestamped NFT bucket (SystemStaking3). */
export interface TimestampedNftBucketInput {
  contractAddress: string;
  tokenId: bigint;
  owner: string;
  /** Any non-zero address, as for NftBucketInput.candidate. */
  delegate: string;
  amount: bigint;
  /** The contract's duration; the chain's ABI shows it as floored whole days. */
  durationSeconds: bigint | number;
  /** Locked (not unlocked). */
  autoStake: boolean;
  /** Unix seconds; default: the block's time. */
  createTime?: number;
  /** createTime if locked (the default), the unlock time otherwise. */
  stakeStartTime?: number;
}

export interface AdminTx {
  hash: string;
  /** Block that includes the change: read at this block tag to see it, one below to not. */
  blockNumber: number;
}

/**
 * Typed calls of the stand-in's admin functions (local chain only). Each call sends one
 * transaction from STANDIN_ADMIN_ADDRESS and resolves once it is mined (Hardhat automines).
 */
export class NativeStakingAdmin {
  private constructor(
    readonly provider: JsonRpcProvider,
    readonly iface: Interface,
    readonly from: string,
  ) {}

  /** Impersonates the admin sender (and funds it) unless `from` names an unlocked account. */
  static async connect(provider: JsonRpcProvider, opts: { from?: string } = {}): Promise<NativeStakingAdmin> {
    const { abi } = await loadStandIn();
    const from = getAddress(opts.from ?? STANDIN_ADMIN_ADDRESS);
    if (!opts.from) {
      await provider.send('hardhat_impersonateAccount', [from]);
      await provider.send('hardhat_setBalance', [from, '0x21e19e0c9bab2400000']); // 10,000 ETH
    }
    return new NativeStakingAdmin(provider, new Interface(abi), from);
  }

  /**
   * Sends many admin calls (function name and arguments each) without waiting for each: 100
   * eth_sendTransaction per JSON-RPC batch to `url`, for benchmarks that stake thousands of voters.
   * Throws on the first refusal.
   */
  async sendBatched(url: string, calls: [name: string, args: unknown[]][]): Promise<void> {
    for (let i = 0; i < calls.length; i += 100) {
      const batch = calls.slice(i, i + 100).map(([name, args], k) => ({
        jsonrpc: '2.0',
        id: k,
        method: 'eth_sendTransaction',
        params: [{ from: this.from, to: NATIVE_STAKING_ADDRESS, data: this.iface.encodeFunctionData(name, args) }],
      }));
      const answers = (await (
        await fetch(url, {
          method: 'POST',
          body: JSON.stringify(batch),
          headers: { 'content-type': 'application/json' },
        })
      ).json()) as { error?: { message: string } }[];
      const failed = answers.find((answer) => answer.error);
      if (failed)
        throw new Error(`the stand-in refused ${batch[answers.indexOf(failed)]?.id}: ${failed.error!.message}`);
    }
  }

  registerCandidate(c: CandidateInput): Promise<AdminTx> {
    return this.send('registerCandidate', [
      c.owner,
      c.operator,
      c.reward,
      c.name,
      c.id ?? c.owner,
      c.selfStakeBucketIdx ?? NO_SELF_STAKE_BUCKET,
      c.selfStakingTokens ?? 0n,
      c.totalWeightedVotes ?? 0n,
    ]);
  }

  setCandidateVotes(owner: string, totalWeightedVotes: bigint): Promise<AdminTx> {
    return this.send('setCandidateVotes', [owner, totalWeightedVotes]);
  }

  setCandidateSelfStake(owner: string, selfStakeBucketIdx: bigint, selfStakingTokens: bigint): Promise<AdminTx> {
    return this.send('setCandidateSelfStake', [owner, selfStakeBucketIdx, selfStakingTokens]);
  }

  setCandidateBlsPubKey(owner: string, blsPubKey: string): Promise<AdminTx> {
    return this.send('setCandidateBlsPubKey', [owner, blsPubKey]);
  }

  setCandidateDeactivation(owner: string, requested: boolean, scheduledAtBlock: bigint): Promise<AdminTx> {
    return this.send('setCandidateDeactivation', [owner, requested, scheduledAtBlock]);
  }

  /**
   * The candidate gets a new owner and keeps its id (and so its buckets); a self-stake bucket
   * without an endorsement stops being its self-stake bucket. Votes are not adjusted.
   */
  transferCandidateOwnership(oldOwner: string, newOwner: string): Promise<AdminTx> {
    return this.send('transferCandidateOwnership', [oldOwner, newOwner]);
  }

  /** Creates a native bucket; resolves with its index. */
  async createBucket(b: NativeBucketInput): Promise<AdminTx & { index: bigint }> {
    const { receipt, tx } = await this.sendWithReceipt('createBucket', [
      b.owner,
      b.candidate,
      b.amount,
      b.durationDays,
      b.autoStake,
      b.createTime ?? 0,
      b.stakeStartTime ?? 0,
    ]);
    const event = this.findEvent(receipt, 'BucketCreated');
    return { ...tx, index: event.args.getValue('index') as bigint };
  }

  createNftBucket(b: NftBucketInput): Promise<AdminTx> {
    return this.send('createNftBucket', [
      b.contractAddress,
      b.tokenId,
      b.owner,
      b.candidate,
      b.amount,
      b.durationBlocks,
      b.autoStake,
      b.createBlockHeight ?? 0n,
      b.stakeStartBlockHeight ?? 0n,
    ]);
  }

  createTimestampedNftBucket(b: TimestampedNftBucketInput): Promise<AdminTx> {
    return this.send('createTimestampedNftBucket', [
      b.contractAddress,
      b.tokenId,
      b.owner,
      b.delegate,
      b.amount,
      BigInt(b.durationSeconds),
      b.autoStake,
      b.createTime ?? 0,
      b.stakeStartTime ?? 0,
    ]);
  }

  /** Starts unstaking a native bucket (not allowed while auto-stake is on, as on IoTeX). */
  unstakeBucket(index: bigint): Promise<AdminTx> {
    return this.send('unstakeBucket', [index]);
  }

  /**
   * Unstakes an NFT bucket: unstakeStartBlockHeight = this block (block-based) or
   * unstakeStartTime = this block's time (timestamped). A locked bucket only if its duration is 0.
   */
  unstakeNftBucket(contractAddress: string, tokenId: bigint): Promise<AdminTx> {
    return this.send('unstakeNftBucket', [contractAddress, tokenId]);
  }

  /** Mutes a (SystemStaking2) block-based bucket: shown with the zero address as candidate, for good. */
  muteNftBucket(contractAddress: string, tokenId: bigint): Promise<AdminTx> {
    return this.send('muteNftBucket', [contractAddress, tokenId]);
  }

  /** Delegates a staked NFT bucket to another address (any; a muted bucket still shows zero). */
  changeNftDelegate(contractAddress: string, tokenId: bigint, delegate: string): Promise<AdminTx> {
    return this.send('changeNftDelegate', [contractAddress, tokenId, delegate]);
  }

  /**
   * Moves a staked native bucket to another existing candidate (by id), to the end of its bucket
   * list; the previous candidate loses it as self-stake bucket. Votes are not adjusted.
   */
  changeBucketCandidate(index: bigint, candidateId: string): Promise<AdminTx> {
    return this.send('changeBucketCandidate', [index, candidateId]);
  }

  setBucketAmount(index: bigint, amount: bigint): Promise<AdminTx> {
    return this.send('setBucketAmount', [index, amount]);
  }

  setBucketAutoStake(index: bigint, autoStake: boolean): Promise<AdminTx> {
    return this.send('setBucketAutoStake', [index, autoStake]);
  }

  /** Endorses a bucket without endorsement: endorsementExpireBlockHeight = MaxUint64 (ENDORSED). */
  endorseBucket(index: bigint): Promise<AdminTx> {
    return this.send('endorseBucket', [index]);
  }

  /** Intent to revoke: endorsementExpireBlockHeight = expireHeight (see intentToRevokeExpireHeight). */
  intendToRevokeEndorsement(index: bigint, expireHeight: bigint): Promise<AdminTx> {
    return this.send('intendToRevokeEndorsement', [index, expireHeight]);
  }

  /** Revokes an endorsement after an intent: the record is deleted (shown as 0). */
  revokeEndorsement(index: bigint): Promise<AdminTx> {
    return this.send('revokeEndorsement', [index]);
  }

  /** Writes the raw endorsement record (0 = none), e.g. a legacy record left after it expired. */
  setBucketEndorsement(index: bigint, expireBlockHeight: bigint): Promise<AdminTx> {
    return this.send('setBucketEndorsement', [index, expireBlockHeight]);
  }

  addContractBucketType(contractAddress: string, amount: bigint, durationBlocksOrSeconds: bigint): Promise<AdminTx> {
    return this.send('addContractBucketType', [contractAddress, amount, durationBlocksOrSeconds]);
  }

  private async send(fn: string, args: unknown[]): Promise<AdminTx> {
    return (await this.sendWithReceipt(fn, args)).tx;
  }

  private async sendWithReceipt(fn: string, args: unknown[]): Promise<{ tx: AdminTx; receipt: TransactionReceipt }> {
    const data = this.iface.encodeFunctionData(fn, args);
    // Raw eth_sendTransaction: Hardhat signs for unlocked/impersonated accounts, estimates gas,
    // mines the block and rejects a reverting call with its reason.
    let hash: string;
    try {
      hash = (await this.provider.send('eth_sendTransaction', [
        { from: this.from, to: NATIVE_STAKING_ADDRESS, data },
      ])) as string;
    } catch (err) {
      throw new Error(`stand-in admin ${fn} failed: ${describeRevert(this.iface, err)}`, { cause: err });
    }
    const receipt = await this.waitForReceipt(hash);
    if (receipt.status !== 1) throw new Error(`stand-in admin ${fn} reverted (tx ${hash})`);
    return { tx: { hash, blockNumber: receipt.blockNumber }, receipt };
  }

  private async waitForReceipt(hash: string): Promise<TransactionReceipt> {
    for (let i = 0; i < 600; i++) {
      const receipt = await this.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no receipt for ${hash} after 30 s (is the chain automining?)`);
  }

  private findEvent(receipt: TransactionReceipt, name: string) {
    for (const log of receipt.logs) {
      if (getAddress(log.address) !== NATIVE_STAKING_ADDRESS) continue;
      const parsed = this.iface.parseLog(log);
      if (parsed?.name === name) return parsed;
    }
    throw new Error(`${name} event missing from ${receipt.hash}`);
  }
}

/** The custom error or reason inside a Hardhat JSON-RPC error, readable. */
function describeRevert(iface: Interface, err: unknown): string {
  const e = err as {
    error?: { message?: string; data?: unknown };
    info?: { error?: { data?: unknown } };
    message?: string;
  };
  const data = e.error?.data ?? e.info?.error?.data;
  const hex = typeof data === 'string' ? data : (data as { data?: string } | undefined)?.data;
  if (typeof hex === 'string' && hex.startsWith('0x') && hex.length >= 10) {
    try {
      const parsed = iface.parseError(hex);
      if (parsed) return `${parsed.name}(${parsed.args.map(String).join(', ')})`;
    } catch {
      // not one of ours: fall through to the message
    }
  }
  return e.error?.message ?? e.message ?? String(err);
}
