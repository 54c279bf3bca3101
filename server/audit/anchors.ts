import type { Anchor } from '../anchor/contract.js';
import type { LogLink } from '../ingest/log.js';

// What the anchors the rules' sender put on chain prove about a log (contracts/LogAnchor.sol). Pure:
// the audit passes in the log it rebuilt from IPFS and the anchors it read from the chain.

/** The first anchor at or above `sequence` (anchors are in the order anchored, sequences never decrease). */
export function coveringAnchor(anchors: readonly Anchor[], sequence: number): Anchor | undefined {
  return anchors.find((anchor) => anchor.sequence >= sequence);
}

/** Rule: the receipt key in force for an entry is the one its first covering anchor names. */
export function keyInForce(anchors: readonly Anchor[], sequence: number): string | undefined {
  return coveringAnchor(anchors, sequence)?.receiptSigner;
}

/**
 * Every way the log disagrees with the anchors: an anchored head the log does not have; no anchor
 * made at or after `settledAt` that the log reaches (the log may have been cut, or a message slipped in
 * after the outcome was settled); an entry received after the block time of its first covering anchor.
 */
export function anchorProblems(
  log: readonly (LogLink & { head: string })[],
  anchors: readonly Anchor[],
  settledAt: number,
): string[] {
  const problems: string[] = [];
  for (const anchor of anchors) {
    const entry = log[anchor.sequence - 1];
    if (entry && entry.head.toLowerCase() !== anchor.head) {
      problems.push(
        `the head anchored at sequence ${anchor.sequence} (block ${anchor.blockNumber}) is ${anchor.head}, the log has ${entry.head}: the log was rewritten`,
      );
    }
  }
  const after = anchors.find((anchor) => anchor.timestamp >= settledAt);
  if (!after) {
    problems.push(`no anchor was made at or after ${settledAt}, when the outcome was settled`);
  } else if (after.sequence > log.length) {
    problems.push(
      `the log ends at sequence ${log.length}, before the first anchor made after the outcome was settled (sequence ${after.sequence}, block ${after.blockNumber}): the log was cut`,
    );
  }
  for (const entry of log) {
    const covering = coveringAnchor(anchors, entry.sequence);
    if (covering && entry.receivedAt > covering.timestamp) {
      problems.push(
        `entry ${entry.sequence} says it was received at ${entry.receivedAt}, after the anchor covering it was made (block ${covering.blockNumber} at ${covering.timestamp})`,
      );
    }
  }
  return problems;
}
