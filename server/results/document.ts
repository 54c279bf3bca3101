import type { StrategyConfig } from '../spaces/schema.js';
import {
  countedVotes,
  countsIn,
  type LifecycleRules,
  type ProposalStatus,
  type SupportRecord,
  type VoteRecord,
} from '../lifecycle/index.js';
import { voteTree } from './merkle.js';

// The result document of a proposal whose outcome is settled (its vote ended, it expired or it was
// canceled): everything needed to recompute the outcome from
// IPFS and the chain. The service builds it from its database; the audit builds it again from the
// pinned messages and the chain, and the two must be identical. Integers are decimal strings.

export const RESULT_VERSION = '1';
/** Leaves of the Merkle tree over counted votes: (voter, choice, power, vote id). */
export const VOTE_LEAF_ENCODING = ['address', 'uint8', 'uint256', 'bytes32'] as const;

export interface ResultProposal {
  id: string;
  cid: string;
  sequence: number;
  space: string;
  author: string;
  kind: 'policy' | 'technical';
  snapshot: number;
  createdAt: number;
  actionsHash: string | null;
}

export type ResultSupport = SupportRecord & { supporter: string; id: string; cid: string; sequence: number };
export type ResultVote = VoteRecord & { cid: string; sequence: number };

export interface ResultInput {
  chainId: number;
  proposal: ResultProposal;
  rules: LifecycleRules;
  strategies: StrategyConfig[];
  totalPower: bigint;
  /** Every accepted support and vote of the proposal, in log order. */
  supports: ResultSupport[];
  votes: ResultVote[];
  /** The proposal's status at the end of voting (Passed or Rejected). */
  status: ProposalStatus;
  /** The space's log the result was computed from: entries 1..to, head(to), the batch holding `to`. */
  log: { to: number; head: string; lastBatch: string };
}

/**
 * When a proposal's outcome was settled: the end of voting, the end of the support period (Expired)
 * or the cancel (Canceled). Undefined while it can still change.
 */
export function settledAt(status: ProposalStatus, canceledAt: number | undefined): number | undefined {
  if (status.votingWindow) return status.votingWindow.end;
  if (status.state === 'Expired') return status.supportWindow.end;
  if (status.state === 'Canceled') return canceledAt;
  return undefined;
}

export function buildResultDocument(input: ResultInput) {
  const { proposal, status } = input;
  const voted = status.votingWindow && status.tally && status.supportedAt !== undefined;
  if (!voted && status.state !== 'Expired' && status.state !== 'Canceled') {
    throw new Error('a result needs a proposal whose vote ended, or that expired or was canceled');
  }
  const window = status.votingWindow;
  const tally = status.tally;
  // The votes that count: inside the window on both clocks, then each voter's latest, by voter.
  const counted = window ? byVoter(countedVotes(input.votes.filter((vote) => countsIn(window, vote)))) : [];
  const logged = new Map(input.votes.map((vote) => [vote.id, vote]));
  // The supports that counted: in the support window and, once reached, up to the threshold.
  const supports = input.supports.filter(
    (support) =>
      countsIn(status.supportWindow, support) && support.receivedAt <= (status.supportedAt ?? status.supportWindow.end),
  );
  return {
    type: 'Result',
    version: RESULT_VERSION,
    chainId: String(input.chainId),
    proposal: {
      ...proposal,
      sequence: String(proposal.sequence),
      snapshot: String(proposal.snapshot),
      createdAt: String(proposal.createdAt),
    },
    rules: input.rules,
    strategies: input.strategies,
    totalPower: input.totalPower.toString(),
    support: {
      threshold: status.supportThreshold.toString(),
      power: status.supportPower.toString(),
      reachedAt: status.supportedAt === undefined ? null : String(status.supportedAt),
      supports: supports.map((support) => ({
        supporter: support.supporter,
        power: support.power.toString(),
        id: support.id,
        cid: support.cid,
        sequence: String(support.sequence),
      })),
    },
    voting: window ? { start: String(window.start), end: String(window.end) } : null,
    votes: counted.map((vote) => {
      const full = logged.get(vote.id)!;
      return {
        voter: vote.voter,
        choice: String(vote.choice),
        power: vote.power.toString(),
        id: vote.id,
        cid: full.cid,
        sequence: String(full.sequence),
      };
    }),
    totals: tally
      ? {
          for: tally.for.toString(),
          against: tally.against.toString(),
          abstain: tally.abstain.toString(),
          turnout: tally.turnout.toString(),
          quorum: tally.quorum.toString(),
        }
      : null,
    quorumReached: tally ? tally.quorumReached : null,
    majorityReached: tally ? tally.majorityReached : null,
    /** Passed, Rejected, Expired or Canceled: the state when the outcome was settled. */
    state: status.state,
    log: {
      space: proposal.space,
      from: '1',
      to: String(input.log.to),
      head: input.log.head,
      lastBatch: input.log.lastBatch,
    },
    merkle: { root: counted.length > 0 ? voteTree(counted).root : null, leafEncoding: [...VOTE_LEAF_ENCODING] },
  };
}

export type ResultDocument = ReturnType<typeof buildResultDocument>;

/** Votes in the order of their voters' lowercase addresses (each voter once). */
function byVoter<T extends { voter: string }>(votes: T[]): T[] {
  const keyed = votes.map((vote) => ({ key: vote.voter.toLowerCase(), vote }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map(({ vote }) => vote);
}

/**
 * Each counted vote of a result document with its Merkle proof against the document's `merkle.root`
 * (what the executor stores as a queued proposal's `votesRootOf` and checks in `verifyVote`): the tree
 * is rebuilt from the document's votes, and must give the root the document names.
 */
export function voteProofs(document: ResultDocument) {
  const leafEncoding = [...VOTE_LEAF_ENCODING];
  if (document.votes.length === 0) return { root: null, leafEncoding, votes: [] };
  const tree = voteTree(
    document.votes.map((vote) => ({
      voter: vote.voter,
      choice: Number(vote.choice),
      power: BigInt(vote.power),
      id: vote.id,
    })),
  );
  if (tree.root !== document.merkle.root) {
    throw new Error(
      `the votes of result ${document.proposal.id} give the root ${tree.root}, not ${document.merkle.root}`,
    );
  }
  return {
    root: tree.root,
    leafEncoding,
    votes: document.votes.map((vote, index) => ({
      voter: vote.voter,
      choice: Number(vote.choice),
      power: vote.power,
      id: vote.id,
      proof: tree.proof(index),
    })),
  };
}
