import type { Anchorer, AnchoredSpace } from '../anchor/anchorer.js';
import { ANCHOR_CLOCK_TOLERANCE_SECONDS } from '../audit/anchors.js';
import { createIfAbsent, type Database } from '../db/index.js';
import { encodeDocument } from '../ipfs/codec.js';
import { pinLogBatches } from '../ipfs/pin-worker.js';
import type { IpfsStore } from '../ipfs/store.js';
import { loadProposal, proposalRecords, type StoredProposal } from '../proposals/repository.js';
import { statusOf } from '../proposals/view.js';
import { buildResultDocument, settledAt } from '../results/document.js';
import type { Space } from '../spaces/schema.js';
import { timeline } from './timeline.js';

// Moves proposals through the lifecycle on time with no traffic: records each state as it is
// reached, and writes the result document when a vote ends. Every step is idempotent (a state is
// recorded once, a result written once, with the same content), so a restart or a second replica
// at any moment does no harm; the service runs it under a lease so it usually runs once.

export interface SchedulerDeps {
  db: Database;
  ipfs: IpfsStore;
  chainId: number;
  /** Unix milliseconds. */
  clock: () => number;
  spaces: Map<string, Space>;
  /** Anchors the logs of spaces whose rules name an anchor (required when any does). */
  anchorer?: Anchorer;
}

/** States after which nothing more happens to a proposal (the scheduler stops looking at it). */
const FINAL = ['Canceled', 'Expired', 'Rejected', 'Confirmed', 'Executed'];

export async function schedulerPass(deps: SchedulerDeps): Promise<{ events: number; results: number }> {
  const { db } = deps;
  const now = Math.floor(deps.clock() / 1000);
  const settled = new Set(
    (await db.client.proposalEvent.findMany({ where: { state: { in: FINAL } }, select: { proposalId: true } })).map(
      (e) => e.proposalId,
    ),
  );
  const withResult = new Set(
    (await db.client.result.findMany({ select: { proposalId: true } })).map((r) => r.proposalId),
  );
  // Done with: a final state recorded and its result written.
  const open = (await db.client.proposal.findMany({ orderBy: { createdAt: 'asc' } })).filter(
    (row) => !(settled.has(row.id) && withResult.has(row.id)),
  );

  // A growing log is anchored on its interval. One space's failure stops no other space's work: the
  // failures are thrown together at the end of the pass.
  const failures: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message}`);
      return undefined;
    }
  };
  for (const space of deps.spaces.values()) {
    if (space.anchor) await attempt(`anchoring ${space.id}`, () => anchorerOf(deps).anchor(anchored(space)));
  }

  let events = 0;
  let results = 0;
  for (const row of open) {
    const proposal = await loadProposal(db.client, row);
    const records = await proposalRecords(db.client, proposal.id);
    const status = statusOf(proposal, records, now);
    for (const step of timeline(proposal, status)) {
      events += await createIfAbsent(() =>
        db.client.proposalEvent.createMany({
          data: [{ proposalId: proposal.id, state: step.state, at: BigInt(step.at) }],
        }),
      );
    }
    const settledTime = settledAt(status, proposal.canceledAt);
    if (!withResult.has(proposal.id) && settledTime !== undefined && now >= settledTime) {
      if (await attempt(`result of ${proposal.id}`, () => anchoredSince(deps, proposal.spaceId, settledTime))) {
        await writeResult(deps, proposal, records, now);
        results++;
      }
    }
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
  return { events, results };
}

/**
 * Whether the space's log is anchored at a block a clock tolerance after `time`, anchoring it then if
 * not (an unanchored space needs none). The result is written only then, a minute after the outcome
 * was settled, so its log reaches the anchor that closes it, and no message can be slipped in later.
 */
async function anchoredSince(deps: SchedulerDeps, spaceId: string, time: number): Promise<boolean> {
  const space = deps.spaces.get(spaceId);
  if (!space?.anchor) return true;
  // The closing anchor the audit looks for (server/audit/anchors.ts): made a clock tolerance after it.
  const closing = time + ANCHOR_CLOCK_TOLERANCE_SECONDS;
  if (Math.floor(deps.clock() / 1000) < closing) return false;
  const last = await anchorerOf(deps).anchor(anchored(space), { notBefore: closing });
  // The chain's clock may still be behind the service's: a later pass anchors again.
  return last !== undefined && last.timestamp >= closing;
}

function anchorerOf(deps: SchedulerDeps): Anchorer {
  if (!deps.anchorer) throw new Error('a space names a log anchor, but the scheduler has no anchor key');
  return deps.anchorer;
}

const anchored = (space: Space) => space as AnchoredSpace;

async function writeResult(
  deps: SchedulerDeps,
  proposal: StoredProposal,
  records: Awaited<ReturnType<typeof proposalRecords>>,
  now: number,
) {
  const { db } = deps;
  // The result names the log it was computed from, as pinned batches: pin up to the head first.
  await pinLogBatches(db, deps.ipfs);
  const lastBatch = await db.client.logBatch.findFirstOrThrow({
    where: { spaceId: proposal.spaceId },
    orderBy: { toSequence: 'desc' },
  });
  const [last, proposalMessage] = await Promise.all([
    db.client.message.findUniqueOrThrow({
      where: { spaceId_sequence: { spaceId: proposal.spaceId, sequence: lastBatch.toSequence } },
      select: { head: true },
    }),
    db.client.message.findUniqueOrThrow({ where: { id: proposal.id }, select: { cid: true, sequence: true } }),
  ]);
  const ids = [...records.supports.map((s) => s.messageId), ...records.votes.map((v) => v.id)];
  const cids = new Map(
    (await db.client.message.findMany({ where: { id: { in: ids } }, select: { id: true, cid: true } })).map((m) => [
      m.id,
      m.cid,
    ]),
  );
  const end = settledAt(statusOf(proposal, records, now), proposal.canceledAt)!;
  const document = buildResultDocument({
    chainId: deps.chainId,
    proposal: {
      id: proposal.id,
      cid: proposalMessage.cid,
      sequence: proposalMessage.sequence,
      space: proposal.spaceId,
      author: proposal.author,
      kind: proposal.kind,
      snapshot: proposal.snapshot,
      createdAt: proposal.createdAt,
      actionsHash: proposal.actionsHash,
    },
    rules: proposal.rules,
    strategies: proposal.strategies,
    totalPower: proposal.totalPower,
    supports: records.supports.map((s) => ({ ...s, supporter: s.voter, id: s.messageId, cid: cids.get(s.messageId)! })),
    votes: records.votes.map((v) => ({ ...v, cid: cids.get(v.id)! })),
    // As it stood when it was settled: no later message can change it.
    status: statusOf(proposal, records, end),
    log: { to: lastBatch.toSequence, head: last.head, lastBatch: lastBatch.cid },
  });
  const { cid } = await encodeDocument(document);
  const text = JSON.stringify(document);
  await db.client.$transaction(async (tx) => {
    // Another replica may have written it first: the first one stays.
    await tx.result.upsert({
      where: { proposalId: proposal.id },
      create: {
        proposalId: proposal.id,
        cid: cid.toString(),
        state: document.state,
        document: text,
        recordedAt: BigInt(now),
      },
      update: {},
    });
    await tx.pinOutbox.upsert({
      where: { cid: cid.toString() },
      create: { cid: cid.toString(), document: text, nextAttemptAt: BigInt(deps.clock()) },
      update: {},
    });
  });
}
