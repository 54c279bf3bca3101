import { MessageError } from '../messages/errors.js';
import type { PrimaryType } from '../messages/types.js';
import { countsIn, proposalStatus } from './state.js';
import type { LifecycleRules, ProposalFacts, ProposalStatus, SupportRecord, VoteRecord, Window } from './types.js';

// Whether a message may enter a space's log: every rule ingest applies, as pure functions. Ingest
// calls them before it appends; the audit calls the same ones on every entry of the log it rebuilt,
// so a message in a log that ingest would have refused is tampering, named by its code.

/** How far ahead of the server's clock a signed timestamp may be. */
export const MAX_FUTURE_SKEW_SECONDS = 300;

/** Rule: a signed timestamp is at most MAX_FUTURE_SKEW_SECONDS ahead of the time received. */
export function checkTimestamp(timestamp: number, received: number): void {
  if (timestamp > received + MAX_FUTURE_SKEW_SECONDS) {
    throw new MessageError(
      422,
      'timestamp_in_future',
      `signed timestamp ${timestamp} is more than ${MAX_FUTURE_SKEW_SECONDS} s ahead of the server (${received})`,
      'data.message.timestamp',
    );
  }
}

/** Rule: times received never decrease along a log (each entry takes the later of the clock and the previous). */
export function receivedTime(clock: number, previous: number | undefined): number {
  return Math.max(clock, previous ?? 0);
}

/** Rule: proposing needs at least the rules' proposal threshold of power at the snapshot. */
export function checkProposalPower(
  power: bigint,
  threshold: { wei: bigint; iotx: string },
  from: string,
  snapshot: number,
) {
  if (power < threshold.wei) {
    throw new MessageError(
      422,
      'insufficient_power',
      `proposing needs ${threshold.iotx} IOTX of power at block ${snapshot}; ${from} has ${power} wei`,
      'data.message.from',
    );
  }
}

/** Rule: a proposal's snapshot has a staking state: some candidate holds votes there. */
export function checkStakingState(totalPower: bigint, snapshot: number): void {
  // Support and quorum are shares of this total: at a block where no candidate holds any vote (before
  // staking began there) nothing could ever be decided.
  if (totalPower === 0n) {
    throw new MessageError(
      422,
      'no_staking_state',
      `the chain has no staking state at block ${snapshot}: no candidate holds any vote there, so no share of the total can be reached`,
      'data.message.snapshot',
    );
  }
}

/**
 * Rule: a snapshot is not ahead of the head, nor more than `maxAgeBlocks` below it, when the proposal is
 * received. `head` is a range: ingest knows its node's head exactly; an auditor knows it only between
 * the heads of blocks just before and just after the time received.
 */
export function checkSnapshotAge(block: number, head: { low: number; high: number }, maxAgeBlocks: number): void {
  if (block > head.high) {
    throw new MessageError(
      422,
      'snapshot_in_future',
      `block ${block} is ahead of the chain's head (${head.high})`,
      'data.message.snapshot',
    );
  }
  if (head.low - block > maxAgeBlocks) {
    throw new MessageError(
      422,
      'snapshot_too_old',
      `block ${block} is ${head.low - block} blocks below the head (${head.low}); at most ${maxAgeBlocks} are allowed`,
      'data.message.snapshot',
    );
  }
}

/** What the rules of one proposal read: its facts and rules, and what its log held so far. */
export interface ProposalLedger {
  space: string;
  snapshot: number;
  facts: ProposalFacts;
  rules: LifecycleRules;
  author: string;
  /** The admins the proposal's rules document names. */
  admins: readonly string[];
  actionedAt?: number;
  /** Accepted support, in log order. */
  supports: (SupportRecord & { voter: string })[];
  votes: VoteRecord[];
}

/** A message about a proposal, as it arrives. */
export interface Arrival {
  primaryType: Exclude<PrimaryType, 'Proposal'>;
  from: string;
  space: string;
  timestamp: number;
  receivedAt: number;
  /** The sender's power at the proposal's snapshot (read for Support and Vote only). */
  power: bigint;
}

/** Rule: a message about a proposal is admitted only as its type's rule allows at the time it is received. */
export function admit(ledger: ProposalLedger, arrival: Arrival): void {
  checkSpace(ledger.space, arrival.space);
  const status = proposalStatus(ledger.facts, ledger.rules, ledger.supports, ledger.votes, arrival.receivedAt);
  switch (arrival.primaryType) {
    case 'Support':
      requirePower(arrival, ledger.snapshot);
      requirePhase(status, 'Pending', 'support is accepted');
      requireWindow(status.supportWindow, arrival, 'support', 'support period');
      if (ledger.supports.some((support) => support.voter === arrival.from)) {
        throw new MessageError(
          409,
          'already_supported',
          'this address already supports the proposal',
          'data.message.from',
        );
      }
      return;
    case 'Vote':
      requirePower(arrival, ledger.snapshot);
      requirePhase(status, 'Voting', 'votes are accepted');
      // In Voting the window always exists; an empty one would refuse every vote.
      requireWindow(status.votingWindow ?? { start: 0, end: 0 }, arrival, 'a vote', 'voting period');
      return;
    case 'CancelProposal':
      if (arrival.from !== ledger.author) {
        throw new MessageError(
          403,
          'not_author',
          `only the author (${ledger.author}) may cancel the proposal`,
          'data.message.from',
        );
      }
      if (status.state !== 'Pending') {
        throw new MessageError(
          409,
          'wrong_phase',
          `a proposal can be canceled while Pending; it is ${status.state}`,
          'data.message.proposal',
        );
      }
      return;
    case 'MarkActioned':
      if (!ledger.admins.includes(arrival.from)) {
        throw new MessageError(
          403,
          'not_admin',
          `only an admin named in the proposal's rules may mark it actioned`,
          'data.message.from',
        );
      }
      if (status.state !== 'Confirmed') {
        throw new MessageError(
          409,
          'wrong_phase',
          `only a Confirmed policy proposal can be marked actioned; it is ${status.state}`,
          'data.message.proposal',
        );
      }
      if (ledger.actionedAt !== undefined) {
        throw new MessageError(
          409,
          'already_actioned',
          'the proposal is already marked actioned',
          'data.message.proposal',
        );
      }
      return;
  }
}

/** The ledger once an admitted message is in the log. */
export function recordArrival(
  ledger: ProposalLedger,
  arrival: Arrival & { id: string; choice?: VoteRecord['choice'] },
): ProposalLedger {
  const times = { timestamp: arrival.timestamp, receivedAt: arrival.receivedAt };
  switch (arrival.primaryType) {
    case 'Support':
      return { ...ledger, supports: [...ledger.supports, { voter: arrival.from, power: arrival.power, ...times }] };
    case 'Vote':
      return {
        ...ledger,
        votes: [
          ...ledger.votes,
          { id: arrival.id, voter: arrival.from, choice: arrival.choice ?? 1, power: arrival.power, ...times },
        ],
      };
    case 'CancelProposal':
      return { ...ledger, facts: { ...ledger.facts, canceledAt: arrival.receivedAt } };
    case 'MarkActioned':
      return { ...ledger, actionedAt: arrival.receivedAt };
  }
}

/** Rule: a message about a proposal is sent in the proposal's space. */
export function checkSpace(proposalSpace: string, messageSpace: string): void {
  if (messageSpace !== proposalSpace) {
    throw new MessageError(
      422,
      'wrong_space',
      `the proposal belongs to space "${proposalSpace}"`,
      'data.message.space',
    );
  }
}

/** Rule: only a sender with power at the snapshot may support or vote. */
function requirePower(arrival: Arrival, snapshot: number): void {
  if (arrival.power === 0n) {
    throw new MessageError(
      422,
      'no_power',
      `${arrival.from} had no voting power at the snapshot block ${snapshot}`,
      'data.message.from',
    );
  }
}

/** The proposal must be in `state` for this kind of message (409 wrong_phase otherwise). */
function requirePhase(status: ProposalStatus, state: ProposalStatus['state'], accepted: string): void {
  if (status.state !== state) {
    throw new MessageError(
      409,
      'wrong_phase',
      `${accepted} while a proposal is ${state}; it is ${status.state}`,
      'data.message.proposal',
    );
  }
}

/** Both the signed timestamp and the time received must fall in the phase's window (422 otherwise). */
function requireWindow(window: Window, arrival: Arrival, what: string, period: string): void {
  if (!countsIn(window, arrival)) {
    throw new MessageError(
      422,
      'outside_window',
      `${what} must be signed and received within the ${period} [${window.start}, ${window.end})`,
      'data.message.timestamp',
    );
  }
}
