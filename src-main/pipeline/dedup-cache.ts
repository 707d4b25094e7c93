// frame_id de-duplication with a TTL (a frame_id resubmitted within 5 s is refused as a duplicate). The TTL is the
// same for every key, so insertion order is expiry order and expiring is a scan from the front of the Map.

export class DedupCache {
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #expiry = new Map<string, number>();

  constructor(opts: { ttlMs?: number; maxKeys?: number; now?: () => number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 5000;
    this.#maxKeys = opts.maxKeys ?? 100_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Records `key`; returns false when it was already seen within the TTL (a duplicate). */
  admit(key: string): boolean {
    const now = this.#now();
    this.#expire(now);
    const until = this.#expiry.get(key);
    if (until !== undefined && until > now) return false;
    this.#expiry.delete(key);
    this.#expiry.set(key, now + this.#ttlMs);
    // Bound memory under a flood of unique ids: forget the oldest (they would expire first anyway).
    while (this.#expiry.size > this.#maxKeys) this.#expiry.delete(this.#expiry.keys().next().value as string);
    return true;
  }

  /** Forgets a key, so a frame that was dropped before analysis may be offered again. */
  forget(key: string): void {
    this.#expiry.delete(key);
  }

  get size(): number {
    this.#expire(this.#now());
    return this.#expiry.size;
  }

  #expire(now: number): void {
    for (const [key, until] of this.#expiry) {
      if (until > now) break;
      this.#expiry.delete(key);
    }
  }
}
