import type { StrategyPower } from '../types.js';

/** A source of voting power: (addresses, block) -> power per address (checksummed 0x keys). */
export interface Strategy {
  readonly name: StrategyPower['name'];
  powers(addresses: string[], block: number): Promise<Map<string, StrategyPower>>;
}
