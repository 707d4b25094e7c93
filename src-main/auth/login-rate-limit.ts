// Login throttling: after a few free failures a key is locked out for a time that doubles with every further
// failure (capped). Two keys per attempt: username+origin (guessing one account) and origin alone (spraying many
// usernames from one place). Kept in memory, bounded: the oldest keys are evicted first.
import { VigilError } from '../../src-contract/errors.ts';

export interface RateLimitOptions {
  /** Failures allowed per username+origin before the first lockout. */
  freeAttempts: number;
  /** Failures allowed per origin (any username) before it is locked out. */
  freeAttemptsPerOrigin: number;
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number;
  maxKeys: number;
  now: () => number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  freeAttempts: 5, freeAttemptsPerOrigin: 30, baseLockMs: 1000, maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000, maxKeys: 10_000, now: Date.now,
};

interface Entry { failures: number; lockedUntil: number; lastFailure: number }

export class LoginRateLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: RateLimitOptions;

  constructor(opts: Partial<RateLimitOptions> = {}) {
    this.opts = { ...DEFAULT_RATE_LIMIT, ...opts };
  }

  private keys(username: string, origin: string): Array<[string, number]> {
    return [[`u:${username.toLowerCase()}\u0000${origin}`, this.opts.freeAttempts], [`o:${origin}`, this.opts.freeAttemptsPerOrigin]];
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.opts.now() - e.lastFailure > this.opts.forgetAfterMs && this.opts.now() >= e.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Throws RATE_LIMITED (with retry_after_s) while either key is locked out. */
  check(username: string, origin: string): void {
    const now = this.opts.now();
    for (const [key] of this.keys(username, origin)) {
      const e = this.live(key);
      if (e && e.lockedUntil > now) {
        const retry = Math.ceil((e.lockedUntil - now) / 1000);
        throw new VigilError('RATE_LIMITED', `too many failed sign-ins; try again in ${retry} s`, { details: { retry_after_s: retry } });
      }
    }
  }

  fail(username: string, origin: string): void {
    const now = this.opts.now();
    for (const [key, free] of this.keys(username, origin)) {
      const e = this.live(key) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      e.failures += 1;
      e.lastFailure = now;
      if (e.failures >= free) {
        const lock = Math.min(this.opts.baseLockMs * 2 ** Math.min(e.failures - free, 30), this.opts.maxLockMs);
        e.lockedUntil = now + lock;
      }
      this.entries.delete(key); // re-insert: Map order is the eviction order (least recently failed first)
      this.entries.set(key, e);
    }
    while (this.entries.size > this.opts.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** A good password clears the account key; the origin key only decays, so one valid account cannot reset it. */
  succeed(username: string, origin: string): void {
    this.entries.delete(this.keys(username, origin)[0][0]);
  }

  get size(): number {
    return this.entries.size;
  }
}
