import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, weiFromText, weiToText, type Database } from '../../server/db/index.js';
import { MigrationError, migrateSqlite, readMigrations } from '../../server/db/migrate.js';
import { Prisma } from '../../server/db/generated/sqlite/client.js';
import { createTempPostgresDatabase } from '../support/postgres.js';
import { describeIf, postgresAvailable } from '../support/requirements.js';
import { tempDir } from '../support/temp.js';

// Above 2^96: SQLite would turn it into an 8-byte float in any numeric column.
const LARGE_WEI = 2n ** 100n + 123_456_789n;

/** The behaviour both databases must share, run once against each. */
function sharedSuite(open: () => Promise<Database>) {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('writes a row through Prisma and reads back a wei value above 2^96 exactly', async () => {
    await db.client.powerCache.create({
      data: { strategySet: 'set-a', block: 42, address: '0xabc', power: weiToText(LARGE_WEI), breakdown: '{}' },
    });
    const row = await db.client.powerCache.findUniqueOrThrow({
      where: { strategySet_block_address: { strategySet: 'set-a', block: 42, address: '0xabc' } },
    });
    expect(weiFromText(row.power)).toBe(LARGE_WEI);
  });

  it('enforces the primary key (one cache entry per strategy set, block and address)', async () => {
    const data = { strategySet: 'set-b', block: 1, address: '0xdef', power: '1', breakdown: '{}' };
    await db.client.powerCache.create({ data });
    await expect(db.client.powerCache.create({ data })).rejects.toThrow();
  });

  it('has, for every Prisma model, a table with exactly the columns the model declares', async () => {
    const namespace = Prisma as unknown as Record<string, Record<string, string>>;
    for (const model of Object.values(Prisma.ModelName)) {
      const modelColumns = Object.values(namespace[`${model}ScalarFieldEnum`]!).sort();
      const rows =
        db.kind === 'sqlite'
          ? await db.client.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info('${model}')`)
          : await db.client.$queryRawUnsafe<{ name: string }[]>(
              `SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${model}'`,
            );
      expect({ model, columns: rows.map((row) => row.name).sort() }).toEqual({ model, columns: modelColumns });
    }
  });
}

describe('wei text', () => {
  it('round-trips and refuses what is not a non-negative integer', () => {
    expect(weiFromText(weiToText(LARGE_WEI))).toBe(LARGE_WEI);
    expect(() => weiFromText('1.5e+30')).toThrow(RangeError);
    expect(() => weiFromText('-1')).toThrow(RangeError);
    expect(() => weiFromText('007')).toThrow(RangeError);
    expect(() => weiToText(-1n)).toThrow(RangeError);
  });
});

describe('SQLite (embedded default)', () => {
  const dir = tempDir('sqlite');
  afterAll(() => dir.remove());
  sharedSuite(() => openDatabase(`file:${path.join(dir.path, 'governance.db')}`));

  it('keeps rows across reopening the file', async () => {
    const db = await openDatabase(`file:${path.join(dir.path, 'governance.db')}`);
    expect(await db.client.powerCache.count({ where: { strategySet: 'set-a' } })).toBe(1);
    await db.close();
  });
});

describe('migrations', () => {
  const dir = tempDir('migrations');
  afterAll(() => dir.remove());

  it('applies each migration once and records it', () => {
    const file = path.join(dir.path, 'once.db');
    const all = readMigrations('sqlite').map((migration) => migration.name);
    expect(migrateSqlite(file)).toEqual(all);
    expect(migrateSqlite(file)).toEqual([]);
  });

  it('refuses to start when an applied migration was edited afterwards', () => {
    const migrations = path.join(dir.path, 'prisma-migrations');
    cpSync(path.resolve('prisma/migrations'), migrations, { recursive: true });
    const file = path.join(dir.path, 'edited.db');
    migrateSqlite(file, readMigrations('sqlite', migrations));
    const [first] = readMigrations('sqlite', migrations);
    writeFileSync(path.join(migrations, 'sqlite', `${first!.name}.sql`), `${first!.sql}\n-- edited\n`);
    expect(() => migrateSqlite(file, readMigrations('sqlite', migrations))).toThrow(MigrationError);
    expect(() => migrateSqlite(file, readMigrations('sqlite', migrations))).toThrow(/changed after it was applied/);
  });

  it('has one migration set per database kind, with the same names', () => {
    expect(readMigrations('postgresql').map((m) => m.name)).toEqual(readMigrations('sqlite').map((m) => m.name));
  });
});

const postgres = await postgresAvailable();
describeIf(postgres, 'PostgreSQL (DATABASE_URL=postgresql://…)', () => {
  let temp: Awaited<ReturnType<typeof createTempPostgresDatabase>>;
  beforeAll(async () => {
    temp = await createTempPostgresDatabase();
  });
  afterAll(async () => {
    await temp.drop();
  });
  sharedSuite(() => openDatabase(temp.url));

  it('migrates once even when several replicas start together', async () => {
    const replicas = await Promise.all([openDatabase(temp.url), openDatabase(temp.url), openDatabase(temp.url)]);
    const applied = await replicas[0]!.client.$queryRawUnsafe<{ n: bigint }[]>(
      'SELECT count(*) AS n FROM "_migrations"',
    );
    expect(Number(applied[0]!.n)).toBe(readMigrations('postgresql').length);
    await Promise.all(replicas.map((replica) => replica.close()));
  });
});
