import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/index.js';
import { PROPOSAL_STATES } from '../lifecycle/types.js';
import { loadProposal, proposalRecords } from '../proposals/repository.js';
import { proposalDetail, proposalSummary, statusOf, supportsJson, votesJson } from '../proposals/view.js';
import { voteProofs, type ResultDocument } from '../results/document.js';
import { ApiError } from './errors.js';

const listQuery = z.strictObject({
  space: z.string().optional(),
  state: z.enum(PROPOSAL_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().optional(),
});

/** Cursors are opaque: the (createdAt, id) of the last proposal of the previous page. */
const encodeCursor = (createdAt: number, id: string) => Buffer.from(`${createdAt}:${id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: bigint; id: string } {
  const match = /^(\d+):(0x[0-9a-f]{64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ApiError(400, 'invalid_query', 'cursor: not a cursor from a previous page', 'cursor');
  return { createdAt: BigInt(match[1]!), id: match[2]! };
}

/**
 * What the service knows of the result's audit: the executor's attestors who signed its outcome (an
 * external attestor signs only after `npm run attest` audited it). Null until one has.
 */
function auditState(attestors: string[]) {
  if (attestors.length === 0) return null;
  return {
    state: `Attested by ${attestors.length} attestor${attestors.length === 1 ? '' : 's'}`,
    ok: true,
    detail: `Signed the outcome: ${attestors.join(', ')}. Anyone can audit it again with npm run audit.`,
  };
}

export function proposalsRouter(deps: { db: Database; clock: () => number }): Router {
  const router = Router();
  const now = () => Math.floor(deps.clock() / 1000);
  const db = deps.db.client;

  async function load(id: string) {
    const row = await db.proposal.findUnique({ where: { id: id.toLowerCase() } });
    if (!row) throw new ApiError(404, 'unknown_proposal', `no proposal ${id}`, 'id');
    const proposal = await loadProposal(db, row);
    return { proposal, records: await proposalRecords(db, proposal.id) };
  }

  router.get('/proposals', async (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError(
        400,
        'invalid_query',
        `${issue.path.join('.') || 'query'}: ${issue.message}`,
        issue.path.join('.') || undefined,
      );
    }
    const { space, state, limit } = parsed.data;
    let after = parsed.data.cursor ? decodeCursor(parsed.data.cursor) : undefined;
    const page: ReturnType<typeof proposalSummary>[] = [];
    let more = true;
    // State depends on the clock, not on a column: read in batches and keep the matching ones.
    while (page.length < limit && more) {
      const rows = await db.proposal.findMany({
        where: {
          ...(space ? { spaceId: space } : {}),
          ...(after
            ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
            : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 100,
      });
      more = rows.length === 100;
      for (const row of rows) {
        after = { createdAt: row.createdAt, id: row.id };
        const proposal = await loadProposal(db, row);
        const status = statusOf(proposal, await proposalRecords(db, proposal.id), now());
        if (state && status.state !== state) continue;
        page.push(proposalSummary(proposal, status));
        if (page.length === limit) {
          more = true;
          break;
        }
      }
    }
    const last = page.at(-1);
    res.json({
      proposals: page,
      nextCursor: page.length === limit && last ? encodeCursor(last.createdAt, last.id) : null,
    });
  });

  router.get('/proposals/:id', async (req, res) => {
    const { proposal, records } = await load(req.params.id);
    const message = await db.message.findUniqueOrThrow({
      where: { id: proposal.id },
      select: { cid: true, sequence: true, document: true },
    });
    const attestors = (
      await db.attestation.findMany({ where: { proposalId: proposal.id }, select: { attestor: true } })
    ).map((a) => a.attestor);
    res.json({
      ...proposalDetail(proposal, statusOf(proposal, records, now()), message),
      audit: auditState(attestors),
    });
  });

  router.get('/proposals/:id/votes', async (req, res) => {
    const { records } = await load(req.params.id);
    res.json({ votes: votesJson(records) });
  });

  // Each counted vote with its Merkle proof against the result's votes root: what the executor's
  // verifyVote checks on chain once the outcome is queued. From the stored result document.
  router.get('/proposals/:id/votes/proofs', async (req, res) => {
    const id = req.params.id.toLowerCase();
    if (!(await db.proposal.findUnique({ where: { id }, select: { id: true } })))
      throw new ApiError(404, 'unknown_proposal', `no proposal ${req.params.id}`, 'id');
    const result = await db.result.findUnique({ where: { proposalId: id }, select: { cid: true, document: true } });
    if (!result) throw new ApiError(404, 'no_result', `proposal ${id} has no result yet`, 'id');
    res.json({ ...voteProofs(JSON.parse(result.document) as ResultDocument), resultCid: result.cid });
  });

  router.get('/proposals/:id/supports', async (req, res) => {
    const { records } = await load(req.params.id);
    res.json({ supports: supportsJson(records) });
  });

  return router;
}
