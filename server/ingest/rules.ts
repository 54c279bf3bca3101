import { countsIn, type ProposalStatus } from '../lifecycle/index.js';
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

export function checkSupport(status: ProposalStatus, timing: Timing, alreadySupported: boolean): void {
  if (status.state !== 'Pending') {
    throw new MessageError(
      409,
      'wrong_phase',
      `support is accepted while a proposal is Pending; it is ${status.state}`,
      'data.message.proposal',
    );
  }
  if (!countsIn(status.supportWindow, timing)) {
    throw new MessageError(
      422,
      'outside_window',
      `support must be signed and received within the support period [${status.supportWindow.start}, ${status.supportWindow.end})`,
      'data.message.timestamp',
    );
  }
  if (alreadySupported) {
    throw new MessageError(409, 'already_supported', 'this address already supports the proposal', 'data.message.from');
  }
}

export function checkVote(status: ProposalStatus, timing: Timing): void {
  if (status.state !== 'Voting' || !status.votingWindow) {
    throw new MessageError(
      409,
      'wrong_phase',
      `votes are accepted while a proposal is Voting; it is ${status.state}`,
      'data.message.proposal',
    );
  }
  if (!countsIn(status.votingWindow, timing)) {
    throw new MessageError(
      422,
      'outside_window',
      `a vote must be signed and received within the voting period [${status.votingWindow.start}, ${status.votingWindow.end})`,
      'data.message.timestamp',
    );
  }
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
