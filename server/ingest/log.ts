import { solidityPackedKeccak256, ZeroHash } from 'ethers';
import { CID } from 'multiformats/cid';

// Each space's log is a hash chain over every field of every entry (docs/protocol.md, "The log"):
//   head(n) = keccak256(head(n-1) ‖ uint64 sequence ‖ id ‖ uint64 receivedAt ‖ CID bytes)
// (big-endian integers, the CID in its binary form), head(0) = 32 zero bytes. A message dropped,
// altered, moved or given another time later changes every head after it.

export const GENESIS_HEAD = ZeroHash;

/** One entry of a space's log, as hashed. */
export interface LogLink {
  sequence: number;
  /** The message id (its EIP-712 digest). */
  id: string;
  /** The message document's CID, as text. */
  cid: string;
  /** When the service received it (unix seconds). */
  receivedAt: number;
}

export function nextHead(previousHead: string, entry: LogLink): string {
  return solidityPackedKeccak256(
    ['bytes32', 'uint64', 'bytes32', 'uint64', 'bytes'],
    [previousHead, entry.sequence, entry.id, entry.receivedAt, CID.parse(entry.cid).bytes],
  );
}

/** Recomputes a log's heads; the index of the first entry whose head differs (or cannot be hashed), or -1. */
export function firstBrokenLink(entries: (LogLink & { head: string })[], startHead = GENESIS_HEAD): number {
  let head = startHead;
  for (const [index, entry] of entries.entries()) {
    try {
      head = nextHead(head, entry);
    } catch {
      return index;
    }
    if (head !== entry.head.toLowerCase()) return index;
  }
  return -1;
}
