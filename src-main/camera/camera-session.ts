// One camera, supervised: connecting → live → error → (retry) connecting … → stopped.
// Owns the reader of the current connection, the frame ring (10, drop oldest), the live view, the
// statistics and the camera events. Every failure is contained here: one camera's trouble never
// reaches another camera's session.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CameraState } from '../../src-contract/camera-config.ts';
import { defaultFfmpegPath } from '../ffmpeg/resolve-ffmpeg.ts';
import { CpuMeter, readProcessCpuMs } from '../ffmpeg/process-cpu.ts';
import { Backoff } from '../core/backoff.ts';
import type { CameraConfig } from './camera-config.ts';
import { CameraError, isFatal, isSlowRetry, publicCode } from './camera-error.ts';
import { isoOrNull, newEventId, type CameraConnectionEvent, type CameraErrorEvent, type CameraEvent } from './camera-events.ts';
import type { CameraFrame } from './camera-frame.ts';
import { CameraCounters, type CameraSessionStats } from './camera-stats.ts';
import { detachFrame, FramePools, releaseFrame } from './frame-pool.ts';
import { FrameRing } from './frame-ring.ts';
import { LiveView, type LiveFormat } from './live-view.ts';
import { cameraSecretsOf, redactSourceForLog, redactStreamForLog } from './redact.ts';
import { createReader, usesFfmpeg, type CreateReaderOptions } from './readers/create-reader.ts';
import type { ReaderFrame, ReaderPlan, ReaderSink, SourceReader, StreamInfo } from './readers/source-reader.ts';

export interface SessionTimings {
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** ± fraction applied to each delay. */
  backoffJitter: number;
  /** Floor for retries after AUTH_FAILED / STREAM_NOT_FOUND / UNSUPPORTED: no tight loop on a wrong password. */
  slowRetryMs: number;
  /** Live this long → the backoff and the failure count start over. */
  healthyResetMs: number;
  statsIntervalMs: number;
  /** Overrides the camera's stall_timeout_ms (tests). */
  stallTimeoutMs?: number;
  /** From starting a connection to its first frame; default the source's timeout + 5 s (15 s without one). */
  connectTimeoutMs?: number;
}

export const DEFAULT_TIMINGS: SessionTimings = {
  backoffInitialMs: 1000,
  backoffMaxMs: 60_000,
  backoffJitter: 0.2,
  slowRetryMs: 60_000,
  healthyResetMs: 30_000,
  statsIntervalMs: 5000,
};

/** pino-compatible subset. */
export interface CameraLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CameraSessionOptions {
  /** ffmpeg binary; resolved with defaultFfmpegPath() on first need when absent. */
  ffmpegPath?: string | (() => string);
  timings?: Partial<SessionTimings>;
  ringCapacity?: number;
  /** Decoder threads per ffmpeg child (default 1). */
  decodeThreads?: number;
  logger?: CameraLogger;
  /** Makes the reader of each connection (default: the one for the source type); tests and other transports inject theirs. */
  createReader?: (o: CreateReaderOptions) => SourceReader;
}

type SessionEvents = {
  event: [CameraEvent];
  state: [CameraState, CameraState];
};

/** Live formats for a source type and codec. null codec = not yet known (first connection). */
export function liveFormatsFor(config: CameraConfig, codec: string | null): LiveFormat[] {
  const mode = config.live_view.mode;
  if (mode === 'off') return [];
  if (!usesFfmpeg(config.source)) return ['mjpeg']; // the camera's own JPEGs, passed through
  if (mode === 'mjpeg') return ['mjpeg'];
  // Unknown yet: network cameras and files are overwhelmingly H.264; local devices deliver raw/MJPEG.
  const c = codec ?? (config.source.type === 'usb' && config.source.input_format !== 'h264' ? 'rawvideo' : 'h264');
  if (c === 'h264') return ['fmp4'];
  // HEVC in fMP4 plays where the platform decodes it (Electron on Windows/macOS); JPEG for the rest.
  if (c === 'hevc') return ['fmp4', 'mjpeg'];
  return ['mjpeg'];
}

const sameFormats = (a: LiveFormat[], b: LiveFormat[]) => a.length === b.length && a.every((f) => b.includes(f));

export class CameraSession extends EventEmitter<SessionEvents> {
  readonly sessionId = `sess_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  readonly liveView: LiveView;
  private cfg: CameraConfig;
  private readonly timings: SessionTimings;
  private readonly ring: FrameRing<CameraFrame>;
  private readonly backoff: Backoff;
  private readonly secrets: string[];
  private st: CameraState;
  private reader: SourceReader | null = null;
  private generation = 0;
  private plan: ReaderPlan | null = null;
  private learnedCodec: string | null = null;
  private info: StreamInfo | null = null;
  private waiters: Array<(f: CameraFrame | null) => void> = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private healthyTimer: NodeJS.Timeout | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private readonly cpu = new CpuMeter(() => readProcessCpuMs(this.reader?.pid));
  private readonly n = new CameraCounters();
  private latest: CameraFrame | null = null;
  /** The camera's detection-frame buffers (ffmpeg readers), kept across reconnections. */
  private readonly pools = new FramePools();

  constructor(
    config: CameraConfig,
    private readonly options: CameraSessionOptions = {},
  ) {
    super();
    this.cfg = config;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.ring = new FrameRing(options.ringCapacity ?? 10);
    this.backoff = new Backoff({ initialMs: this.timings.backoffInitialMs, maxMs: this.timings.backoffMaxMs, jitter: this.timings.backoffJitter });
    this.secrets = cameraSecretsOf(config);
    this.liveView = new LiveView(config.id);
    this.st = config.enabled ? 'stopped' : 'disabled';
  }

  get cameraId(): string {
    return this.cfg.id;
  }

  get config(): CameraConfig {
    return this.cfg;
  }

  get state(): CameraState {
    return this.st;
  }

  get running(): boolean {
    return this.st === 'connecting' || this.st === 'live' || this.st === 'error';
  }

  /** PID of the camera's ffmpeg child, when its reader has one. */
  get pid(): number | undefined {
    return this.reader?.pid;
  }

  /** The source's stream as last seen (codec, native size, nominal rate). */
  get streamInfo(): StreamInfo | null {
    return this.info;
  }

  /** Applies changes that need no reconnection (name, role, thresholds). The manager restarts for the rest. */
  updateConfig(config: CameraConfig): void {
    if (config.id !== this.cfg.id) throw new Error('camera id cannot change');
    this.cfg = config;
  }

  start(): void {
    if (this.running) return;
    const now = Date.now();
    this.n.startedAt ??= now;
    this.n.markDown(now);
    this.n.consecutiveFailures = 0;
    this.backoff.reset();
    const stream = this.cfg.detection.detect_stream;
    this.log('info', { source: redactSourceForLog(this.cfg.source), ...(stream ? { detect_stream: redactStreamForLog(stream, this.cfg.source) } : {}) }, 'camera starting');
    this.statsTimer = setInterval(() => this.emitStats(), this.timings.statsIntervalMs);
    this.statsTimer.unref();
    this.connect();
  }

  stop(details = 'stopped'): void {
    if (!this.running) return;
    this.teardownConnection();
    this.clearTimer('retryTimer');
    this.clearTimer('statsTimer');
    this.n.closeDowntime(Date.now());
    this.n.nextRetryAt = null;
    this.setState(this.cfg.enabled ? 'stopped' : 'disabled');
    this.connectionEvent('stopped', null, details);
    this.log('info', { details }, 'camera stopped');
    for (const w of this.waiters.splice(0)) w(null);
  }

  /** Stops and drops every live-view subscriber (camera removed). */
  close(): void {
    this.stop('removed');
    this.liveView.close();
    for (let f = this.ring.shift(); f; f = this.ring.shift()) releaseFrame(f);
    this.ring.clear();
    releaseFrame(this.latest);
    this.latest = null;
    this.pools.close();
  }

  // ---- frames for the consumer: one queue, one way to take from it (nextFrame) ----

  /** Newest frame the camera delivered, taken or not (a still for a capture or an enrolment photo): a copy with its
   *  own pixels, the caller keeps it as long as it likes. */
  latestFrame(): CameraFrame | null {
    return this.latest && (this.latest.lease ? detachFrame(this.latest) : this.latest);
  }

  /** Buffer reuse of the camera's frames (null before the first pooled frame). */
  poolStats() {
    return this.pools.stats();
  }

  /**
   * Waits for the next frame; null when the session stops or `signal` aborts. A frame handed out counts as processed.
   * A pooled frame (`lease` set) is the caller's to give back: releaseFrame(frame) once done with its pixels
   * (forgetting it only costs the buffer's reuse).
   */
  nextFrame(signal?: AbortSignal): Promise<CameraFrame | null> {
    const f = this.ring.shift();
    if (f) {
      this.n.processed++;
      return Promise.resolve(f);
    }
    if (!this.running || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (frame: CameraFrame | null) => {
        signal?.removeEventListener('abort', onAbort);
        if (frame) this.n.processed++;
        resolve(frame);
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  // ---- statistics ----

  stats(): CameraSessionStats {
    return {
      session_id: this.sessionId,
      camera_id: this.cfg.id,
      state: this.st,
      ...this.n.snapshot({ now: Date.now(), perf: performance.now(), state: this.st, running: this.running, info: this.info, dropped: this.ring.dropped }),
      queue_depth: this.ring.size,
      live_formats: this.liveView.formats,
      live_subscribers: this.liveView.subscriberCount,
    };
  }

  // ---- supervision ----

  private connect(): void {
    this.n.attempt++;
    this.n.attemptStartedAt = Date.now();
    this.n.nextRetryAt = null;
    this.setState('connecting');
    this.connectionEvent('connecting', null, `connection attempt ${this.n.attempt}`);
    this.spawnReader();
  }

  private spawnReader(): void {
    const gen = ++this.generation;
    const live = liveFormatsFor(this.cfg, this.learnedCodec);
    this.plan = {
      fpsLimit: this.cfg.detection.fps_limit,
      detectWidth: this.cfg.detection.detect_width,
      live,
      mjpegFps: this.cfg.live_view.mjpeg_fps,
      mjpegWidth: this.cfg.live_view.mjpeg_width,
      ...(this.cfg.detection.detect_stream && usesFfmpeg(this.cfg.source) ? { detectStream: this.cfg.detection.detect_stream } : {}),
    };
    this.liveView.resetForConnection(live);
    this.cpu.reset();
    const ok = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => {
      if (gen === this.generation) fn(...a);
    };
    const sink: ReaderSink = {
      frame: (f: ReaderFrame) => {
        if (gen === this.generation) this.onFrame(f);
        else f.lease?.release(); // a late frame of a connection already torn down
      },
      info: ok((i: StreamInfo) => this.onInfo(i)),
      liveInit: ok((d: Buffer, mime: string, codec: string | null) => this.liveView.pushInit(d, mime, codec)),
      liveSegment: ok((d: Buffer, key: boolean, n: number) => this.liveView.pushSegment(d, key, n)),
      liveJpeg: ok((d: Buffer) => this.liveView.pushJpeg(d, Date.now())),
      received: ok((bytes: number, frames: number) => this.n.received(bytes, frames)),
      corrupt: ok((n: number, reason: string) => {
        this.n.corrupt(n);
        this.log('debug', { reason }, 'corrupt frame skipped');
      }),
      garbage: ok((bytes: number) => this.n.garbage(bytes)),
      log: ok((level: 'debug' | 'info' | 'warn', message: string) => this.log(level, {}, message)),
      ended: ok((err: CameraError) => this.onFailure(err)),
    };
    const connectMs = this.timings.connectTimeoutMs ?? ('timeout_ms' in this.cfg.source ? this.cfg.source.timeout_ms : 10_000) + 5000;
    this.clearTimer('connectTimer');
    this.connectTimer = setTimeout(() => {
      if (gen === this.generation && this.st === 'connecting') this.onFailure(new CameraError('TIMEOUT', `no frame within ${connectMs} ms of connecting`));
    }, connectMs);
    try {
      this.reader = (this.options.createReader ?? createReader)({
        source: this.cfg.source,
        plan: this.plan,
        sink,
        secrets: this.secrets,
        ffmpegPath: () => {
          const p = this.options.ffmpegPath;
          return typeof p === 'function' ? p() : p ?? defaultFfmpegPath();
        },
        decodeThreads: this.options.decodeThreads,
        pools: this.pools,
      });
      this.reader.start();
    } catch (err) {
      const e = err as Error & { code?: string };
      this.reader = null;
      queueMicrotask(() => {
        if (gen !== this.generation) return;
        this.onFailure(e.code === 'FFMPEG_NOT_FOUND' ? new CameraError('FFMPEG_NOT_FOUND', e.message) : new CameraError('INTERNAL', e.message));
      });
    }
  }

  private onInfo(info: StreamInfo): void {
    this.info = info;
    if (!usesFfmpeg(this.cfg.source) || !this.plan) return;
    const wanted = liveFormatsFor(this.cfg, info.codec);
    if (!sameFormats(wanted, this.plan.live)) {
      // The live output chosen before the codec was known does not fit: reopen once with the right
      // one (before any frame, so this is a renegotiation, not a failure).
      this.learnedCodec = info.codec;
      this.log('info', { codec: info.codec, live: wanted }, 'codec learned, reopening with the matching live view');
      this.reader?.stop();
      this.spawnReader();
    } else {
      this.learnedCodec = info.codec;
    }
  }

  private onFrame(f: ReaderFrame): void {
    const received = Date.now();
    if (this.st === 'connecting') this.becomeLive(received);
    this.stallTimer?.refresh();
    const latency = f.cameraTimestamp === null ? null : received - f.cameraTimestamp;
    const seq = this.n.frame(received, latency, f);
    const frame: CameraFrame = {
      frame_id: `${this.sessionId}-${seq}`,
      camera_id: this.cfg.id,
      seq,
      camera_timestamp: f.cameraTimestamp,
      received_timestamp: received,
      latency_ms: latency,
      media_time_s: f.mediaTimeS ?? null,
      width: f.width,
      height: f.height,
      channels: 3,
      format: 'rgb24',
      data: f.data,
    };
    const lease = f.lease;
    if (lease) {
      // Pooled pixels: `data` reads through the lease, so a holder that uses it after giving it back gets an error,
      // never another frame's pixels. The reader's reference goes with the frame; `latest` holds one more.
      Object.defineProperty(frame, 'data', { get: () => lease.data, enumerable: true, configurable: false });
      frame.lease = lease;
      lease.retain();
    }
    releaseFrame(this.latest);
    this.latest = frame;
    const waiter = this.waiters.shift();
    if (waiter) waiter(frame);
    else releaseFrame(this.ring.push(frame)); // when full, the oldest frame leaves untaken: the ring counts that drop
  }

  private becomeLive(now: number): void {
    this.clearTimer('connectTimer');
    this.n.establishedAt = now;
    this.n.closeDowntime(now);
    this.setState('live');
    this.connectionEvent('connected', now - this.n.attemptStartedAt, `${this.cfg.source.type} stream live${this.info ? ` (${this.info.codec} ${this.info.width}x${this.info.height})` : ''}`);
    const stallMs = this.timings.stallTimeoutMs ?? this.cfg.stall_timeout_ms;
    this.stallTimer = setTimeout(() => {
      const since = this.n.lastFrameAt === null ? stallMs : Date.now() - this.n.lastFrameAt;
      this.onFailure(new CameraError('STALLED', `no frame for ${since} ms`));
    }, stallMs);
    this.healthyTimer = setTimeout(() => {
      this.backoff.reset();
      this.n.consecutiveFailures = 0;
    }, this.timings.healthyResetMs);
  }

  private onFailure(err: CameraError): void {
    if (!this.running) return;
    if (err.code === 'STREAM_ENDED' && this.cfg.source.type === 'file' && !this.cfg.source.loop) {
      this.stop('end of file'); // a finished file is not a failure
      return;
    }
    const wasLive = this.st === 'live';
    this.teardownConnection();
    const now = Date.now();
    if (wasLive) {
      this.n.markDown(now);
      this.connectionEvent('disconnected', null, err.message);
    }
    this.n.lastError = err;
    this.n.errorCount++;
    this.n.consecutiveFailures++;
    this.log('warn', { code: err.code, attempt: this.n.attempt }, err.message);
    const max = this.cfg.max_retries;
    if (isFatal(err.code) || (max !== null && this.n.consecutiveFailures > max)) {
      this.setState('error');
      this.errorEvent(err, null);
      this.stop(isFatal(err.code) ? `cannot run: ${err.message}` : `gave up after ${this.n.consecutiveFailures} failed attempts`);
      return;
    }
    const delay = isSlowRetry(err.code) ? this.backoff.nextAtLeast(this.timings.slowRetryMs) : this.backoff.next();
    this.n.nextRetryAt = now + delay;
    this.setState('error');
    this.errorEvent(err, this.n.nextRetryAt);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.n.reconnections++;
      this.connect();
    }, delay);
  }

  private teardownConnection(): void {
    this.generation++; // late callbacks from the old reader are ignored
    this.reader?.stop();
    this.reader = null;
    this.clearTimer('connectTimer');
    this.clearTimer('stallTimer');
    this.clearTimer('healthyTimer');
  }

  private clearTimer(name: 'retryTimer' | 'connectTimer' | 'stallTimer' | 'healthyTimer' | 'statsTimer'): void {
    const t = this[name];
    if (t) {
      clearTimeout(t);
      this[name] = null;
    }
  }

  private setState(next: CameraState): void {
    const prev = this.st;
    if (prev === next) return;
    this.st = next;
    this.emit('state', next, prev);
  }

  // ---- events ----

  private base() {
    return {
      event_id: newEventId(),
      timestamp: new Date().toISOString(),
      camera_id: this.cfg.id,
      camera_name: this.cfg.name,
      session_id: this.sessionId,
      state: this.st,
    };
  }

  private connectionEvent(status: CameraConnectionEvent['status'], latencyMs: number | null, details: string): void {
    this.emit('event', { ...this.base(), event_type: 'camera_connection', status, connection_attempt: this.n.attempt, latency_ms: latencyMs, details });
  }

  private errorEvent(err: CameraError, nextRetryAt: number | null): void {
    const ev: CameraErrorEvent = {
      ...this.base(),
      event_type: 'camera_error',
      error: {
        code: publicCode(err.code),
        reason: err.code,
        message: err.message,
        last_frame_at: isoOrNull(this.n.lastFrameAt),
        reconnection_attempts: this.n.consecutiveFailures,
        next_retry_at: isoOrNull(nextRetryAt),
      },
    };
    this.emit('event', ev);
  }

  private emitStats(): void {
    this.n.cpuPercent = this.cpu.sample();
    this.emit('event', { ...this.base(), event_type: 'camera_stats', stats: this.stats() });
  }

  private log(level: 'debug' | 'info' | 'warn', obj: object, msg: string): void {
    this.options.logger?.[level]({ camera_id: this.cfg.id, ...obj }, msg);
  }
}
