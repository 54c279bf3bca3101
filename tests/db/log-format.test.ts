// A database whose log heads were written by the earlier format (head = keccak256(head ‖ id)) cannot be
// continued: its entries could never pass the audit, so the service refuses it at start, saying why.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { concat, keccak256, ZeroHash } from 'ethers';
import { openDatabase, type Database } from '../../server/db/index.js';
import { assertLogFormat } from '../../server/ingest/log-check.js';
import { encodeDocument } from '../../server/ipfs/codec.js';
import { nextHead } from '../../server/ingest/log.js';
import { tempDir } from '../support/temp.js';

describe('the log format check at start', () => {
  const dir = tempDir('log-format');
  let db: Database;
  const id = keccak256('0x01');
  let cid: string;

  beforeAll(async () => {
    db = await openDatabase(`file:${dir.path}/governance.db`);
    cid = (await encodeDocument({ a: 1 })).cid.toString();
  });
  afterAll(async () => {
    await db.close();
    dir.remove();
  });

  /** The first entry of a space's log, with the given head. */
  const first = (spaceId: string, head: string) => ({
    id,
    spaceId,
    type: 'Support',
    from: '0x0000000000000000000000000000000000000001',
    timestamp: 1_764_000_000n,
    receivedAt: 1_764_000_000n,
    sig: '0x',
    document: '{}',
    cid,
    sequence: 1,
    head,
    receipt: '{}',
  });

  it('accepts a log whose first head follows from every field of its entry', async () => {
    const head = nextHead(ZeroHash, { sequence: 1, id, cid, receivedAt: 1_764_000_000 });
    await db.client.message.create({ data: first('new', head) });
    await expect(assertLogFormat(db)).resolves.toBeUndefined();
    await db.client.message.deleteMany();
  });

  it('refuses a log whose first head is the earlier keccak256(head ‖ id), naming the space', async () => {
    await db.client.message.create({ data: first('old', keccak256(concat([ZeroHash, id]))) });
    await expect(assertLogFormat(db)).rejects.toThrow(
      'the log of space "old" was written by an earlier version whose heads did not cover every field of an entry',
    );
  });
});
