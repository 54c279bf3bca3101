import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from '@jest/globals';
import pg from 'pg';

// Suites that need something this machine may lack (a PostgreSQL server, Chromium) are skipped with
// the reason written down; scripts/test.ts prints every reason in its summary and, in CI, fails.

export type Requirement = { ok: true } | { ok: false; reason: string };

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function postgresAvailable(url = TEST_DATABASE_URL): Promise<Requirement> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no PostgreSQL server at ${url} (${(error as Error).message}); set TEST_DATABASE_URL` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `describe`, or a skipped suite whose reason reaches the test summary. */
export function describeIf(requirement: Requirement, name: string, suite: () => void): void {
  if (requirement.ok) {
    describe(name, suite);
    return;
  }
  const reportDir = process.env.SKIP_REPORT_DIR;
  if (reportDir) appendFileSync(path.join(reportDir, 'skipped.txt'), `${name}: ${requirement.reason}\n`);
  describe.skip(`${name} [skipped: ${requirement.reason}]`, suite);
}
