import { countedVotes, supportThreshold, tally } from './tally.js';
import type {
  LifecycleRules,
  ProposalFacts,
  ProposalState,
  ProposalStatus,
  SupportRecord,
  Tally,
  VoteRecord,
  Window,
} from './types.js';

// The proposal state machine (docs/lifecycle.md): a pure function of the proposal, its accepted
// support and votes, and `now` (unix seconds). Nothing here reads a clock.

/** The support period: [createdAt, createdAt + supportPeriodSeconds). */
export function supportWindow(facts: ProposalFacts, rules: LifecycleRules): Window {
  return { start: facts.createdAt, end: facts.createdAt + rules.supportPeriodSeconds };
}

/** The vote: it opens votingDelaySeconds after support reached the threshold and lasts votingPeriodSeconds. */
export function votingWindow(supportedAt: number, rules: LifecycleRules): Window {
  const start = supportedAt + rules.votingDelaySeconds;
  return { start, end: start + rules.votingPeriodSeconds };
}

/** start ≤ t < end: the start is included, the end is not. */
export function inWindow(window: Window, t: number): boolean {
  return window.start <= t && t < window.end;
}

/**
 * A support or vote counts only if both its signed timestamp and the time it was received are in the
 * window: a signer cannot backdate a message into a closed window, and a message held back and
 * delivered late does not count either.
 */
export function countsIn(window: Window, record: Pick<SupportRecord, 'timestamp' | 'receivedAt'>): boolean {
  return inWindow(window, record.timestamp) && inWindow(window, record.receivedAt);
}

/** Walks the support in log order up to the one that reaches the threshold, if any. */
function countSupport(
  facts: ProposalFacts,
  rules: LifecycleRules,
  supports: SupportRecord[],
): { power: bigint; reachedAt?: number } {
  const window = supportWindow(facts, rules);
  const threshold = supportThreshold(facts.totalPower, rules);
  let power = 0n;
  for (const support of supports) {
    if (!countsIn(window, support)) continue;
    // A cancel ends the proposal: support received at or after it came too late.
    if (facts.canceledAt !== undefined && support.receivedAt >= facts.canceledAt) continue;
    power += support.power;
    // Support closes when the threshold is reached: later support is not counted.
    if (power >= threshold) return { power, reachedAt: support.receivedAt };
  }
  return { power };
}

/**
 * When support reached the threshold: the `receivedAt` of the support (in log order) that brought the
 * counted power to the threshold, counting only support that `countsIn` the support window and was
 * received before `canceledAt`. Undefined if it never did.
 */
export function supportReachedAt(
  facts: ProposalFacts,
  rules: LifecycleRules,
  supports: SupportRecord[],
): number | undefined {
  return countSupport(facts, rules, supports).reachedAt;
}

/** The state after the vote ended: Rejected, or Passed and how far it has gone since. */
function outcome(facts: ProposalFacts, result: Tally, now: number): ProposalState {
  if (!result.passed) return 'Rejected';
  const happened = (t: number | undefined) => t !== undefined && t <= now;
  // Each kind has its own follow-up; times that belong to the other kind are ignored.
  if (facts.kind === 'technical') {
    if (happened(facts.executedAt)) return 'Executed';
    return happened(facts.queuedAt) ? 'Queued' : 'Passed';
  }
  return happened(facts.confirmedAt) ? 'Confirmed' : 'Passed';
}

/**
 * The proposal's state at `now`, with the numbers it was decided on.
 *
 * Only what had been received by `now` is used (support and votes with receivedAt ≤ now, a cancel with
 * canceledAt ≤ now), so evaluating at an earlier `now` reproduces what was shown then. `supports` must
 * be in log order. supportPower counts support up to and including the one that reached the threshold.
 * While Voting, `tally` is the count so far; from the end of the vote on, it is the final count.
 */
export function proposalStatus(
  facts: ProposalFacts,
  rules: LifecycleRules,
  supports: SupportRecord[],
  votes: VoteRecord[],
  now: number,
): ProposalStatus {
  const known = (record: { receivedAt: number }) => record.receivedAt <= now;
  const support = countSupport(facts, rules, supports.filter(known));
  const base = {
    supportWindow: supportWindow(facts, rules),
    supportThreshold: supportThreshold(facts.totalPower, rules),
    supportPower: support.power,
  };

  // A cancel is only accepted while Pending, so it outranks everything else.
  if (facts.canceledAt !== undefined && facts.canceledAt <= now) return { state: 'Canceled', ...base };
  if (support.reachedAt === undefined) {
    return { state: now < base.supportWindow.end ? 'Pending' : 'Expired', ...base };
  }

  const supportedAt = support.reachedAt;
  const voting = votingWindow(supportedAt, rules);
  const supported = { ...base, supportedAt, votingWindow: voting };
  if (now < voting.start) return { state: 'Supported', ...supported };

  // Filter to the window before picking each voter's vote, so a vote outside it cannot replace one inside.
  const counted = countedVotes(votes.filter((vote) => known(vote) && countsIn(voting, vote)));
  const result = tally(counted, facts.totalPower, rules);
  const state = now < voting.end ? 'Voting' : outcome(facts, result, now);
  return { state, ...supported, tally: result };
}
