import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type Database } from '../../server/db/index.js';
import { Lease, runPeriodically } from '../../server/workers/lease.js';
import { createTempPostgresDatabase } from '../support/postgres.js';
import { describeIf, postgresAvailable } from '../support/requirements.js';
import { tempDir } from '../support/temp.js';

// A singleton worker's lease, as two replicas sharing one database see it: the holder keeps it
// renewed while a long pass runs, and a pass learns (its signal aborts) before its lease could
// lapse, so two replicas never run the same worker at once.

const TTL = 1_500;

/** Runs `pass` as the first pass of a worker under `lease`, then stops the worker; the errors it reported. */
async function runOnePass(lease: Lease, pass: (signal: AbortSignal) => Promise<void>): Promise<unknown[]> {
  const errors: unknown[] = [];
  let finished = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const worker = runPeriodically(
    lease,
    60_000,
    (signal) => pass(signal).finally(finished),
    (error) => errors.push(error),
  );
  await done;
  await worker.stop();
  return errors;
}

/** Resolves once `signal` aborts, with its reason's message. */
function whenAborted(signal: AbortSignal): Promise<string> {
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve((signal.reason as Error).message), { once: true }),
  );
}

function leaseSuite(open: () => Promise<Database>) {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('is renewed while a pass runs longer than its term: the other replica never gets it', async () => {
    const mine = new Lease(db, 'long-pass', TTL);
    const other = new Lease(db, 'long-pass', TTL);
    const attempts: boolean[] = [];
    let aborted = false;
    // The pass takes five terms.
    const errors = await runOnePass(mine, async (signal) => {
      for (let i = 0; i < 10; i++) {
        await sleep(TTL / 2);
        attempts.push(await other.acquire());
      }
      aborted = signal.aborted;
    });
    expect(errors).toEqual([]);
    expect(attempts).toHaveLength(10);
    expect(attempts.every((taken) => !taken)).toBe(true);
    expect(aborted).toBe(false);
    // Released at stop: the other replica takes it at once.
    expect(await other.acquire()).toBe(true);
  });

  it('aborts a pass when another replica holds the lease, before it runs on beside it', async () => {
    const mine = new Lease(db, 'taken', TTL);
    let abortedAt = 0;
    let termEnd = 0;
    let reason = '';
    await runOnePass(mine, async (signal) => {
      termEnd = mine.heldUntil;
      // Another holder takes the row (a replica that believed the lease lapsed).
      await db.client.workerLease.update({
        where: { name: 'taken' },
        data: { holder: 'another replica', expiresAt: BigInt(Date.now() + 60_000) },
      });
      reason = await whenAborted(signal);
      abortedAt = Date.now();
    });
    expect(reason).toBe('another replica holds the lease');
    // Told at its first renewal, within the term it held.
    expect(abortedAt).toBeLessThan(termEnd);
  });

  it('aborts a pass a quarter term before the lease ends when it cannot be renewed', async () => {
    // The holder's clock jumps past most of the term (as when renewals hang): it gives up in time.
    const clock = { now: Date.now() };
    const mine = new Lease(db, 'lapsing', TTL, () => clock.now);
    let remainingAtAbort = Number.NaN;
    let reason = '';
    await runOnePass(mine, async (signal) => {
      clock.now += TTL * 0.8;
      reason = await whenAborted(signal);
      remainingAtAbort = mine.remainingMs();
    });
    expect(reason).toBe('the lease ends before the pass could renew it');
    expect(remainingAtAbort).toBeGreaterThan(0);
    expect(remainingAtAbort).toBeLessThanOrEqual(TTL / 4);
  });

  it('stop() ends a running pass through its signal and waits for it', async () => {
    const mine = new Lease(db, 'stopping', 60_000);
    let ended = false;
    const worker = runPeriodically(
      mine,
      60_000,
      async (signal) => {
        await whenAborted(signal);
        ended = true;
      },
      () => undefined,
    );
    await sleep(100);
    await worker.stop();
    expect(ended).toBe(true);
    expect(await db.client.workerLease.findUnique({ where: { name: 'stopping' } })).toBeNull();
  });
}

describe('worker lease on SQLite', () => {
  const dir = tempDir('lease');
  afterAll(() => dir.remove());
  leaseSuite(() => openDatabase(`file:${path.join(dir.path, 'governance.db')}`));
});

const postgres = await postgresAvailable();
describeIf(postgres, 'worker lease on PostgreSQL', () => {
  let temp: Awaited<ReturnType<typeof createTempPostgresDatabase>>;
  beforeAll(async () => {
    temp = await createTempPostgresDatabase();
  });
  afterAll(async () => {
    await temp.drop();
  });
  leaseSuite(() => openDatabase(temp.url));
});
