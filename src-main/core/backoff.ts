// Reconnect delays: 1, 2, 4, 8 … capped (at most 60 s between camera reconnects), each with ± jitter so that cameras
// that fail together (a switch reboot) do not reconnect in lockstep.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay added or removed at random, 0–1. */
  jitter: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };

/** Exponential delay for failure number `attempt` (0-based): initialMs · 2^attempt, capped at maxMs, no jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

export class Backoff {
  /** Failures since the last reset. */
  attempts = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    if (options.initialMs <= 0 || options.maxMs < options.initialMs) throw new RangeError('backoff needs 0 < initialMs <= maxMs');
    if (options.jitter < 0 || options.jitter > 1) throw new RangeError('backoff jitter must be within 0..1');
    this.random = options.random ?? Math.random;
  }

  /** Delay before the next attempt; each call doubles the base up to the cap. */
  next(): number {
    const base = backoffDelay(this.attempts, this.options.initialMs, this.options.maxMs);
    this.attempts++;
    return this.jittered(base);
  }

  /** A delay of at least `floorMs` (slow retry after an auth failure or a missing stream); jitter only adds. */
  nextAtLeast(floorMs: number): number {
    const d = this.next();
    return d >= floorMs ? d : Math.round(floorMs * (1 + this.options.jitter * this.random()));
  }

  reset(): void {
    this.attempts = 0;
  }

  private jittered(ms: number): number {
    const j = this.options.jitter;
    return Math.max(0, Math.round(ms * (1 - j + 2 * j * this.random())));
  }
}
