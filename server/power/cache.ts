// The PowerCache table: power at a final block never changes, so each (strategy set, block,
// address) is computed once and kept. The strategy-set column also carries the block's hash, so an
// entry can only be found again for that exact block: a reorganised block, or a local chain that was
// restarted from scratch (same numbers, other blocks), never hits an old entry.
import { weiFromText, weiToText, type Database } from '../db/index.js';
import { strategyFromJson, strategyToJson, type AddressPower, type StrategyPowerJson } from './types.js';

/** Rows per query: well below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

interface Breakdown {
  strategies: StrategyPowerJson[];
}

export class PowerCache {
  constructor(private readonly db: Database) {}

  static key(strategySet: string, blockHash: string): string {
    return `${strategySet} @${blockHash}`;
  }

  async get(key: string, block: number, addresses: string[]): Promise<Map<string, AddressPower>> {
    const found = new Map<string, AddressPower>();
    for (let i = 0; i < addresses.length; i += CHUNK) {
      const rows = await this.db.client.powerCache.findMany({
        where: { strategySet: key, block, address: { in: addresses.slice(i, i + CHUNK) } },
      });
      for (const row of rows) {
        const breakdown = JSON.parse(row.breakdown) as Breakdown;
        found.set(row.address, {
          address: row.address,
          total: weiFromText(row.power),
          strategies: breakdown.strategies.map(strategyFromJson),
        });
      }
    }
    return found;
  }

  async put(key: string, block: number, powers: AddressPower[]): Promise<void> {
    const rows = powers.map((p) => ({
      strategySet: key,
      block,
      address: p.address,
      power: weiToText(p.total),
      breakdown: JSON.stringify({ strategies: p.strategies.map(strategyToJson) } satisfies Breakdown),
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      try {
        await this.db.client.powerCache.createMany({ data: chunk });
      } catch (error) {
        if ((error as { code?: string }).code !== 'P2002') throw error;
        // Another replica stored some of these first. The values are the same: keep theirs.
        for (const row of chunk) {
          await this.db.client.powerCache.upsert({
            where: { strategySet_block_address: { strategySet: key, block, address: row.address } },
            create: row,
            update: {},
          });
        }
      }
    }
  }
}
