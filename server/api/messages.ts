import { isUtf8 } from 'node:buffer';
import express, { Router } from 'express';
import { bothForms } from '../address.js';
import type { Database } from '../db/index.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Receipt } from '../ingest/receipts.js';
import { ApiError } from './errors.js';
import { limitByIp, type RateLimiter } from './rate-limit.js';

export const MESSAGE_BODY_LIMIT = '128kb';
const ID = /^0x[0-9a-f]{64}$/;

export function messagesRouter(deps: { db: Database; ingest: Ingest; ipLimiter: RateLimiter }): Router {
  const router = Router();

  // The JSON parser would replace bytes that are not UTF-8 with U+FFFD, silently changing what was signed.
  const notUtf8 = new WeakSet<object>();
  const json = express.json({
    limit: MESSAGE_BODY_LIMIT,
    verify: (req, _res, body) => {
      if (!isUtf8(body)) notUtf8.add(req);
    },
  });
  router.post('/messages', limitByIp(deps.ipLimiter), json, async (req, res) => {
    if (notUtf8.has(req)) {
      throw new ApiError(400, 'invalid_encoding', 'the body is not well-formed UTF-8: send the text exactly as signed');
    }
    const accepted = await deps.ingest.submit(req.body);
    res.json(accepted);
  });

  router.get('/messages/:id', async (req, res) => {
    const id = req.params.id.toLowerCase();
    if (!ID.test(id)) throw new ApiError(400, 'invalid_id', 'a message id is 32 bytes of 0x hex', 'id');
    const row = await deps.db.client.message.findUnique({ where: { id } });
    if (!row) throw new ApiError(404, 'unknown_message', `no message ${id}`, 'id');
    const outbox = await deps.db.client.pinOutbox.findUnique({ where: { cid: row.cid }, select: { pinnedAt: true } });
    res.json({
      id: row.id,
      type: row.type,
      space: row.spaceId,
      from: bothForms(row.from),
      timestamp: Number(row.timestamp),
      receivedAt: Number(row.receivedAt),
      sequence: row.sequence,
      head: row.head,
      cid: row.cid,
      pinned: outbox?.pinnedAt != null,
      receipt: JSON.parse(row.receipt) as Receipt,
      document: JSON.parse(row.document) as unknown,
    });
  });

  return router;
}
