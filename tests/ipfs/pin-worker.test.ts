import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type Database } from '../../server/db/index.js';
import { encodeDocument, openIpfs, CID, type IpfsStore } from '../../server/ipfs/index.js';
import { backoffMs, pinPass } from '../../server/ipfs/pin-worker.js';
import { tempDir } from '../support/temp.js';

describe('pin worker', () => {
  const dir = tempDir('pin-worker');
  let db: Database;
  let ipfs: IpfsStore;
  let clock = 1_764_000_000_000;
  const blocks = path.join(dir.path, 'ipfs', 'blocks');

  beforeAll(async () => {
    db = await openDatabase(`file:${path.join(dir.path, 'governance.db')}`);
    ipfs = await openIpfs({ dataDir: dir.path, ipfsEmbeddedNetwork: false, ipfsApiUrl: undefined });
  });
  afterAll(async () => {
    await ipfs.close();
    await db.close();
    dir.remove();
  });

  async function enqueue(document: object) {
    const { cid } = await encodeDocument(document);
    await db.client.pinOutbox.create({
      data: { cid: cid.toString(), document: JSON.stringify(document), nextAttemptAt: BigInt(clock) },
    });
    return cid.toString();
  }

  it('retries with growing backoff while IPFS fails, then pins under the same CID', async () => {
    const cid = await enqueue({ type: 'Vote', n: '1' });
    // The block store is unusable (a file where its directory should be), as on a lost disk.
    rmSync(blocks, { recursive: true, force: true });
    writeFileSync(blocks, 'not a directory');

    expect(await pinPass(db, ipfs, () => clock)).toMatchObject({ pinned: 0, failed: 1 });
    let row = await db.client.pinOutbox.findUniqueOrThrow({ where: { cid } });
    expect(row).toMatchObject({ attempts: 1, pinnedAt: null });
    expect(row.lastError).toEqual(expect.any(String));
    expect(Number(row.nextAttemptAt)).toBe(clock + backoffMs(1));

    // Not due yet: nothing is tried.
    expect(await pinPass(db, ipfs, () => clock)).toMatchObject({ pinned: 0, failed: 0 });
    clock += backoffMs(1);
    expect(await pinPass(db, ipfs, () => clock)).toMatchObject({ failed: 1 });
    row = await db.client.pinOutbox.findUniqueOrThrow({ where: { cid } });
    expect(row.attempts).toBe(2);
    expect(Number(row.nextAttemptAt)).toBe(clock + backoffMs(2));
    expect(backoffMs(2)).toBeGreaterThan(backoffMs(1));

    rmSync(blocks, { force: true });
    mkdirSync(blocks);
    clock += backoffMs(2);
    expect(await pinPass(db, ipfs, () => clock)).toMatchObject({ pinned: 1, failed: 0 });
    row = await db.client.pinOutbox.findUniqueOrThrow({ where: { cid } });
    expect(row.pinnedAt).not.toBeNull();
    await expect(ipfs.get(CID.parse(cid))).resolves.toEqual({ type: 'Vote', n: '1' });
  });

  it('caps the backoff at five minutes', () => {
    expect(backoffMs(30)).toBe(5 * 60_000);
  });

  it('pins each space log in batches, each linking to the one before', async () => {
    const head = `0x${'0'.repeat(64)}`;
    for (const sequence of [1, 2, 3]) {
      await db.client.message.create({
        data: {
          id: `0x${String(sequence).repeat(64)}`,
          spaceId: 'demo',
          type: 'Vote',
          from: '0x0000000000000000000000000000000000000001',
          timestamp: 1n,
          receivedAt: 2n,
          sig: '0x',
          document: '{}',
          cid: `cid-${sequence}`,
          sequence,
          head,
          receipt: '{}',
        },
      });
      await db.client.logHead.upsert({
        where: { spaceId: 'demo' },
        create: { spaceId: 'demo', sequence, head },
        update: { sequence },
      });
      if (sequence === 2) expect((await pinPass(db, ipfs, () => clock)).logBatches).toBe(1);
    }
    expect((await pinPass(db, ipfs, () => clock)).logBatches).toBe(1);
    expect((await pinPass(db, ipfs, () => clock)).logBatches).toBe(0);
    const batches = await db.client.logBatch.findMany({ where: { spaceId: 'demo' }, orderBy: { fromSequence: 'asc' } });
    expect(batches.map((batch) => [batch.fromSequence, batch.toSequence])).toEqual([
      [1, 2],
      [3, 3],
    ]);
    const second = (await ipfs.get(CID.parse(batches[1]!.cid))) as { previousBatch: string; entries: { id: string }[] };
    expect(second.previousBatch).toBe(batches[0]!.cid);
    expect(second.entries.map((entry) => entry.id)).toEqual([`0x${'3'.repeat(64)}`]);
  });
});
