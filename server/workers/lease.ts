import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.js';

/**
 * A lease in the database: whichever replica holds it runs a singleton worker until it expires, so
 * any number of API processes run each worker once. The holder renews it on every pass and while a
 * pass runs.
 */
export class Lease {
  readonly holder = randomUUID();
  /** By this holder's clock, when the lease it last took ends (0: it holds none). */
  heldUntil = 0;

  constructor(
    private readonly db: Database,
    private readonly name: string,
    readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes or renews the lease; false while another live holder has it. */
  async acquire(): Promise<boolean> {
    // Timed from before the write: the lease is never believed held longer than the database has it.
    const now = this.clock();
    const expiresAt = BigInt(now + this.ttlMs);
    const taken = await this.db.client.workerLease.updateMany({
      where: { name: this.name, OR: [{ holder: this.holder }, { expiresAt: { lt: BigInt(now) } }] },
      data: { holder: this.holder, expiresAt },
    });
    let held = taken.count === 1;
    if (!held) {
      held = await this.db.client.workerLease
        .create({ data: { name: this.name, holder: this.holder, expiresAt } })
        .then(
          () => true,
          () => false, // someone else holds it (or created it first)
        );
    }
    this.heldUntil = held ? now + this.ttlMs : 0;
    return held;
  }

  /** The time left on the lease by this holder's clock, in milliseconds (≤ 0: not held). */
  remainingMs(): number {
    return this.heldUntil - this.clock();
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.db.client.workerLease.deleteMany({ where: { name: this.name, holder: this.holder } });
  }
}

/**
 * Runs `pass` every `intervalMs` while holding `lease`; stop() ends a running pass (its signal aborts)
 * and waits for it. While a pass runs the lease is renewed every quarter of its term; the pass's
 * signal aborts when a renewal is refused or the lease is within a quarter term of its end, so a pass
 * that heeds it does not run on after another replica may have taken the lease.
 */
export function runPeriodically(
  lease: Lease,
  intervalMs: number,
  pass: (signal: AbortSignal) => Promise<void>,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let current: AbortController | undefined;
  const tick = () => {
    running = (async () => {
      try {
        if (!(await lease.acquire())) return;
        current = new AbortController();
        const watch = watchLease(lease, current);
        try {
          await pass(current.signal);
        } finally {
          // A renewal still on its way is waited for, so none lands after release() at stop.
          await watch.stop();
        }
      } catch (error) {
        onError(error);
      }
    })();
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      current?.abort(new Error('the service is stopping'));
      await running;
      await lease.release().catch(() => undefined);
    },
  };
}

/**
 * While a pass runs: looks at the lease every eighth of its term, renews it once a quarter term has
 * passed since it was last taken, and aborts the pass when another replica holds it or less than a
 * quarter term is left (a renewal that failed or hangs, a blocked event loop, a clock that jumped).
 */
function watchLease(lease: Lease, controller: AbortController): { stop(): Promise<void> } {
  const quarter = lease.ttlMs / 4;
  let renewal: Promise<void> | undefined;
  const timer = setInterval(() => {
    const remaining = lease.remainingMs();
    if (remaining <= quarter) {
      controller.abort(new Error('the lease ends before the pass could renew it'));
      return;
    }
    if (renewal || remaining > lease.ttlMs - quarter) return;
    renewal = lease
      .acquire()
      .then(
        (held) => {
          if (!held) controller.abort(new Error('another replica holds the lease'));
        },
        () => undefined, // a failed renewal is retried; the term left decides when to give up
      )
      .finally(() => {
        renewal = undefined;
      });
  }, lease.ttlMs / 8);
  return {
    async stop() {
      clearInterval(timer);
      await renewal;
    },
  };
}
