import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';

/**
 * Fixed one-minute windows per key, in this process's memory (each API replica counts its own).
 * `take` counts and throws a 429 ApiError when the key is over its limit; `reserve` counts one only
 * when the key is within its limit and can give it back: for limits that count what succeeded.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
    /** What is counted, as the 429 names it. */
    private readonly unit = 'messages are accepted',
  ) {}

  /** Counts `count` for `key` and throws the 429 if that takes it over its limit. */
  take(key: string, what: string, count = 1): void {
    this.window(key).count += count;
    this.refuseOver(key, what, this.perMinute);
  }

  /**
   * Throws the 429 if `key` has used its limit this minute; otherwise counts one and returns what
   * gives it back (within the same minute), for limits that count only what succeeds.
   */
  reserve(key: string, what: string): () => void {
    this.refuseOver(key, what, this.perMinute - 1);
    const window = this.window(key);
    window.count += 1;
    let refunded = false;
    return () => {
      if (refunded || this.windows.get(key) !== window) return;
      refunded = true;
      window.count -= 1;
    };
  }

  private window(key: string): { start: number; count: number } {
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.evictExpired(now);
    }
    return window;
  }

  private refuseOver(key: string, what: string, allowed: number): void {
    const now = this.clock();
    const window = this.window(key);
    if (window.count > allowed) {
      const retryAfter = Math.ceil((window.start + 60_000 - now) / 1000);
      throw new ApiError(
        429,
        'rate_limited',
        `at most ${this.perMinute} ${this.unit} a minute from one ${what}; retry in ${retryAfter} s`,
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
