import { Router } from 'express';
import { governanceDomain, MESSAGE_TYPES, RECEIPT_TYPES } from '../messages/types.js';

/** GET /api/service: what a client needs to sign messages and to check receipts. */
export function serviceInfoRouter(deps: { chainId: number; receiptSigner: string }): Router {
  const router = Router();
  router.get('/service', (_req, res) => {
    res.json({
      chainId: deps.chainId,
      domain: governanceDomain(deps.chainId),
      types: MESSAGE_TYPES,
      receipt: { signer: deps.receiptSigner, types: RECEIPT_TYPES },
    });
  });
  return router;
}
