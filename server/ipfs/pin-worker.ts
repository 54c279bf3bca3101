import { createIfAbsent, type Database } from '../db/index.js';
import type { IpfsStore } from './store.js';

// Empties the pin outbox into IPFS, retrying with backoff, and pins each space's log in batches.
// Pinning is idempotent by CID, so a retry or a second worker does no harm.

const BATCH = 50;
const MAX_LOG_BATCH = 1000;
const MAX_BACKOFF_MS = 5 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

export interface PinPassResult {
  pinned: number;
  failed: number;
  logBatches: number;
}

export async function pinPass(db: Database, ipfs: IpfsStore, clock: () => number = Date.now): Promise<PinPassResult> {
  const now = clock();
  const due = await db.client.pinOutbox.findMany({
    where: { pinnedAt: null, nextAttemptAt: { lte: BigInt(now) } },
    orderBy: { nextAttemptAt: 'asc' },
    take: BATCH,
  });
  let pinned = 0;
  let failed = 0;
  for (const row of due) {
    try {
      const cid = await ipfs.put(JSON.parse(row.document) as unknown);
      if (cid.toString() !== row.cid) throw new Error(`the document hashes to ${cid}, not ${row.cid}`);
      await db.client.pinOutbox.update({
        where: { cid: row.cid },
        data: { pinnedAt: BigInt(clock()), lastError: null },
      });
      pinned++;
    } catch (error) {
      const attempts = row.attempts + 1;
      await db.client.pinOutbox.update({
        where: { cid: row.cid },
        data: {
          attempts,
          nextAttemptAt: BigInt(clock() + backoffMs(attempts)),
          lastError: (error as Error).message.slice(0, 500),
        },
      });
      failed++;
    }
  }
  return { pinned, failed, logBatches: await pinLogBatches(db, ipfs) };
}

/** Pins every space's log entries not yet in a batch, each batch linking to the previous one. */
export async function pinLogBatches(db: Database, ipfs: IpfsStore): Promise<number> {
  let count = 0;
  for (const { spaceId, sequence: latest } of await db.client.logHead.findMany()) {
    const previous = await db.client.logBatch.findFirst({ where: { spaceId }, orderBy: { toSequence: 'desc' } });
    const from = (previous?.toSequence ?? 0) + 1;
    if (from > latest) continue;
    const entries = await db.client.message.findMany({
      where: { spaceId, sequence: { gte: from, lte: Math.min(latest, from + MAX_LOG_BATCH - 1) } },
      orderBy: { sequence: 'asc' },
      select: { sequence: true, id: true, cid: true, receivedAt: true, head: true },
    });
    if (entries.length === 0) continue;
    const to = entries.at(-1)!.sequence;
    const cid = await ipfs.put({
      type: 'LogBatch',
      space: spaceId,
      from: String(from),
      to: String(to),
      previousBatch: previous?.cid ?? null,
      entries: entries.map((entry) => ({
        ...entry,
        sequence: String(entry.sequence),
        receivedAt: String(entry.receivedAt),
      })),
    });
    // Another worker may have pinned the same range first: its row stays.
    count += await createIfAbsent(() =>
      db.client.logBatch.createMany({ data: [{ spaceId, fromSequence: from, toSequence: to, cid: cid.toString() }] }),
    );
  }
  return count;
}
