// The lifecycle and tally rules: pure functions of a proposal, its messages and a time (docs/lifecycle.md).
export { countsIn, inWindow, proposalStatus, supportReachedAt, supportWindow, votingWindow } from './state.js';
export { countedVotes, supportThreshold, tally } from './tally.js';
export { CHOICE_NAMES } from './types.js';
export type {
  Choice,
  LifecycleRules,
  ProposalFacts,
  ProposalKind,
  ProposalState,
  ProposalStatus,
  SupportRecord,
  Tally,
  VoteRecord,
  Window,
} from './types.js';
