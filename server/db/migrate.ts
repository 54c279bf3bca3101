import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseKind } from './url.js';

// The Prisma migrate CLI needs a schema engine that cannot be downloaded here, so migrations are
// committed SQL (prisma/migrations/<kind>/NNNN_name.sql) that the service applies at start. Each is
// recorded with a checksum; an applied migration whose file later changed stops the start.

const MIGRATIONS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/migrations');
const TABLE = '_migrations';
// Any constant: replicas starting together take turns on this PostgreSQL advisory lock.
const PG_MIGRATION_LOCK = 4689_0001;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(kind: DatabaseKind, root = MIGRATIONS_ROOT): Migration[] {
  const dir = path.join(root, kind);
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return { name: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Which migrations still need to run, given those already recorded. */
export function pendingMigrations(all: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const known = all.find((migration) => migration.name === name);
    if (!known) throw new MigrationError(`the database has migration ${name}, which this version does not know`);
    if (known.checksum !== checksum) {
      throw new MigrationError(`migration ${name} was changed after it was applied (checksum differs)`);
    }
  }
  return all.filter((migration) => !applied.has(migration.name));
}

export function migrateSqlite(file: string, migrations = readMigrations('sqlite')): string[] {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Sqlite(file, { timeout: 10_000 });
  try {
    // WAL lets readers run beside the writer; it is a property of the file, set once here.
    db.pragma('journal_mode = WAL');
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${TABLE}" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`,
    );
    const run = db.transaction(() => {
      const rows = db.prepare(`SELECT "name", "checksum" FROM "${TABLE}"`).all() as {
        name: string;
        checksum: string;
      }[];
      const pending = pendingMigrations(migrations, new Map(rows.map((row) => [row.name, row.checksum])));
      for (const migration of pending) {
        db.exec(migration.sql);
        db.prepare(`INSERT INTO "${TABLE}" ("name", "checksum", "appliedAt") VALUES (?, ?, ?)`).run(
          migration.name,
          migration.checksum,
          new Date().toISOString(),
        );
      }
      return pending.map((migration) => migration.name);
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

export async function migratePostgres(url: string, migrations = readMigrations('postgresql')): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${TABLE}" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT "name", "checksum" FROM "${TABLE}"`,
    );
    const pending = pendingMigrations(migrations, new Map(rows.map((row) => [row.name, row.checksum])));
    for (const migration of pending) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO "${TABLE}" ("name", "checksum", "appliedAt") VALUES ($1, $2, $3)`, [
          migration.name,
          migration.checksum,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
    }
    return pending.map((migration) => migration.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
