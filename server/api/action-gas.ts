import express, { Router } from 'express';
import { z } from 'zod';
import type { Chain } from '../chain/provider.js';
import { NoGasMeter, suggestGas } from '../execution/gas.js';
import { KeyedMutex } from '../ingest/mutex.js';
import { actionSchema, LIMITS } from '../messages/schema.js';
import type { Space } from '../spaces/schema.js';
import { ApiError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

const body = z.strictObject({
  actions: z
    .array(actionSchema.omit({ gas: true }))
    .min(1)
    .max(LIMITS.actions),
});

/** Requests that may wait for their turn; beyond, 503 busy (the node measures one at a time). */
const MAX_WAITING_MEASUREMENTS = 10;

/**
 * POST /api/spaces/:id/action-gas {actions: [{to, value, data}]}: the gas floor to sign for each action
 * (server/execution/gas.ts), measured by the space's executor with the actions in order, as execute
 * runs them, and checked by making the calls again, each given just its floor. A request costs the node
 * two calls of up to AMPLE_GAS (the measurement and the check), and up to MAX_CHECK_ROUNDS checks in
 * all when a call needs more gas than it uses; its actions are counted per IP address, an IP address
 * has one request measured at a time (429 beyond), and the service measures one request at a time (503
 * busy when ten are waiting): the node never runs more than one measurement at once.
 */
export function actionGasRouter(deps: { spaces: Map<string, Space>; chain: Chain; gasLimiter: RateLimiter }): Router {
  const router = Router();
  const turn = new KeyedMutex();
  let waiting = 0;
  const measuring = new Set<string>();
  router.post<{ id: string }>('/spaces/:id/action-gas', express.json({ limit: '1mb' }), async (req, res) => {
    const space = deps.spaces.get(req.params.id);
    if (!space) throw new ApiError(404, 'unknown_space', `no space "${req.params.id}"`, 'id');
    const parsed = body.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join('.');
      throw new ApiError(400, 'invalid_request', `${field || 'body'}: ${issue.message}`, field || undefined);
    }
    if (!space.executor) {
      throw new ApiError(
        422,
        'no_executor',
        `space "${space.id}" has no executor to run actions, so none can be measured`,
        'id',
      );
    }
    const executor = space.executor;
    const ip = req.ip ?? 'unknown';
    if (measuring.has(ip)) {
      throw new ApiError(
        429,
        'one_at_a_time',
        'this IP address has a gas measurement running; wait for its answer',
        undefined,
        {
          'Retry-After': '1',
        },
      );
    }
    deps.gasLimiter.take(`ip:${ip}`, 'IP address', parsed.data.actions.length);
    if (waiting >= MAX_WAITING_MEASUREMENTS) {
      throw new ApiError(503, 'busy', 'too many gas measurements are waiting; retry in a few seconds', undefined, {
        'Retry-After': '5',
      });
    }
    const actions = parsed.data.actions.map((a) => ({ to: a.to, value: a.value.toString(), data: a.data }));
    waiting += 1;
    measuring.add(ip);
    try {
      res.json({ from: executor, actions: await turn.run('measure', () => suggestGas(deps.chain, executor, actions)) });
    } catch (error) {
      if (error instanceof NoGasMeter) throw new ApiError(422, 'no_gas_meter', error.message, 'id');
      throw new ApiError(
        503,
        'gas_unavailable',
        `the chain could not measure the actions: ${(error as Error).message}`,
      );
    } finally {
      waiting -= 1;
      measuring.delete(ip);
    }
  });
  return router;
}
