import express, { Router } from 'express';
import { z } from 'zod';
import type { Chain } from '../chain/provider.js';
import { suggestGas } from '../execution/gas.js';
import { actionSchema, LIMITS } from '../messages/schema.js';
import type { Space } from '../spaces/schema.js';
import { ApiError } from './errors.js';

const body = z.strictObject({
  actions: z
    .array(actionSchema.omit({ gas: true }))
    .min(1)
    .max(LIMITS.actions),
});

/**
 * POST /api/spaces/:id/action-gas {actions: [{to, value, data}]}: the gas floor to sign for each action
 * (server/execution/gas.ts), simulated as a call from the space's executor.
 */
export function actionGasRouter(deps: { spaces: Map<string, Space>; chain: Chain }): Router {
  const router = Router();
  router.post('/spaces/:id/action-gas', express.json({ limit: '1mb' }), async (req, res) => {
    const space = deps.spaces.get(req.params.id);
    if (!space) throw new ApiError(404, 'unknown_space', `no space "${req.params.id}"`, 'id');
    const parsed = body.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join('.');
      throw new ApiError(400, 'invalid_request', `${field || 'body'}: ${issue.message}`, field || undefined);
    }
    const actions = parsed.data.actions.map((a) => ({ to: a.to, value: a.value.toString(), data: a.data }));
    try {
      res.json({ from: space.executor, actions: await suggestGas(deps.chain, space.executor, actions) });
    } catch (error) {
      throw new ApiError(
        503,
        'gas_unavailable',
        `the chain could not simulate the actions: ${(error as Error).message}`,
      );
    }
  });
  return router;
}
