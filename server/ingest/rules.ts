import { countsIn, type ProposalStatus, type Window } from '../lifecycle/index.js';
import { MessageError } from '../messages/errors.js';
import type { StoredProposal } from '../proposals/repository.js';

// The rules of each message type that depend on the proposal's state. Pure: the ingest passes in
// what it read inside its transaction.

/** How far ahead of the server's clock a signed timestamp may be. */
export const MAX_FUTURE_SKEW_SECONDS = 300;

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

interface Timing {
  timestamp: number;
  receivedAt: number;
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
function requireWindow(window: Window, timing: Timing, what: string, period: string): void {
  if (!countsIn(window, timing)) {
    throw new MessageError(
      422,
      'outside_window',
      `${what} must be signed and received within the ${period} [${window.start}, ${window.end})`,
      'data.message.timestamp',
    );
  }
}

export function checkSupport(status: ProposalStatus, timing: Timing, alreadySupported: boolean): void {
  requirePhase(status, 'Pending', 'support is accepted');
  requireWindow(status.supportWindow, timing, 'support', 'support period');
  if (alreadySupported) {
    throw new MessageError(409, 'already_supported', 'this address already supports the proposal', 'data.message.from');
  }
}

export function checkVote(status: ProposalStatus, timing: Timing): void {
  requirePhase(status, 'Voting', 'votes are accepted');
  // In Voting the window always exists; an empty one would refuse every vote.
  requireWindow(status.votingWindow ?? { start: 0, end: 0 }, timing, 'a vote', 'voting period');
}

export function checkCancel(status: ProposalStatus, proposal: StoredProposal, from: string): void {
  if (from !== proposal.author) {
    throw new MessageError(
      403,
      'not_author',
      `only the author (${proposal.author}) may cancel the proposal`,
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
}

export function checkMarkActioned(status: ProposalStatus, proposal: StoredProposal): void {
  if (status.state !== 'Confirmed') {
    throw new MessageError(
      409,
      'wrong_phase',
      `only a Confirmed policy proposal can be marked actioned; it is ${status.state}`,
      'data.message.proposal',
    );
  }
  if (proposal.actionedAt !== undefined) {
    throw new MessageError(409, 'already_actioned', 'the proposal is already marked actioned', 'data.message.proposal');
  }
}
