import { Router } from 'express';
import { AddressError, bothForms, parseAddress } from '../address.js';
import { PowerError, type PowerService, type StrategyPower } from '../power/index.js';
import type { Space } from '../spaces/schema.js';
import { ApiError } from './errors.js';

export interface PowerRouterDeps {
  spaces: Map<string, Space>;
  power: PowerService;
}

/**
 * GET /api/power/:space/:address?block=N: an address's voting power in a space at a block (the
 * head if no block is given; the answer says which block was used and whether it was the head),
 * with the breakdown per strategy and per bucket. Wei amounts are decimal strings.
 */
export function powerRouter({ spaces, power }: PowerRouterDeps): Router {
  const router = Router();
  router.get('/power/:space/:address', async (req, res) => {
    const space = spaces.get(req.params.space);
    if (!space) throw new ApiError(404, 'unknown_space', `no space "${req.params.space}"`, 'space');
    let address: string;
    try {
      address = parseAddress(req.params.address);
    } catch (error) {
      if (error instanceof AddressError) throw new ApiError(400, 'invalid_address', error.message, 'address');
      throw error;
    }
    const requested = req.query.block;
    let block: number;
    if (requested === undefined) block = await readPower(() => power.headBlock());
    else {
      if (typeof requested !== 'string' || !/^\d{1,16}$/.test(requested) || !Number.isSafeInteger(Number(requested))) {
        throw new ApiError(
          400,
          'invalid_block',
          `block must be a block number, got ${JSON.stringify(requested)}`,
          'block',
        );
      }
      block = Number(requested);
    }
    const powers = await readPower(() => power.powerAt(space, [address], block));
    const result = powers.get(address);
    if (!result) throw new Error(`no power returned for ${address}`);
    res.json({
      space: space.id,
      block,
      blockIsHead: requested === undefined,
      ...bothForms(address),
      total: result.total.toString(),
      strategies: result.strategies.map(strategyJson),
    });
  });
  return router;
}

async function readPower<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof PowerError)) throw error;
    switch (error.code) {
      case 'snapshot_invalid':
      case 'snapshot_in_future':
        throw new ApiError(400, error.code, error.message, 'block');
      case 'invalid_address':
        throw new ApiError(400, error.code, error.message, 'address');
      default:
        throw new ApiError(503, error.code, error.message);
    }
  }
}

function strategyJson(s: StrategyPower) {
  switch (s.name) {
    case 'iotex-staking':
      return {
        name: s.name,
        power: s.power.toString(),
        buckets: s.buckets.map((b) => ({
          index: b.index.toString(),
          kind: b.contractAddress === null ? 'native' : 'nft',
          contract: b.contractAddress === null ? null : bothForms(b.contractAddress),
          candidate: bothForms(b.candidate),
          amount: b.amount.toString(),
          durationSeconds: b.durationSeconds,
          durationBlocks: b.durationBlocks === null ? null : b.durationBlocks.toString(),
          autoStake: b.autoStake,
          selfStake: b.selfStake,
          status: b.status,
          power: b.power.toString(),
        })),
      };
    case 'native-balance':
      return { name: s.name, power: s.power.toString() };
    case 'erc20-balance':
      return { name: s.name, token: bothForms(s.token), power: s.power.toString() };
  }
}
