import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';

/**
 * Fixed one-minute windows per key, in this process's memory (each API replica counts its own).
 * `take` throws a 429 ApiError when the key is over its limit.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  take(key: string, what: string): void {
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.evictExpired(now);
    }
    window.count += 1;
    if (window.count > this.perMinute) {
      const retryAfter = Math.ceil((window.start + 60_000 - now) / 1000);
      throw new ApiError(
        429,
        'rate_limited',
        `more than ${this.perMinute} messages a minute from this ${what}; retry in ${retryAfter} s`,
        undefined,
        {
          'Retry-After': String(retryAfter),
        },
      );
    }
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(key);
  }
}

export function limitByIp(limiter: RateLimiter): RequestHandler {
  return (req, _res, next) => {
    limiter.take(`ip:${req.ip ?? 'unknown'}`, 'IP address');
    next();
  };
}
