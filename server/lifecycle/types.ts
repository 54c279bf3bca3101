import type { ChoiceName, Space } from '../spaces/schema.js';

// Inputs and outputs of the lifecycle and tally rules. Everything here is plain data: the rules are
// pure functions of it (no clock, no I/O), so they can be tested and re-run by an auditor.

export const PROPOSAL_STATES = [
  'Pending',
  'Supported',
  'Voting',
  'Passed',
  'Rejected',
  'Expired',
  'Canceled',
  'Queued',
  'Executed',
  'Confirmed',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export type ProposalKind = 'policy' | 'technical';

/** Choice numbers as signed in a Vote: 1 = For, 2 = Against, 3 = Abstain. */
export type Choice = 1 | 2 | 3;
export const CHOICE_NAMES: Record<Choice, ChoiceName> = { 1: 'For', 2: 'Against', 3: 'Abstain' };

/** The space settings the rules read. */
export const LIFECYCLE_RULE_KEYS = [
  'supportThresholdBps',
  'supportPeriodSeconds',
  'votingDelaySeconds',
  'votingPeriodSeconds',
  'quorumBps',
  'passThresholdBps',
  'majorityOf',
  'quorumChoices',
] as const satisfies readonly (keyof Space)[];
export type LifecycleRules = Pick<Space, (typeof LIFECYCLE_RULE_KEYS)[number]>;

/** Exactly the lifecycle rules of a larger object (a space, a rules document). */
export function lifecycleRules(source: LifecycleRules): LifecycleRules {
  return Object.fromEntries(LIFECYCLE_RULE_KEYS.map((key) => [key, source[key]])) as LifecycleRules;
}

/** What is known of a proposal besides its support and votes. Times are unix seconds. */
export interface ProposalFacts {
  kind: ProposalKind;
  /** When the service received the proposal: the support period starts here. */
  createdAt: number;
  /** The chain's weighted total at the snapshot block: the denominator of every share. */
  totalPower: bigint;
  /** When the service received the author's accepted CancelProposal. */
  canceledAt?: number;
  /** Technical proposals: when the executor queued and executed it. */
  queuedAt?: number;
  executedAt?: number;
  /** Policy proposals: when the passed result was confirmed (its result document pinned). */
  confirmedAt?: number;
}

/** An accepted Support, in log order. */
export interface SupportRecord {
  power: bigint;
  /** Signed timestamp (seconds). */
  timestamp: number;
  /** When the service received it (seconds). */
  receivedAt: number;
}

/** An accepted Vote. A voter may vote several times; see `countedVotes`. */
export interface VoteRecord {
  id: string;
  voter: string;
  choice: Choice;
  power: bigint;
  timestamp: number;
  receivedAt: number;
}

/** A window [start, end): start included, end excluded. */
export interface Window {
  start: number;
  end: number;
}

export interface Tally {
  for: bigint;
  against: bigint;
  abstain: bigint;
  /** Power of the counted votes whose choice counts toward quorum. */
  turnout: bigint;
  /** Turnout needed. */
  quorum: bigint;
  quorumReached: boolean;
  /** For exceeds the pass threshold's share of For + Against. */
  majorityReached: boolean;
  passed: boolean;
}

export interface ProposalStatus {
  state: ProposalState;
  supportWindow: Window;
  /** Support needed to go to a vote. */
  supportThreshold: bigint;
  /** Power of the support counted so far (inside the support window). */
  supportPower: bigint;
  /** When support reached the threshold, if it did. */
  supportedAt?: number;
  votingWindow?: Window;
  /** Present once voting has started. */
  tally?: Tally;
}
