import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { PrismaClient as SqliteClient, type Prisma } from './generated/sqlite/client.js';
import { migratePostgres, migrateSqlite } from './migrate.js';
import { databaseKind, sqliteFile, type DatabaseKind } from './url.js';

export { weiFromText, weiToText } from './wei.js';
export type { DatabaseKind } from './url.js';

/**
 * The one client type the rest of the code uses. Both generated clients come from the same schema
 * with identical models, so the PostgreSQL client is used through the SQLite client's type.
 */
export type Db = SqliteClient;
/** Inside `db.client.$transaction(async (tx) => …)`. */
export type DbTx = Prisma.TransactionClient;
/** Anything that can read: the client or a transaction. */
export type DbReader = Db | DbTx;

export interface Database {
  kind: DatabaseKind;
  client: Db;
  /** A cheap round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Applies pending migrations, then connects. */
export async function openDatabase(url: string): Promise<Database> {
  const kind = databaseKind(url);
  if (kind === 'sqlite') {
    const file = sqliteFile(url);
    migrateSqlite(file);
    const client = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }) });
    return wrap(kind, client);
  }
  await migratePostgres(url);
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
  return wrap(kind, client as unknown as Db);
}

function wrap(kind: DatabaseKind, client: Db): Database {
  return {
    kind,
    client,
    ping: async () => {
      await client.$queryRawUnsafe('SELECT 1');
    },
    close: () => client.$disconnect(),
  };
}

/** Whether a Prisma error is a unique-constraint violation (the row exists already). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'P2002';
}

/** Runs a create that may lose a race to another writer: a unique violation counts as 0 rows. */
export async function createIfAbsent(create: () => Promise<{ count: number }>): Promise<number> {
  try {
    return (await create()).count;
  } catch (error) {
    if (isUniqueViolation(error)) return 0;
    throw error;
  }
}
