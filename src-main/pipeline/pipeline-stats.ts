// Pipeline counters, global and per camera (for camera session statistics, `GET /statistics` and /healthz).
// Totals since start are plain counters; per-minute buckets (kept 30 days, ~43k small entries at most) answer
// "in the last hour/day" for the figures that are not stored as rows (frames analysed, processing time, drops).
/** faces_detected counts tracks (one person walking past = 1); detections counts faces over all frames. */
export type Counter = 'frames_offered' | 'frames_analysed' | 'frames_dropped' | 'frames_skipped_static' | 'detections' | 'faces_detected' | 'recognized' | 'unknown' | 'attendance_records';

export interface CameraCounters extends Record<Counter, number> {
  processing_ms_sum: number;
}

const zero = (): CameraCounters => ({
  frames_offered: 0, frames_analysed: 0, frames_dropped: 0, frames_skipped_static: 0, detections: 0, faces_detected: 0, recognized: 0, unknown: 0, attendance_records: 0, processing_ms_sum: 0,
});

const MINUTE = 60_000;
const KEEP_MINUTES = 30 * 24 * 60;

export class PipelineStats {
  readonly total: CameraCounters = zero();
  readonly #perCamera = new Map<string, CameraCounters>();
  /** minute index → counters (global); Map keeps insertion order so old minutes are trimmed from the front. */
  readonly #minutes = new Map<number, CameraCounters>();
  /** Analysed-frame times per camera over the last few seconds, for a live fps figure. */
  readonly #recent = new Map<string, number[]>();
  readonly #now: () => number;
  readonly startedAt: number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.startedAt = now();
  }

  add(cameraId: string | null, counter: Counter, n = 1): void {
    this.total[counter] += n;
    if (cameraId) this.#camera(cameraId)[counter] += n;
    this.#bucket()[counter] += n;
  }

  frameAnalysed(cameraId: string, processingMs: number, faces: number): void {
    this.add(cameraId, 'frames_analysed');
    this.add(cameraId, 'detections', faces);
    this.total.processing_ms_sum += processingMs;
    this.#camera(cameraId).processing_ms_sum += processingMs;
    this.#bucket().processing_ms_sum += processingMs;
    const now = this.#now();
    let r = this.#recent.get(cameraId);
    if (!r) this.#recent.set(cameraId, (r = []));
    r.push(now);
    while (r.length && r[0] < now - 5000) r.shift();
  }

  camera(cameraId: string): Readonly<CameraCounters> {
    return this.#perCamera.get(cameraId) ?? zero();
  }

  cameraIds(): string[] {
    return [...this.#perCamera.keys()];
  }

  forgetCamera(cameraId: string): void {
    this.#perCamera.delete(cameraId);
    this.#recent.delete(cameraId);
  }

  /** Analysed frames per second over the last 5 s. */
  fps(cameraId: string): number {
    const r = this.#recent.get(cameraId);
    if (!r || r.length === 0) return 0;
    const now = this.#now();
    const inWindow = r.filter((t) => t >= now - 5000).length;
    const span = Math.min(5000, Math.max(1000, now - this.startedAt));
    return Math.round((inWindow / (span / 1000)) * 10) / 10;
  }

  /** Sum of the minute buckets within the last `ms`. */
  since(ms: number): CameraCounters {
    const from = Math.floor((this.#now() - ms) / MINUTE);
    const out = zero();
    for (const [minute, c] of this.#minutes) {
      if (minute < from) continue;
      for (const k of Object.keys(out) as Array<keyof CameraCounters>) out[k] += c[k];
    }
    return out;
  }

  #camera(id: string): CameraCounters {
    let c = this.#perCamera.get(id);
    if (!c) this.#perCamera.set(id, (c = zero()));
    return c;
  }

  #bucket(): CameraCounters {
    const minute = Math.floor(this.#now() / MINUTE);
    let b = this.#minutes.get(minute);
    if (!b) {
      this.#minutes.set(minute, (b = zero()));
      for (const k of this.#minutes.keys()) {
        if (k >= minute - KEEP_MINUTES) break;
        this.#minutes.delete(k);
      }
    }
    return b;
  }
}
