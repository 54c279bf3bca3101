import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/index.js';
import { GENESIS_HEAD } from '../ingest/log.js';
import type { Space } from '../spaces/schema.js';
import { ApiError } from './errors.js';

const logQuery = z.strictObject({
  from: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** GET /api/spaces/:id/log: the space's append-only log from a sequence number on. */
export function logRouter(deps: { db: Database; spaces: Map<string, Space> }): Router {
  const router = Router();
  router.get('/spaces/:id/log', async (req, res) => {
    if (!deps.spaces.has(req.params.id)) throw new ApiError(404, 'unknown_space', `no space "${req.params.id}"`, 'id');
    const parsed = logQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError(400, 'invalid_query', `${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
    }
    const { from, limit } = parsed.data;
    const [rows, latest] = await Promise.all([
      deps.db.client.message.findMany({
        where: { spaceId: req.params.id, sequence: { gte: from } },
        orderBy: { sequence: 'asc' },
        take: limit,
        select: { sequence: true, id: true, cid: true, type: true, receivedAt: true, head: true },
      }),
      deps.db.client.logHead.findUnique({ where: { spaceId: req.params.id } }),
    ]);
    const previous =
      from === 1
        ? GENESIS_HEAD
        : (
            await deps.db.client.message.findUnique({
              where: { spaceId_sequence: { spaceId: req.params.id, sequence: from - 1 } },
              select: { head: true },
            })
          )?.head;
    res.json({
      space: req.params.id,
      latest: { sequence: latest?.sequence ?? 0, head: latest?.head ?? GENESIS_HEAD },
      previousHead: previous ?? null,
      entries: rows.map((row) => ({ ...row, receivedAt: Number(row.receivedAt) })),
    });
  });
  return router;
}
