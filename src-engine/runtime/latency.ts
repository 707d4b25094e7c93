// Rolling latency window: the last N samples in a ring buffer, percentiles on demand (health is read
// rarely, samples are recorded on every inference or frame, so recording must be O(1) and allocation-free).
// One copy for both processes: the host reaches it through src-engine/public.ts.
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size = 256) {
    this.samples = new Float64Array(size);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
  }

  get count(): number {
    return this.filled;
  }

  /** Nearest-rank percentile (p in 0..100); null when empty. */
  percentile(p: number): number | null {
    if (this.filled === 0) return null;
    const sorted = this.samples.slice(0, this.filled).sort();
    const rank = Math.min(this.filled - 1, Math.max(0, Math.ceil((p / 100) * this.filled) - 1));
    return sorted[rank];
  }

  mean(): number | null {
    if (this.filled === 0) return null;
    let sum = 0;
    for (let i = 0; i < this.filled; i++) sum += this.samples[i];
    return sum / this.filled;
  }

  clear(): void {
    this.filled = 0;
    this.next = 0;
  }
}
