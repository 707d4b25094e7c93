// Per-second rate over a sliding window of fixed buckets (frames/s, bytes/s) with no allocation per
// sample: the stats path runs for every frame of every camera.

export class RateWindow {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;
  private readonly bucketMs: number;
  private firstAt = -1;

  constructor(
    private readonly windowMs = 5000,
    bucketCount = 10,
  ) {
    this.bucketMs = windowMs / bucketCount;
    this.buckets = new Float64Array(bucketCount);
    this.stamps = new Float64Array(bucketCount).fill(-1);
  }

  add(value: number, now = performance.now()): void {
    if (this.firstAt < 0) this.firstAt = now;
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % this.buckets.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i] += value;
  }

  /** Sum per second over the window (or over the time since the first sample when shorter). */
  rate(now = performance.now()): number {
    if (this.firstAt < 0) return 0;
    const slot = Math.floor(now / this.bucketMs);
    const oldest = slot - this.buckets.length + 1;
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) if (this.stamps[i] >= oldest && this.stamps[i] <= slot) sum += this.buckets[i];
    const span = Math.min(this.windowMs, Math.max(now - this.firstAt, this.bucketMs));
    return (sum * 1000) / span;
  }

  reset(): void {
    this.stamps.fill(-1);
    this.firstAt = -1;
  }
}
