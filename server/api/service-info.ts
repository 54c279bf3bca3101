import { Router } from 'express';
import type { ChainDetails } from '../chain/details.js';
import { governanceDomain, MESSAGE_TYPES, RECEIPT_TYPES } from '../messages/types.js';

/** GET /api/service: what a client needs to reach the chain, sign messages and check receipts. */
export function serviceInfoRouter(deps: { chain: ChainDetails; receiptSigner: string }): Router {
  const router = Router();
  router.get('/service', (_req, res) => {
    res.json({
      chainId: deps.chain.chainId,
      chain: deps.chain,
      domain: governanceDomain(deps.chain.chainId),
      types: MESSAGE_TYPES,
      receipt: { signer: deps.receiptSigner, types: RECEIPT_TYPES },
    });
  });
  return router;
}
