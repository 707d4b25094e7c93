// Recent latencies in a fixed ring (no allocation per sample); percentiles sort a copy on demand.
export class LatencyWindow {
  readonly #buf: Float64Array;
  #n = 0;
  #i = 0;

  constructor(size: number) {
    this.#buf = new Float64Array(size);
  }

  add(ms: number): void {
    this.#buf[this.#i] = ms;
    this.#i = (this.#i + 1) % this.#buf.length;
    if (this.#n < this.#buf.length) this.#n++;
  }

  get count(): number {
    return this.#n;
  }

  /** p in [0, 100]; null when empty. Nearest-rank. */
  percentile(p: number): number | null {
    if (this.#n === 0) return null;
    const s = this.#buf.slice(0, this.#n).sort();
    const k = Math.min(this.#n - 1, Math.max(0, Math.ceil((p / 100) * this.#n) - 1));
    return s[k];
  }

  mean(): number | null {
    if (this.#n === 0) return null;
    let sum = 0;
    for (let i = 0; i < this.#n; i++) sum += this.#buf[i];
    return sum / this.#n;
  }

  clear(): void {
    this.#n = 0;
    this.#i = 0;
  }
}
