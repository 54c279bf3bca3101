import type { Database } from '../db/index.js';
import { firstBrokenLink } from './log.js';

/**
 * Refuses to serve a log whose first entry does not hash as this version hashes entries: a database
 * written before heads covered every field (protocol v2) cannot be continued, only started anew.
 */
export async function assertLogFormat(db: Database): Promise<void> {
  const firsts = await db.client.message.findMany({
    where: { sequence: 1 },
    select: { spaceId: true, sequence: true, id: true, cid: true, receivedAt: true, head: true },
  });
  for (const entry of firsts) {
    if (firstBrokenLink([{ ...entry, receivedAt: Number(entry.receivedAt) }]) === 0) {
      throw new Error(
        `the log of space "${entry.spaceId}" was written by an earlier version whose heads did not cover every field of an entry; start with a new database (DATABASE_URL, or a new DATA_DIR for SQLite)`,
      );
    }
  }
}
