import type { DbReader } from '../db/index.js';
import { weiFromText } from '../db/index.js';
import type {
  Choice,
  LifecycleRules,
  ProposalFacts,
  ProposalKind,
  SupportRecord,
  VoteRecord,
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
  actionsHash: string | null;
  canceledAt: number | undefined;
}

type ProposalRow = Awaited<ReturnType<DbReader['proposal']['findUniqueOrThrow']>>;

export function toStoredProposal(row: ProposalRow): StoredProposal {
  return {
    id: row.id,
    spaceId: row.spaceId,
    author: row.author,
    kind: row.kind as ProposalKind,
    title: row.title,
    snapshot: row.snapshot,
    createdAt: Number(row.createdAt),
    totalPower: weiFromText(row.totalPower),
    rules: JSON.parse(row.rules) as LifecycleRules,
    actionsHash: row.actionsHash,
    canceledAt: row.canceledAt === null ? undefined : Number(row.canceledAt),
  };
}

export async function findProposal(db: DbReader, id: string): Promise<StoredProposal | undefined> {
  const row = await db.proposal.findUnique({ where: { id } });
  return row ? toStoredProposal(row) : undefined;
}

export function proposalFacts(proposal: StoredProposal): ProposalFacts {
  return {
    kind: proposal.kind,
    createdAt: proposal.createdAt,
    totalPower: proposal.totalPower,
    ...(proposal.canceledAt === undefined ? {} : { canceledAt: proposal.canceledAt }),
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
