// CPU time of a child process (Linux /proc). Used for per-camera CPU% in the session statistics and
// the camera benchmark. Other platforms return null: the figure is informative, never load-bearing.
import { readFileSync } from 'node:fs';

// USER_HZ is 100 on every Linux architecture Node supports (the kernel ABI fixes it for /proc).
const CLOCK_TICKS_PER_SECOND = 100;

/** user+system CPU milliseconds consumed so far by `pid`, or null when unavailable. */
export function readProcessCpuMs(pid: number | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 2 (comm) may contain spaces and parentheses: parse from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Turns successive CPU-time samples into a percentage of one core over the sampling interval. */
export class CpuMeter {
  private lastCpuMs: number | null = null;
  private lastAt = 0;

  constructor(private readonly read: () => number | null) {}

  /** CPU% of one core since the previous call; null on the first call or when unreadable. */
  sample(now = performance.now()): number | null {
    const cpu = this.read();
    if (cpu === null) {
      this.lastCpuMs = null;
      return null;
    }
    const prev = this.lastCpuMs;
    const elapsed = now - this.lastAt;
    this.lastCpuMs = cpu;
    this.lastAt = now;
    if (prev === null || elapsed <= 0 || cpu < prev) return null;
    return ((cpu - prev) / elapsed) * 100;
  }

  reset(): void {
    this.lastCpuMs = null;
  }
}
