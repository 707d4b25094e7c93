// Session statistics of one camera connection. A superset of the contract's
// CameraStats (src-contract/schemas.ts): the host can hand `stats()` to the UI as is.
import type { CameraState } from '../../src-contract/camera-config.ts';
import { round2 } from '../../src-engine/public.ts';
import type { CameraError, CameraErrorCode } from './camera-error.ts';
import { isoOrNull } from './camera-events.ts';
import type { LiveFormat } from './live-view.ts';
import { RateWindow } from './rate-window.ts';
import type { StreamInfo } from './readers/source-reader.ts';

export interface CameraSessionStats {
  session_id: string;
  camera_id: string;
  state: CameraState;
  started_at: string | null;
  established_at: string | null;
  last_frame_at: string | null;
  next_retry_at: string | null;
  // --- contract CameraStats
  /** Detection frames per second delivered over the last 5 s. */
  fps: number;
  /** Source frames seen (compressed frames when the reader can count them, else decoded frames). */
  frames_captured: number;
  frames_processed: number;
  /** Frames lost after capture: ring overflow (consumer too slow). */
  frames_dropped: number;
  /** Recent average of received − camera time; null when the source sends no time. */
  avg_latency_ms: number | null;
  reconnections: number;
  /** Time not live since start (connecting, error), ms. */
  downtime_ms: number;
  /** Compressed video bandwidth over the last 5 s; null when the reader cannot see it. */
  bandwidth_kbps: number | null;
  last_error: string | null;
  // --- more
  /** Detection frames put into the ring. */
  frames_queued: number;
  /** Frames that arrived damaged and were skipped (bad JPEGs, decoder errors). */
  frames_corrupt: number;
  /** Bytes skipped outside frames (noise, partial frames at join). */
  garbage_bytes: number;
  queue_depth: number;
  /** The source's own frame rate (nominal, or measured for push sources). */
  source_fps: number | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  detect_width: number | null;
  detect_height: number | null;
  error_count: number;
  last_error_code: CameraErrorCode | null;
  consecutive_failures: number;
  /** CPU of the camera's ffmpeg process, % of one core; null for in-process readers or off Linux. */
  cpu_percent: number | null;
  live_formats: LiveFormat[];
  live_subscribers: number;
}

/**
 * The counters of one camera session: connection attempts and failures, downtime, frames and bytes in, latency,
 * rates. The session tells it what happened; `snapshot()` reads it out. Frames dropped are not counted here: the
 * frame ring that drops them is the one count (`FrameRing.dropped`), passed in.
 */
export class CameraCounters {
  attempt = 0;
  reconnections = 0;
  errorCount = 0;
  consecutiveFailures = 0;
  startedAt: number | null = null;
  establishedAt: number | null = null;
  attemptStartedAt = 0;
  lastFrameAt: number | null = null;
  nextRetryAt: number | null = null;
  lastError: CameraError | null = null;
  /** Frames delivered to the ring or a waiting consumer (their sequence numbers). */
  seq = 0;
  processed = 0;
  queued = 0;
  cpuPercent: number | null = null;
  detectSize: { width: number; height: number } | null = null;
  #downSince: number | null = null;
  #downtimeMs = 0;
  #sourceFrames = 0;
  #corrupt = 0;
  #garbageBytes = 0;
  #latencyAvg: number | null = null;
  #sawBytes = false;
  readonly #fps = new RateWindow();
  readonly #sourceFps = new RateWindow();
  readonly #bytes = new RateWindow();

  /** Not live from `now` on (starting, or a live connection failed). */
  markDown(now: number): void {
    this.#downSince = now;
  }

  /** Live again (or stopped): the time down so far is added up. */
  closeDowntime(now: number): void {
    if (this.#downSince !== null) {
      this.#downtimeMs += now - this.#downSince;
      this.#downSince = null;
    }
  }

  /** Compressed bytes and source frames that arrived. */
  received(bytes: number, frames: number, now = performance.now()): void {
    this.#sawBytes = true;
    this.#bytes.add(bytes, now);
    if (frames > 0) {
      this.#sourceFrames += frames;
      this.#sourceFps.add(frames, now);
    }
  }

  corrupt(n: number): void {
    this.#corrupt += n;
  }

  garbage(bytes: number): void {
    this.#garbageBytes += bytes;
  }

  /** A decoded frame was delivered at `received` (epoch ms); returns its sequence number. */
  frame(received: number, latencyMs: number | null, size: { width: number; height: number }): number {
    this.lastFrameAt = received;
    this.detectSize ??= { width: size.width, height: size.height };
    if (latencyMs !== null) this.#latencyAvg = this.#latencyAvg === null ? latencyMs : this.#latencyAvg + 0.1 * (latencyMs - this.#latencyAvg);
    this.#fps.add(1);
    this.queued++;
    return ++this.seq;
  }

  snapshot(at: { now: number; perf: number; state: CameraState; running: boolean; info: StreamInfo | null; dropped: number }) {
    const { now, perf, state, info } = at;
    const down = this.#downSince !== null && at.running ? now - this.#downSince : 0;
    return {
      started_at: isoOrNull(this.startedAt),
      established_at: isoOrNull(this.establishedAt),
      last_frame_at: isoOrNull(this.lastFrameAt),
      next_retry_at: state === 'error' ? isoOrNull(this.nextRetryAt) : null,
      fps: round2(state === 'live' ? this.#fps.rate(perf) : 0),
      frames_captured: Math.max(this.#sourceFrames, this.seq),
      frames_processed: this.processed,
      frames_dropped: at.dropped,
      avg_latency_ms: this.#latencyAvg === null ? null : Math.round(this.#latencyAvg),
      reconnections: this.reconnections,
      downtime_ms: this.#downtimeMs + down,
      bandwidth_kbps: this.#sawBytes ? Math.round((this.#bytes.rate(perf) * 8) / 1000) : null,
      last_error: this.lastError?.message ?? null,
      frames_queued: this.queued,
      frames_corrupt: this.#corrupt,
      garbage_bytes: this.#garbageBytes,
      source_fps: info?.fps ?? (this.#sourceFrames > 0 && state === 'live' ? round2(this.#sourceFps.rate(perf)) : null),
      codec: info?.codec ?? null,
      width: info?.width ?? null,
      height: info?.height ?? null,
      detect_width: this.detectSize?.width ?? null,
      detect_height: this.detectSize?.height ?? null,
      error_count: this.errorCount,
      last_error_code: this.lastError?.code ?? null,
      consecutive_failures: this.consecutiveFailures,
      cpu_percent: this.cpuPercent === null ? null : round2(this.cpuPercent),
    } satisfies Partial<CameraSessionStats>;
  }
}
