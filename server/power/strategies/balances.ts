// native-balance (IOTX) and erc20-balance (e.g. WIOTX): balances at the snapshot block, read
// through Multicall3.
import type { Multicall } from '../multicall.js';
import type { StrategyPower } from '../types.js';
import type { Strategy } from './types.js';

export class NativeBalanceStrategy implements Strategy {
  readonly name = 'native-balance' as const;

  constructor(private readonly multicall: Multicall) {}

  async powers(addresses: string[], block: number): Promise<Map<string, StrategyPower>> {
    const balances = await this.multicall.ethBalances(addresses, block);
    return new Map(addresses.map((address, i) => [address, { name: this.name, power: balances[i] ?? 0n }]));
  }
}

export class Erc20BalanceStrategy implements Strategy {
  readonly name = 'erc20-balance' as const;

  constructor(
    private readonly multicall: Multicall,
    readonly token: string,
  ) {}

  async powers(addresses: string[], block: number): Promise<Map<string, StrategyPower>> {
    const balances = await this.multicall.erc20Balances(this.token, addresses, block);
    return new Map(
      addresses.map((address, i) => [address, { name: this.name, token: this.token, power: balances[i] ?? 0n }]),
    );
  }
}
