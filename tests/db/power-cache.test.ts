// The power cache on both databases: exact wei above 2^96, the breakdown round trip, and a second
// store of the same entries (another replica) keeping the first.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type Database } from '../../server/db/index.js';
import { PowerCache } from '../../server/power/cache.js';
import type { AddressPower } from '../../server/power/types.js';
import { createTempPostgresDatabase } from '../support/postgres.js';
import { describeIf, postgresAvailable } from '../support/requirements.js';
import { tempDir } from '../support/temp.js';

const LARGE_WEI = 2n ** 100n + 123_456_789n;
const VOTER = '0x00000000000000000000000000000000000b0b01';
const OTHER = '0x00000000000000000000000000000000000b0b02';

const power = (address: string, total: bigint): AddressPower => ({
  address,
  total: total + 7n,
  strategies: [
    {
      name: 'iotex-staking',
      power: total,
      buckets: [
        {
          index: 2n ** 64n - 2n,
          contractAddress: '0x0000000000000000000000000000000000000abc',
          candidate: '0x0000000000000000000000000000000000000def',
          amount: total,
          durationSeconds: 43_202.5,
          durationBlocks: 17_281n,
          autoStake: true,
          selfStake: false,
          status: 'staked',
          power: total,
        },
      ],
    },
    { name: 'native-balance', power: 3n },
    { name: 'erc20-balance', token: '0x0000000000000000000000000000000000000aaa', power: 4n },
  ],
});

function cacheSuite(open: () => Promise<Database>) {
  let db: Database;
  let cache: PowerCache;
  beforeAll(async () => {
    db = await open();
    cache = new PowerCache(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('stores and reads back power and breakdown exactly', async () => {
    const key = PowerCache.key('power/v1 test', '0xhash1');
    const entries = [power(VOTER, LARGE_WEI), power(OTHER, 1n)];
    await cache.put(key, 40_000_000, entries);
    const back = await cache.get(key, 40_000_000, [VOTER, OTHER, '0x00000000000000000000000000000000000b0b03']);
    expect(back).toEqual(new Map(entries.map((e) => [e.address, e])));
    // Another block hash is another key: nothing found.
    expect((await cache.get(PowerCache.key('power/v1 test', '0xhash2'), 40_000_000, [VOTER])).size).toBe(0);
  });

  it('keeps the first entry when the same ones are stored again', async () => {
    const key = PowerCache.key('power/v1 twice', '0xhash');
    await cache.put(key, 5, [power(VOTER, 10n)]);
    await expect(cache.put(key, 5, [power(VOTER, 99n), power(OTHER, 20n)])).resolves.toBeUndefined();
    const back = await cache.get(key, 5, [VOTER, OTHER]);
    expect(back.get(VOTER)!.total).toBe(17n);
    expect(back.get(OTHER)!.total).toBe(27n);
  });

  it('stores a block’s total once', async () => {
    const key = PowerCache.key('chain-weighted-total/v1', '0xhash');
    expect(await cache.getTotal(key, 9)).toBeUndefined();
    await cache.putTotal(key, 9, LARGE_WEI, 3);
    await cache.putTotal(key, 9, 1n, 3);
    expect(await cache.getTotal(key, 9)).toBe(LARGE_WEI);
  });
}

describe('power cache on SQLite', () => {
  const dir = tempDir('power-cache');
  afterAll(() => dir.remove());
  cacheSuite(() => openDatabase(`file:${path.join(dir.path, 'governance.db')}`));
});

const postgres = await postgresAvailable();
describeIf(postgres, 'power cache on PostgreSQL', () => {
  let temp: Awaited<ReturnType<typeof createTempPostgresDatabase>>;
  beforeAll(async () => {
    temp = await createTempPostgresDatabase();
  });
  afterAll(async () => {
    await temp.drop();
  });
  cacheSuite(() => openDatabase(temp.url));
});
