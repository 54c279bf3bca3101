import type { ProposalState, ProposalStatus } from '../lifecycle/index.js';
import type { StoredProposal } from '../proposals/repository.js';

/**
 * Every state a proposal has passed through by now, with the time it entered it, derived from its
 * status: a scheduler that was down still records each step at the time it happened.
 */
export function timeline(proposal: StoredProposal, status: ProposalStatus): { state: ProposalState; at: number }[] {
  const steps: { state: ProposalState; at: number }[] = [{ state: 'Pending', at: proposal.createdAt }];
  if (status.state === 'Canceled') return [...steps, { state: 'Canceled', at: proposal.canceledAt! }];
  if (status.state === 'Expired') return [...steps, { state: 'Expired', at: status.supportWindow.end }];
  if (status.supportedAt === undefined || !status.votingWindow) return steps;
  steps.push({ state: 'Supported', at: status.supportedAt });
  if (status.state === 'Supported') return steps;
  steps.push({ state: 'Voting', at: status.votingWindow.start });
  if (status.state === 'Voting') return steps;
  steps.push({ state: status.tally?.passed ? 'Passed' : 'Rejected', at: status.votingWindow.end });
  if (status.state === 'Confirmed') steps.push({ state: 'Confirmed', at: proposal.result!.recordedAt });
  const { queuedAt, executedAt } = proposal.execution ?? {};
  if ((status.state === 'Queued' || status.state === 'Executed') && queuedAt !== undefined)
    steps.push({ state: 'Queued', at: queuedAt });
  if (status.state === 'Executed' && executedAt !== undefined) steps.push({ state: 'Executed', at: executedAt });
  return steps;
}
