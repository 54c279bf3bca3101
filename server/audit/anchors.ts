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
 * How far a service's clock and block times may disagree, either way: an entry may say it was received
 * this much after the block time of the anchor covering it, or before an anchor that does not cover
 * it; and the anchor that closes an outcome is made at least this long after it was settled, so that
 * by either clock it came after every message that decided it.
 */
export const ANCHOR_CLOCK_TOLERANCE_SECONDS = 60;

/** How long after it is due the closing anchor may come: messages could be slipped in until it does. */
export const CLOSING_SLACK_SECONDS = 120;

/** Rule: the anchor that closes an outcome is the first made (by block time) that long after it was settled. */
export function closingAnchor(anchors: readonly Anchor[], settledAt: number): Anchor | undefined {
  return anchors.find((anchor) => anchor.timestamp >= settledAt + ANCHOR_CLOCK_TOLERANCE_SECONDS);
}

/**
 * Every way the log disagrees with the anchors: an anchored head the log does not have; no closing
 * anchor (closingAnchor) that the log reaches (the log may have been cut); a message about the
 * proposal (`about`: their sequences) after it (slipped in once the outcome was settled); an
 * entry received after the block time of its first covering anchor, or first anchored later than the
 * rules' interval allows after it was received, or received before the block time of the last anchor
 * ahead of it (so it existed, uncovered, when that anchor was made).
 */
export function anchorProblems(
  log: readonly (LogLink & { head: string })[],
  anchors: readonly Anchor[],
  settledAt: number,
  about: ReadonlySet<number>,
  intervalSeconds: number,
  /** The sequences whose timing decides the outcome: the proposal and the messages about it. */
  decisive: ReadonlySet<number>,
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
  const after = closingAnchor(anchors, settledAt);
  if (!after) {
    problems.push(
      `no anchor was made ${ANCHOR_CLOCK_TOLERANCE_SECONDS} s or more after ${settledAt}, when the outcome was settled`,
    );
  } else if (after.sequence > log.length) {
    problems.push(
      `the log ends at sequence ${log.length}, before the first anchor made after the outcome was settled (sequence ${after.sequence}, block ${after.blockNumber}): the log was cut`,
    );
  } else {
    if (after.timestamp > settledAt + ANCHOR_CLOCK_TOLERANCE_SECONDS + CLOSING_SLACK_SECONDS) {
      problems.push(
        `the anchor that closed the outcome (sequence ${after.sequence}, block ${after.blockNumber} at ${after.timestamp}) came more than ${ANCHOR_CLOCK_TOLERANCE_SECONDS + CLOSING_SLACK_SECONDS} s after it was settled (${settledAt}): messages dated before the end could have been slipped in meanwhile`,
      );
    }
    for (const sequence of [...about].filter((s) => s > after.sequence).sort((a, b) => a - b)) {
      problems.push(
        `entry ${sequence}, a message about the proposal, comes after the anchor made once the outcome was settled (sequence ${after.sequence}, block ${after.blockNumber}): it was slipped in later`,
      );
    }
  }
  // When and how soon each entry was anchored matters for the messages that decide this outcome; a
  // late anchor of another proposal's messages does not make this one unauditable.
  for (const entry of log.filter((e) => decisive.has(e.sequence))) {
    const covering = coveringAnchor(anchors, entry.sequence);
    if (covering && covering.timestamp > entry.receivedAt + intervalSeconds + ANCHOR_CLOCK_TOLERANCE_SECONDS) {
      problems.push(
        `entry ${entry.sequence} was received at ${entry.receivedAt} but first anchored at ${covering.timestamp} (block ${covering.blockNumber}), later than the rules' anchor interval of ${intervalSeconds} s allows: it may have been held back or given another time`,
      );
    }
    if (covering && entry.receivedAt > covering.timestamp + ANCHOR_CLOCK_TOLERANCE_SECONDS) {
      problems.push(
        `entry ${entry.sequence} says it was received at ${entry.receivedAt}, after the anchor covering it was made (block ${covering.blockNumber} at ${covering.timestamp})`,
      );
    }
    const ahead = anchors.filter((anchor) => anchor.sequence < entry.sequence).at(-1);
    if (ahead && entry.receivedAt < ahead.timestamp - ANCHOR_CLOCK_TOLERANCE_SECONDS) {
      problems.push(
        `entry ${entry.sequence} says it was received at ${entry.receivedAt}, before the anchor at sequence ${ahead.sequence} (block ${ahead.blockNumber} at ${ahead.timestamp}) that does not cover it: it was put in the log later`,
      );
    }
  }
  return problems;
}
