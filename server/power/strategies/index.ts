import type { StrategyConfig } from '../../spaces/schema.js';
import type { CandidateSets } from '../candidates.js';
import type { IotexForkHeights } from '../forks.js';
import type { Multicall } from '../multicall.js';
import type { StakingReader } from '../staking-reader.js';
import { Erc20BalanceStrategy, NativeBalanceStrategy } from './balances.js';
import { IotexStakingStrategy } from './iotex-staking.js';
import type { Strategy } from './types.js';

export type { Strategy } from './types.js';

export interface StrategyContext {
  staking: StakingReader;
  multicall: Multicall;
  candidateSets: CandidateSets;
  forks: IotexForkHeights;
}

export function createStrategy(config: StrategyConfig, context: StrategyContext): Strategy {
  switch (config.name) {
    case 'iotex-staking':
      return new IotexStakingStrategy(context.staking, context.candidateSets, context.forks);
    case 'native-balance':
      return new NativeBalanceStrategy(context.multicall);
    case 'erc20-balance':
      return new Erc20BalanceStrategy(context.multicall, config.params.address);
  }
}

/**
 * The cache key of a strategy list: canonical JSON in the space's order (the breakdown keeps that
 * order). A version prefix lets a change to how power is computed start a fresh cache.
 */
export function strategySetKey(strategies: StrategyConfig[]): string {
  return `power/v2 ${JSON.stringify(strategies.map((s) => (s.name === 'erc20-balance' ? { name: s.name, token: s.params.address } : { name: s.name })))}`;
}
