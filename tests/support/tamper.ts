// What a dishonest operator can do to its own service: rewrite rows, recompute log heads, re-pin the
// log, sign receipts with the service's key, run the scheduler with anchoring off, and serve other
// bytes for a CID through a gateway in front of the service. Used by tests/results/dishonest-operator.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../server/db/index.js';
import { GENESIS_HEAD, nextHead } from '../../server/ingest/log.js';
import { ReceiptSigner, type Receipt } from '../../server/ingest/receipts.js';
import { KEY_FILES, loadKey } from '../../server/keys.js';
import { encodeDocument } from '../../server/ipfs/codec.js';
import { pinLogBatches } from '../../server/ipfs/pin-worker.js';
import type { IpfsStore } from '../../server/ipfs/store.js';
import { messageDigest } from '../../server/messages/digest.js';
import { messageDocument, normalizeMessage } from '../../server/messages/normalize.js';
import { parseEnvelope } from '../../server/messages/schema.js';
import { canonicalSignature } from '../../server/messages/signature.js';
import { schedulerPass } from '../../server/scheduler/scheduler.js';
import type { Space } from '../../server/spaces/schema.js';
import type { TestStack } from './stack.js';

/** The service's receipt key, as the operator reads it from its own data directory. */
export function operatorReceiptSigner(stack: TestStack): ReceiptSigner {
  return new ReceiptSigner(loadKey(undefined, stack.dataDir, KEY_FILES.receipts), stack.service.chain.chainId);
}

/**
 * Recomputes the heads of `spaceId`'s log from `fromSequence` to its end, from the rows as they are
 * now, and moves the log_head row to the new last head. Returns the new heads by sequence.
 */
export async function rechain(db: Database, spaceId: string, fromSequence: number): Promise<Map<number, string>> {
  const rows = await db.client.message.findMany({ where: { spaceId }, orderBy: { sequence: 'asc' } });
  const heads = new Map<number, string>();
  let head = GENESIS_HEAD;
  for (const row of rows) {
    if (row.sequence >= fromSequence) {
      head = nextHead(head, { sequence: row.sequence, id: row.id, cid: row.cid, receivedAt: Number(row.receivedAt) });
      await db.client.message.update({ where: { id: row.id }, data: { head } });
      heads.set(row.sequence, head);
    } else head = row.head;
  }
  const last = rows.at(-1)!;
  await db.client.logHead.update({ where: { spaceId }, data: { sequence: last.sequence, head } });
  return heads;
}

/** Swaps two log entries' places (message rows, and their vote or support rows). */
export async function swapEntries(db: Database, first: string, second: string): Promise<void> {
  const [a, b] = await Promise.all([
    db.client.message.findUniqueOrThrow({ where: { id: first } }),
    db.client.message.findUniqueOrThrow({ where: { id: second } }),
  ]);
  await db.client.message.update({ where: { id: a.id }, data: { sequence: -1 } });
  await db.client.message.update({ where: { id: b.id }, data: { sequence: a.sequence } });
  await db.client.message.update({ where: { id: a.id }, data: { sequence: b.sequence } });
  for (const [id, sequence] of [
    [a.id, b.sequence],
    [b.id, a.sequence],
  ] as const) {
    await db.client.vote.updateMany({ where: { messageId: id }, data: { sequence } });
    await db.client.support.updateMany({ where: { messageId: id }, data: { sequence } });
  }
}

/** Forgets every pinned batch of `spaceId`'s log and pins the log again as the rows now say. */
export async function repinLog(db: Database, ipfs: IpfsStore, spaceId: string): Promise<void> {
  await db.client.logBatch.deleteMany({ where: { spaceId } });
  await pinLogBatches(db, ipfs);
}

/**
 * Appends a signed message to `spaceId`'s log behind ingest's back: its message row with the right
 * head and a receipt signed by the service's key, its document pinned, the log_head row moved. The
 * derived row (support, vote) is the caller's.
 */
export async function appendToLog(
  stack: TestStack,
  spaceId: string,
  envelope: unknown,
  receivedAt: number,
): Promise<{ id: string; cid: string; sequence: number; receipt: Receipt }> {
  const { db, ipfs } = stack.service;
  const chainId = stack.service.chain.chainId;
  const { envelope: parsed, ...signed } = parseEnvelope(envelope, chainId);
  const normalized = normalizeMessage(signed);
  const id = messageDigest(chainId, signed.primaryType, normalized);
  const sig = canonicalSignature(parsed.sig);
  const document = messageDocument(signed.message.from, sig, chainId, signed.primaryType, normalized);
  const cid = (await ipfs.put(document)).toString();
  const log = await db.client.logHead.findUniqueOrThrow({ where: { spaceId } });
  const sequence = log.sequence + 1;
  const head = nextHead(log.head, { sequence, id, cid, receivedAt });
  const receipt = operatorReceiptSigner(stack).sign({ id, cid, received: receivedAt, sequence, head });
  await db.client.message.create({
    data: {
      id,
      spaceId,
      type: signed.primaryType,
      from: signed.message.from,
      timestamp: BigInt(signed.message.timestamp),
      receivedAt: BigInt(receivedAt),
      sig,
      document: JSON.stringify(document),
      cid,
      sequence,
      head,
      receipt: JSON.stringify(receipt),
    },
  });
  await db.client.logHead.update({ where: { spaceId }, data: { sequence, head } });
  return { id, cid, sequence, receipt };
}

/**
 * One scheduler pass as an operator runs it when its anchor key would not anchor its rewrite (the
 * rules' sender cannot change what it anchored): `spaceId` with its anchor taken out, so results are
 * written without anchoring. No space is anchored in this pass; any other settled proposal that has no
 * result yet would get one too, so tests call it when there is none.
 */
export function passWithoutAnchoring(stack: TestStack, spaceId: string) {
  const space = stack.service.spaces.get(spaceId)!;
  const { anchor: _anchor, ...unanchored } = space;
  return schedulerPass({
    db: stack.service.db,
    ipfs: stack.service.ipfs,
    chainId: stack.service.chain.chainId,
    clock: () => stack.clock.now * 1000,
    spaces: new Map<string, Space>([[spaceId, unanchored as Space]]),
  });
}

/**
 * An IPFS gateway in front of `target` (the service) that passes every request through, except that it
 * answers the DAG-JSON bytes of another document for each CID given to `swap`.
 */
export async function swappingGateway(target: string): Promise<{
  url: string;
  served: string[];
  swap(cid: string, document: unknown): Promise<void>;
  close(): Promise<void>;
}> {
  const swapped = new Map<string, Uint8Array>();
  const served: string[] = [];
  const server = createServer((req, res) => {
    const cid = /^\/ipfs\/([^/?#]+)/.exec(req.url ?? '')?.[1];
    const replacement = cid === undefined ? undefined : swapped.get(cid);
    if (cid !== undefined && replacement) {
      served.push(cid);
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' }).end(Buffer.from(replacement));
      return;
    }
    fetch(`${target}${req.url ?? '/'}`, { headers: { accept: req.headers.accept ?? '*/*' } }).then(
      async (upstream) => {
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      },
      (error: Error) => res.writeHead(502).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    async swap(cid, document) {
      swapped.set(cid, (await encodeDocument(document)).bytes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
