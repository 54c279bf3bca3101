import { concat, keccak256, ZeroHash } from 'ethers';

// Each space's log is a hash chain: head(n) = keccak256(head(n-1) ‖ id(n)), head(0) = 32 zero bytes.
// A message dropped or reordered later changes every head after it, so any later receipt exposes it.

export const GENESIS_HEAD = ZeroHash;

export function nextHead(previousHead: string, messageId: string): string {
  return keccak256(concat([previousHead, messageId]));
}

/** Recomputes a log's heads from its ids; the index of the first entry whose head differs, or -1. */
export function firstBrokenLink(entries: { id: string; head: string }[], startHead = GENESIS_HEAD): number {
  let head = startHead;
  for (const [index, entry] of entries.entries()) {
    head = nextHead(head, entry.id);
    if (head !== entry.head.toLowerCase()) return index;
  }
  return -1;
}
