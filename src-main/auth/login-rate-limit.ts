// Login throttling: after a few free failures a key is locked out for a time that doubles with every further
// failure (capped). Keys, per attempt:
//   - username+origin: guessing one account from one place (5 free failures);
//   - username alone: guessing one account from many places (a higher budget), skipped for an origin where this
//     username signed in correctly before, so a distributed attack on "admin" does not lock the admin out of the
//     machine they use.
// There is deliberately no origin-only key: every console user shares 127.0.0.1 (and the desktop "ipc"), so an
// origin lockout let anyone lock everyone out with failures on made-up usernames (issue 15 #11). Failures on
// usernames that do not exist cannot get anyone in; real accounts are each covered by their own keys.
// Kept in memory, bounded: the oldest keys are evicted first.
import { VigilError } from '../../src-contract/errors.ts';

export interface RateLimitOptions {
  /** Failures allowed per username+origin before the first lockout. */
  freeAttempts: number;
  /** Failures allowed per username from all origins together (distributed guessing) before it is locked. */
  freeAttemptsPerUser: number;
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number;
  maxKeys: number;
  now: () => number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  freeAttempts: 5, freeAttemptsPerUser: 30, baseLockMs: 1000, maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000, maxKeys: 10_000, now: Date.now,
};

interface Entry { failures: number; lockedUntil: number; lastFailure: number }

export class LoginRateLimiter {
  private readonly entries = new Map<string, Entry>();
  /** username → origins it signed in from correctly (bounded with the entries). */
  private readonly knownGood = new Map<string, Set<string>>();
  private readonly opts: RateLimitOptions;

  constructor(opts: Partial<RateLimitOptions> = {}) {
    this.opts = { ...DEFAULT_RATE_LIMIT, ...opts };
  }

  private keys(username: string, origin: string): Array<[string, number]> {
    const name = username.toLowerCase();
    const keys: Array<[string, number]> = [[`u:${name}\u0000${origin}`, this.opts.freeAttempts]];
    if (!this.knownGood.get(name)?.has(origin)) keys.push([`n:${name}`, this.opts.freeAttemptsPerUser]);
    return keys;
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

  /** A good password clears the username+origin key and marks the origin as known for this username; the
   *  username-wide key only decays, so a success in one place does not reset an attack from elsewhere. */
  succeed(username: string, origin: string): void {
    const name = username.toLowerCase();
    this.entries.delete(this.keys(username, origin)[0][0]);
    const set = this.knownGood.get(name) ?? new Set<string>();
    set.add(origin);
    if (set.size > 16) set.delete(set.values().next().value as string);
    this.knownGood.delete(name);
    this.knownGood.set(name, set);
    while (this.knownGood.size > this.opts.maxKeys) this.knownGood.delete(this.knownGood.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
