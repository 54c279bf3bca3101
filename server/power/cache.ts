// The PowerCache table: power at a final block never changes, so each (strategy set, block,
// address) is computed once and kept. The strategy-set column also carries the block's hash, so an
// entry can only be found again for that exact block: a reorganised block, or a local chain that was
// restarted from scratch (same numbers, other blocks), never hits an old entry.
import { join, sqltag } from '@prisma/client/runtime/client';
import { weiFromText, weiToText, type Database } from '../db/index.js';
import { strategyFromJson, strategyToJson, type AddressPower, type StrategyPowerJson } from './types.js';

/** Where a block's total is kept (its key never holds addresses' power). */
const TOTAL_ADDRESS = '0x0000000000000000000000000000000000000000';

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

  /**
   * Stores entries that are not there yet. One multi-row INSERT per chunk (Prisma's createMany sends
   * a statement per row here: ten times slower for 10,000 voters); ON CONFLICT DO NOTHING, which
   * SQLite and PostgreSQL both understand, keeps whichever replica stored an entry first (the values
   * are the same).
   */
  async put(key: string, block: number, powers: AddressPower[]): Promise<void> {
    for (let i = 0; i < powers.length; i += CHUNK) {
      const rows = powers.slice(i, i + CHUNK).map((p) => {
        const breakdown = JSON.stringify({ strategies: p.strategies.map(strategyToJson) } satisfies Breakdown);
        return sqltag`(${key}, ${block}, ${p.address}, ${weiToText(p.total)}, ${breakdown})`;
      });
      await this.db.client.$executeRaw`
        INSERT INTO "PowerCache" ("strategySet", "block", "address", "power", "breakdown")
        VALUES ${join(rows)}
        ON CONFLICT ("strategySet", "block", "address") DO NOTHING`;
    }
  }

  /** The chain's weighted total at a block, kept under the zero address of its own key. */
  async getTotal(key: string, block: number): Promise<bigint | undefined> {
    const row = await this.db.client.powerCache.findUnique({
      where: { strategySet_block_address: { strategySet: key, block, address: TOTAL_ADDRESS } },
    });
    return row ? weiFromText(row.power) : undefined;
  }

  async putTotal(key: string, block: number, total: bigint, candidates: number): Promise<void> {
    const breakdown = JSON.stringify({ candidates });
    await this.db.client.$executeRaw`
      INSERT INTO "PowerCache" ("strategySet", "block", "address", "power", "breakdown")
      VALUES (${key}, ${block}, ${TOTAL_ADDRESS}, ${weiToText(total)}, ${breakdown})
      ON CONFLICT ("strategySet", "block", "address") DO NOTHING`;
  }
}
