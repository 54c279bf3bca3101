import { CHOICE_NAMES, type Choice, type LifecycleRules, type Tally, type VoteRecord } from './types.js';

// Counting rules (docs/lifecycle.md). All power is bigint wei; no floating point anywhere.

const BASIS_POINTS = 10_000n;

/**
 * ceil(total × bps / 10 000). Rounded up so that a required share is never rounded in the favour of
 * whoever must reach it.
 */
function ceilShare(total: bigint, bps: number): bigint {
  // The ceiling below is only right for a non-negative total; a negative one is a bug upstream.
  if (total < 0n) throw new RangeError(`total power must not be negative, got ${total}`);
  return (total * BigInt(bps) + BASIS_POINTS - 1n) / BASIS_POINTS;
}

/** Whether `a` replaces `b` as a voter's counted vote: a later signed timestamp, or the lower id on a tie. */
function supersedes(a: VoteRecord, b: VoteRecord): boolean {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  // Ids are 0x-prefixed bytes32 hex of one length, so comparing the lowercase text compares the numbers
  // (plain `<`, not localeCompare, whose order depends on the locale).
  return a.id.toLowerCase() < b.id.toLowerCase();
}

/**
 * One vote per voter: the one with the latest signed timestamp, ties going to the lower id.
 *
 * Pass only the votes that count in the voting window (`countsIn`): a vote outside it must not replace
 * a voter's vote inside it. Voters are compared case-insensitively (0x addresses). The result lists
 * each voter's vote in the order the voter first appears in `votes`.
 */
export function countedVotes(votes: VoteRecord[]): VoteRecord[] {
  const byVoter = new Map<string, VoteRecord>();
  for (const vote of votes) {
    const voter = vote.voter.toLowerCase();
    const current = byVoter.get(voter);
    if (current === undefined || supersedes(vote, current)) byVoter.set(voter, vote);
  }
  return [...byVoter.values()];
}

/**
 * The tally of counted votes (`countedVotes`) against the snapshot's total power.
 *
 * - quorum = ceil(totalPower × quorumBps / 10 000); reached when turnout ≥ quorum (OpenZeppelin's
 *   `quorum <= votes`). quorumBps 0 makes the quorum 0, reached even with no votes.
 * - turnout sums the votes whose choice is in `rules.quorumChoices`.
 * - majority: For × 10 000 > passThresholdBps × base, strictly, where base is For + Against (Abstain
 *   in neither side) or, with majorityOf 'all-votes', every vote cast; with no votes in the base
 *   there is no majority.
 */
export function tally(votes: VoteRecord[], totalPower: bigint, rules: LifecycleRules): Tally {
  const sums: Record<Choice, bigint> = { 1: 0n, 2: 0n, 3: 0n };
  let turnout = 0n;
  for (const vote of votes) {
    const name = CHOICE_NAMES[vote.choice];
    // Votes come from parsed records: refuse an unknown choice rather than count it nowhere.
    if (name === undefined) throw new RangeError(`unknown choice ${String(vote.choice)} in vote ${vote.id}`);
    sums[vote.choice] += vote.power;
    if (rules.quorumChoices.includes(name)) turnout += vote.power;
  }
  const quorum = ceilShare(totalPower, rules.quorumBps);
  const quorumReached = turnout >= quorum;
  // Cross-multiplied so no division rounds; 0 > 0 is false, so no For/Against votes means no majority.
  const base = sums[1] + sums[2] + (rules.majorityOf === 'all-votes' ? sums[3] : 0n);
  const majorityReached = sums[1] * BASIS_POINTS > BigInt(rules.passThresholdBps) * base;
  return {
    for: sums[1],
    against: sums[2],
    abstain: sums[3],
    turnout,
    quorum,
    quorumReached,
    majorityReached,
    passed: quorumReached && majorityReached,
  };
}

/**
 * Support needed to go to a vote: ceil(totalPower × supportThresholdBps / 10 000), at least 1 wei,
 * since a threshold of 0 would let a proposal be supported with no support at all.
 */
export function supportThreshold(totalPower: bigint, rules: LifecycleRules): bigint {
  const threshold = ceilShare(totalPower, rules.supportThresholdBps);
  return threshold > 0n ? threshold : 1n;
}
