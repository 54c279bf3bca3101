import { Router } from 'express';
import type { Database } from '../db/index.js';
import { encodeDocument, parseCid, type IpfsStore } from '../ipfs/index.js';
import { ApiError } from './errors.js';

/**
 * GET /ipfs/:cid: the DAG-JSON bytes that hash to the CID, of a pinned document (from the IPFS
 * store) or of one accepted but not yet pinned (from the outbox). Either way the bytes are encoded
 * here and checked against the CID before they are sent, so a client can verify them as they are.
 */
export function ipfsRouter(deps: { db: Database; ipfs: IpfsStore }): Router {
  const router = Router();
  router.get('/ipfs/:cid', async (req, res) => {
    let cid;
    try {
      cid = parseCid(req.params.cid);
    } catch (error) {
      throw new ApiError(400, 'invalid_cid', (error as Error).message, 'cid');
    }
    const pending = await deps.db.client.pinOutbox.findUnique({
      where: { cid: cid.toString() },
      select: { document: true, pinnedAt: true },
    });
    let document: unknown;
    let status: 'pending' | 'pinned';
    if (pending && pending.pinnedAt === null) {
      document = JSON.parse(pending.document) as unknown;
      status = 'pending';
    } else {
      try {
        document = await deps.ipfs.get(cid);
      } catch {
        throw new ApiError(404, 'unknown_cid', `${cid} is not pinned by this service`, 'cid');
      }
      status = 'pinned';
    }
    const encoded = await encodeDocument(document);
    if (!encoded.cid.equals(cid.toV1())) {
      throw new ApiError(500, 'document_mismatch', `the document stored for ${cid} does not hash to it`, 'cid');
    }
    res.set('X-Pin-Status', status).type('application/json').send(Buffer.from(encoded.bytes));
  });
  return router;
}
