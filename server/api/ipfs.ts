import { Router } from 'express';
import type { Database } from '../db/index.js';
import { parseCid, type IpfsStore } from '../ipfs/index.js';
import { ApiError } from './errors.js';

/**
 * GET /ipfs/:cid: a pinned document, from the IPFS store; one accepted but not yet pinned is served
 * from the outbox (the same bytes: its CID was computed from them).
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
    if (pending && pending.pinnedAt === null) {
      res.set('X-Pin-Status', 'pending').type('application/json').send(pending.document);
      return;
    }
    try {
      res.set('X-Pin-Status', 'pinned').json(await deps.ipfs.get(cid));
    } catch {
      throw new ApiError(404, 'unknown_cid', `${cid} is not pinned by this service`, 'cid');
    }
  });
  return router;
}
