import express, { Router } from 'express';
import { z } from 'zod';
import type { Chain } from '../chain/provider.js';
import type { Database } from '../db/index.js';
import { acceptAttestation } from '../execution/attestations.js';
import { ApiError } from './errors.js';

const body = z.strictObject({
  proposalId: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, { message: 'must be 32 bytes of 0x hex' })
    .transform((id) => id.toLowerCase()),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, { message: 'must be a 65-byte signature' }),
});

/** POST /api/attestations: an attestor's signature of a passed proposal's Outcome, for the relayer. */
export function attestationsRouter(deps: { db: Database; chain: Chain; clock: () => number }): Router {
  const router = Router();
  router.post('/attestations', express.json({ limit: '4kb' }), async (req, res) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError(
        400,
        'invalid_attestation',
        `${issue.path.join('.') || 'body'}: ${issue.message}`,
        issue.path.join('.') || undefined,
      );
    }
    const { attestor, outcome } = await acceptAttestation(
      { ...deps, provider: deps.chain.provider, chainId: deps.chain.chainId },
      parsed.data.proposalId,
      parsed.data.signature,
    );
    res.json({ attestor, outcome });
  });
  router.get('/proposals/:id/attestations', async (req, res) => {
    const rows = await deps.db.client.attestation.findMany({
      where: { proposalId: req.params.id.toLowerCase() },
      orderBy: { attestor: 'asc' },
    });
    res.json({
      attestations: rows.map((row) => ({
        attestor: row.attestor,
        signature: row.signature,
        resultCid: row.resultCid,
        receivedAt: Number(row.receivedAt),
      })),
    });
  });
  return router;
}
