import type { DbReader } from '../db/index.js';
import type { ProposalLedger } from '../lifecycle/admission.js';
import type { StrategyConfig } from '../spaces/schema.js';
import { weiFromText } from '../db/index.js';
import {
  lifecycleRules,
  type Choice,
  type LifecycleRules,
  type ProposalFacts,
  type ProposalKind,
  type SupportRecord,
  type VoteRecord,
} from '../lifecycle/types.js';

// Proposals as the rules see them, read from the database (wei and times converted at this edge).

export interface StoredProposal {
  id: string;
  spaceId: string;
  author: string;
  kind: ProposalKind;
  title: string;
  snapshot: number;
  createdAt: number;
  totalPower: bigint;
  rules: LifecycleRules;
  /** The admins its rules document names (who may mark it actioned). */
  admins: string[];
  /** The executor its rules document names (technical proposals run there). */
  executor: string | null;
  /** How power is computed for it: the space's strategies when it was proposed. */
  strategies: StrategyConfig[];
  actionsHash: string | null;
  canceledAt: number | undefined;
  /** When a space admin marked it actioned (policy proposals). */
  actionedAt: number | undefined;
  actioned: { by: string; note: string } | undefined;
  /** The relayer's progress (technical proposals). */
  execution:
    | {
        status: string;
        queueTx: string | null;
        executeTx: string | null;
        eta: number | null;
        queuedAt?: number;
        executedAt?: number;
        lastError: string | null;
      }
    | undefined;
  /** The result document, once the scheduler wrote it. */
  result: { cid: string; state: string; recordedAt: number } | undefined;
}

type ProposalRow = Awaited<ReturnType<DbReader['proposal']['findUniqueOrThrow']>>;
type ResultRow = Awaited<ReturnType<DbReader['result']['findUniqueOrThrow']>>;
type ExecutionRow = Awaited<ReturnType<DbReader['execution']['findUniqueOrThrow']>>;

export function toStoredProposal(
  row: ProposalRow,
  result?: Pick<ResultRow, 'cid' | 'state' | 'recordedAt'> | null,
  execution?: ExecutionRow | null,
): StoredProposal {
  return {
    id: row.id,
    spaceId: row.spaceId,
    author: row.author,
    kind: row.kind as ProposalKind,
    title: row.title,
    snapshot: row.snapshot,
    createdAt: Number(row.createdAt),
    totalPower: weiFromText(row.totalPower),
    ...splitRules(row.rules),
    actionsHash: row.actionsHash,
    canceledAt: row.canceledAt === null ? undefined : Number(row.canceledAt),
    actionedAt: row.actionedAt === null ? undefined : Number(row.actionedAt),
    actioned: row.actionedBy ? { by: row.actionedBy, note: row.actionNote ?? '' } : undefined,
    execution: execution
      ? {
          status: execution.status,
          queueTx: execution.queueTx,
          executeTx: execution.executeTx,
          eta: execution.eta === null ? null : Number(execution.eta),
          ...(execution.queuedAt === null ? {} : { queuedAt: Number(execution.queuedAt) }),
          ...(execution.executedAt === null ? {} : { executedAt: Number(execution.executedAt) }),
          lastError: execution.lastError,
        }
      : undefined,
    result: result ? { cid: result.cid, state: result.state, recordedAt: Number(result.recordedAt) } : undefined,
  };
}

/** The stored rules document: what the reads need of it (lifecycle rules, admins, executor, strategies). */
function splitRules(json: string): {
  rules: LifecycleRules;
  admins: string[];
  executor: string | null;
  strategies: StrategyConfig[];
} {
  const stored = JSON.parse(json) as LifecycleRules & {
    admins: string[];
    executor: string | null;
    strategies: StrategyConfig[];
  };
  return {
    rules: lifecycleRules(stored),
    admins: stored.admins,
    executor: stored.executor,
    strategies: stored.strategies,
  };
}

/** A proposal row with its result, if any. */
export async function loadProposal(db: DbReader, row: ProposalRow): Promise<StoredProposal> {
  const [result, execution] = await Promise.all([
    db.result.findUnique({ where: { proposalId: row.id }, select: { cid: true, state: true, recordedAt: true } }),
    db.execution.findUnique({ where: { proposalId: row.id } }),
  ]);
  return toStoredProposal(row, result, execution);
}

export async function findProposal(db: DbReader, id: string): Promise<StoredProposal | undefined> {
  const row = await db.proposal.findUnique({ where: { id } });
  return row ? loadProposal(db, row) : undefined;
}

export function proposalFacts(proposal: StoredProposal): ProposalFacts {
  return {
    kind: proposal.kind,
    createdAt: proposal.createdAt,
    totalPower: proposal.totalPower,
    ...(proposal.canceledAt === undefined ? {} : { canceledAt: proposal.canceledAt }),
    // A passed policy proposal is confirmed once its result document is recorded.
    ...(proposal.kind === 'policy' && proposal.result?.state === 'Passed'
      ? { confirmedAt: proposal.result.recordedAt }
      : {}),
    // A passed technical proposal is Queued and Executed as the relayer saw it happen on chain.
    ...(proposal.execution?.queuedAt === undefined ? {} : { queuedAt: proposal.execution.queuedAt }),
    ...(proposal.execution?.executedAt === undefined ? {} : { executedAt: proposal.execution.executedAt }),
  };
}

/** What the admission rules read of a proposal (server/lifecycle/admission.ts). */
export function proposalLedger(
  proposal: StoredProposal,
  records: Awaited<ReturnType<typeof proposalRecords>>,
): ProposalLedger {
  return {
    space: proposal.spaceId,
    snapshot: proposal.snapshot,
    facts: proposalFacts(proposal),
    rules: proposal.rules,
    author: proposal.author,
    admins: proposal.admins,
    ...(proposal.actionedAt === undefined ? {} : { actionedAt: proposal.actionedAt }),
    supports: records.supports,
    votes: records.votes,
  };
}

/** Accepted supports (in log order) and votes of a proposal. */
export async function proposalRecords(
  db: DbReader,
  proposalId: string,
): Promise<{
  supports: (SupportRecord & { voter: string; messageId: string; sequence: number })[];
  votes: (VoteRecord & { reason: string; sequence: number })[];
}> {
  const [supports, votes] = await Promise.all([
    db.support.findMany({ where: { proposalId }, orderBy: { sequence: 'asc' } }),
    db.vote.findMany({ where: { proposalId }, orderBy: { sequence: 'asc' } }),
  ]);
  return {
    supports: supports.map((row) => ({
      messageId: row.messageId,
      voter: row.voter,
      power: weiFromText(row.power),
      timestamp: Number(row.timestamp),
      receivedAt: Number(row.receivedAt),
      sequence: row.sequence,
    })),
    votes: votes.map((row) => ({
      id: row.messageId,
      voter: row.voter,
      choice: row.choice as Choice,
      reason: row.reason,
      power: weiFromText(row.power),
      timestamp: Number(row.timestamp),
      receivedAt: Number(row.receivedAt),
      sequence: row.sequence,
    })),
  };
}
