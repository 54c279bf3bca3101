// The log anchor's off-chain half, free of Hardhat and solc: the ABI of contracts/LogAnchor.sol with a
// typed handle, reading a sender's anchors of one space from storage, and sending one anchor. Server
// code and scripts alike import it; scripts/lib/log-anchor.ts deploys the contract (and re-exports all
// of this). Anchors are read from storage, never from logs: iotex-core limits eth_getLogs ranges.
import {
  Contract,
  getAddress,
  keccak256,
  toUtf8Bytes,
  type BaseContract,
  type BaseContractMethod,
  type BigNumberish,
  type BlockTag,
  type ContractRunner,
  type ContractTransactionResponse,
  type Provider,
  type Signer,
} from 'ethers';

/** The contract's full ABI (tests/chain/log-anchor.test.ts checks it against the compiled contract). */
export const LOG_ANCHOR_ABI = [
  'error BadBatchCid()',
  'error EmptySpace()',
  'error NoAnchor(uint256 index)',
  'error HeadChanged(uint64 sequence, bytes32 anchored, bytes32 given)',
  'error SequenceDecreasing(uint64 last, uint64 given)',
  'error SpaceTooLong()',
  'error ZeroAddress()',
  'error ZeroHead()',
  'event Anchored(address indexed sender, bytes32 indexed spaceKey, string space, uint64 sequence, bytes32 head, string batchCid, address receiptSigner)',
  'function MAX_BATCH_CID_BYTES() view returns (uint256)',
  'function MAX_SPACE_BYTES() view returns (uint256)',
  'function anchor(string space, uint64 sequence, bytes32 head, string batchCid, address receiptSigner)',
  'function anchorAt(address sender, string space, uint256 index) view returns ((uint64 sequence, uint64 timestamp, uint64 blockNumber, address receiptSigner, bytes32 head, string batchCid))',
  'function anchorCount(address sender, string space) view returns (uint256)',
  'function firstCovering(address sender, string space, uint64 sequence) view returns (bool found, uint256 index, (uint64 sequence, uint64 timestamp, uint64 blockNumber, address receiptSigner, bytes32 head, string batchCid) covering)',
  'function latest(address sender, string space) view returns ((uint64 sequence, uint64 timestamp, uint64 blockNumber, address receiptSigner, bytes32 head, string batchCid))',
] as const;

/** A space name has at most this many UTF-8 bytes (the contract's MAX_SPACE_BYTES). */
export const MAX_SPACE_BYTES = 64;
/** A batch CID has at most this many bytes (the contract's MAX_BATCH_CID_BYTES). */
export const MAX_BATCH_CID_BYTES = 128;

/** One anchor as read from storage, in plain JSON-friendly values. */
export interface Anchor {
  /** The log entry whose head was anchored (1 is the first entry). */
  sequence: number;
  /** Time of the block that anchored it (seconds). */
  timestamp: number;
  /** The block that anchored it. */
  blockNumber: number;
  /** The key that signs the space's receipts, checksummed. */
  receiptSigner: string;
  /** The log's head after entry `sequence`: 0x and 64 lowercase hex digits. */
  head: string;
  /** CID of the pinned log batch that ends at entry `sequence`. */
  batchCid: string;
}

/** The contract's `Anchor` struct as ethers decodes it. */
export interface AnchorStruct {
  sequence: bigint;
  timestamp: bigint;
  blockNumber: bigint;
  receiptSigner: string;
  head: string;
  batchCid: string;
}

/** `firstCovering`'s answer; when not found, `index` is the anchor count and `covering` all zero. */
export interface FirstCoveringResult {
  found: boolean;
  index: bigint;
  covering: AnchorStruct;
}

/** What `sendAnchor` anchors: the head of entry `sequence` of `space`'s log. */
export interface AnchorInput {
  space: string;
  sequence: number | bigint;
  head: string;
  batchCid: string;
  receiptSigner: string;
}

/** The mined anchor transaction. */
export interface SentAnchor {
  hash: string;
  blockNumber: number;
  /** Time of the block that mined it (= the anchor's stored timestamp). */
  timestamp: number;
  gasUsed: bigint;
}

type View<A extends unknown[], R> = BaseContractMethod<A, R, R>;
type Send<A extends unknown[]> = BaseContractMethod<A, void, ContractTransactionResponse>;

/** The log anchor as an ethers Contract, with its own functions typed. */
export interface LogAnchor extends BaseContract {
  connect(runner: ContractRunner | null): LogAnchor;
  anchor: Send<[space: string, sequence: BigNumberish, head: string, batchCid: string, receiptSigner: string]>;
  anchorCount: View<[sender: string, space: string], bigint>;
  anchorAt: View<[sender: string, space: string, index: BigNumberish], AnchorStruct>;
  latest: View<[sender: string, space: string], AnchorStruct>;
  firstCovering: View<[sender: string, space: string, sequence: BigNumberish], FirstCoveringResult>;
  MAX_SPACE_BYTES: View<[], bigint>;
  MAX_BATCH_CID_BYTES: View<[], bigint>;
}

/** A typed handle on the log anchor at `address`. */
export function connectLogAnchor(address: string, runner: ContractRunner | null): LogAnchor {
  return new Contract(address, LOG_ANCHOR_ABI, runner) as unknown as LogAnchor;
}

/** The `spaceKey` the contract keys a space by (and indexes `Anchored` by): keccak256 of its UTF-8 bytes. */
export function spaceKey(space: string): string {
  return keccak256(toUtf8Bytes(space));
}

/** A decoded `Anchor` struct in plain values; throws if a number exceeds JavaScript's safe integers. */
export function toAnchor(struct: AnchorStruct): Anchor {
  return {
    sequence: safeNumber(struct.sequence, 'sequence'),
    timestamp: safeNumber(struct.timestamp, 'timestamp'),
    blockNumber: safeNumber(struct.blockNumber, 'blockNumber'),
    receiptSigner: getAddress(struct.receiptSigner),
    head: struct.head.toLowerCase(),
    batchCid: struct.batchCid,
  };
}

/** Reads in chunks of this many concurrent calls: iotex-core refuses JSON-RPC batches of more than 100. */
const READ_CHUNK = 100;

/**
 * Every anchor `sender` made for `space`, in order (strictly increasing sequence), read from storage
 * through `provider`: `anchorCount`, then every `anchorAt`, 100 concurrent calls at a time (which an
 * ethers JsonRpcProvider sends as JSON-RPC batches). Anchors are append-only, so reading them at the
 * head needs no pinned block: every index below the count read first stays what it was. `blockTag`
 * reads the anchors as they were at a past block; only an archive node honours it (a non-archive
 * iotex-core node answers at its tip whatever the tag).
 */
export async function readAnchors(
  provider: Provider,
  contract: LogAnchor,
  sender: string,
  space: string,
  options: { blockTag?: BlockTag } = {},
): Promise<Anchor[]> {
  const reader = contract.connect(provider);
  const overrides = options.blockTag === undefined ? {} : { blockTag: options.blockTag };
  const count = safeNumber(await reader.anchorCount(sender, space, overrides), 'anchorCount');
  const anchors: Anchor[] = [];
  for (let start = 0; start < count; start += READ_CHUNK) {
    const indices = Array.from({ length: Math.min(READ_CHUNK, count - start) }, (_, i) => start + i);
    const chunk = await Promise.all(indices.map((index) => reader.anchorAt(sender, space, index, overrides)));
    anchors.push(...chunk.map(toAnchor));
  }
  return anchors;
}

/**
 * Anchors `input` from `signer` (the anchors are kept under its address) and waits until the
 * transaction is mined. A refusal (see the contract's custom errors) throws before anything is sent,
 * when ethers estimates the gas.
 */
export async function sendAnchor(signer: Signer, contract: LogAnchor, input: AnchorInput): Promise<SentAnchor> {
  const tx = await contract
    .connect(signer)
    .anchor(input.space, input.sequence, input.head, input.batchCid, input.receiptSigner);
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`anchor transaction ${tx.hash} failed`);
  const block = await receipt.getBlock();
  return { hash: receipt.hash, blockNumber: receipt.blockNumber, timestamp: block.timestamp, gasUsed: receipt.gasUsed };
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} ${value} exceeds JavaScript's safe integers`);
  return Number(value);
}
