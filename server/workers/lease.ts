import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.js';

/**
 * A lease in the database: whichever replica holds it runs a singleton worker until it expires, so
 * any number of API processes run each worker once. The holder renews it on every pass.
 */
export class Lease {
  readonly holder = randomUUID();

  constructor(
    private readonly db: Database,
    private readonly name: string,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes or renews the lease; false while another live holder has it. */
  async acquire(): Promise<boolean> {
    const now = this.clock();
    const expiresAt = BigInt(now + this.ttlMs);
    const taken = await this.db.client.workerLease.updateMany({
      where: { name: this.name, OR: [{ holder: this.holder }, { expiresAt: { lt: BigInt(now) } }] },
      data: { holder: this.holder, expiresAt },
    });
    if (taken.count === 1) return true;
    try {
      await this.db.client.workerLease.create({ data: { name: this.name, holder: this.holder, expiresAt } });
      return true;
    } catch {
      return false; // someone else holds it (or created it first)
    }
  }

  async release(): Promise<void> {
    await this.db.client.workerLease.deleteMany({ where: { name: this.name, holder: this.holder } });
  }
}

/** Runs `pass` every `intervalMs` while holding `lease`; stop() waits for a running pass. */
export function runPeriodically(
  lease: Lease,
  intervalMs: number,
  pass: () => Promise<void>,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        if (await lease.acquire()) await pass();
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
      await running;
      await lease.release().catch(() => undefined);
    },
  };
}
