// The host's cameras: the stored registry (src-main/storage), the running sessions (src-main/camera) and the
// recognition pipeline, kept consistent. Frames are pulled from each session (nextFrame) and offered to the
// pipeline; state changes and periodic statistics go to the `cameras.status` topic, the event log and the
// camera_sessions table.
import type { Logger } from 'pino';
import type { CameraConfig, CameraState } from '../../src-contract/camera-config.ts';
import { redactSource, splitStreamSecrets } from '../../src-contract/camera-config.ts';
import type { CameraView, CameraStats } from '../../src-contract/schemas.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { CameraManager } from '../camera/camera-manager.ts';
import type { CameraEvent } from '../camera/camera-events.ts';
import type { CameraSessionStats } from '../camera/camera-stats.ts';
import type { CameraFrame } from '../camera/camera-frame.ts';
import { releaseFrame } from '../camera/frame-pool.ts';
import { SessionStatsWriter } from './session-stats-writer.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { CameraCreateInput, CameraPatch } from '../storage/repositories/cameras.ts';
import type { RecognitionPipeline } from '../pipeline/recognition-pipeline.ts';
import type { TopicBus } from '../core/topic-bus.ts';

export interface CameraServiceDeps {
  store: HostStore;
  manager: CameraManager;
  pipeline: RecognitionPipeline;
  bus: TopicBus;
  logger: Logger;
  /** How often the cameras' latest session statistics are written (ms; default STATS_FLUSH_MS, session-stats-writer.ts). */
  statsFlushMs?: number;
}

const EMPTY_STATS: CameraStats = {
  fps: 0, frames_captured: 0, frames_processed: 0, frames_dropped: 0, avg_latency_ms: null, reconnections: 0, downtime_ms: 0,
  bandwidth_kbps: null, last_error: null,
};

export class CameraService {
  readonly #d: CameraServiceDeps;
  /** Cached configs (with secrets) of the cameras the pipeline may see frames from. */
  readonly #configs = new Map<string, CameraConfig>();
  readonly #loops = new Map<string, AbortController>();
  /** Open camera_sessions row per camera session id. */
  readonly #sessionRows = new Map<string, string>();
  /** Sessions' periodic statistics, all cameras in one transaction per interval. */
  readonly #statsWriter: SessionStatsWriter;
  #closed = false;

  constructor(deps: CameraServiceDeps) {
    this.#d = deps;
    this.#statsWriter = new SessionStatsWriter(deps.store, {
      intervalMs: deps.statsFlushMs,
      onError: (err) => deps.logger.warn({ event_type: 'camera_stats_failed', err }, 'camera statistics not written'),
    });
    deps.manager.on('state', (s) => this.#onState(s.camera_id, s.state));
    deps.manager.on('event', (e) => this.#onCameraEvent(e));
  }

  /** Starts every stored camera (enabled ones connect). */
  startAll(): void {
    for (const rec of this.#d.store.cameras.list()) {
      try {
        this.#run(this.#d.store.cameras.getWithSecret(rec.config.id));
      } catch (err) {
        this.#d.logger.error({ event_type: 'camera_start_failed', camera_id: rec.config.id, err: (err as Error).message }, 'stored camera could not start');
      }
    }
  }

  config(id: string): CameraConfig | null {
    return this.#configs.get(id) ?? null;
  }

  ids(): string[] {
    return [...this.#configs.keys()];
  }

  count(): number {
    return this.#configs.size;
  }

  list(): CameraView[] {
    return this.#d.store.cameras.list().map((r) => this.#view(r.config, r.hasPassword));
  }

  get(id: string): CameraView {
    const rec = this.#d.store.cameras.get(id);
    if (!rec) throw new VigilError('NOT_FOUND', `no camera ${id}`);
    return this.#view(rec.config, rec.hasPassword);
  }

  async create(input: CameraCreateInput): Promise<CameraView> {
    const { store } = this.#d;
    if (input.id && store.cameras.get(input.id)) throw new VigilError('CONFLICT', `camera ${input.id} already exists`, { field: 'id' });
    const rec = await store.write(() => store.cameras.create(input));
    this.#run(store.cameras.getWithSecret(rec.config.id));
    return this.get(rec.config.id);
  }

  async update(id: string, patch: CameraPatch): Promise<CameraView> {
    const { store, manager } = this.#d;
    await store.write(() => store.cameras.update(id, patch));
    const config = store.cameras.getWithSecret(id);
    this.#configs.set(id, config);
    if (manager.has(id)) manager.update(config);
    else this.#run(config);
    if (!config.enabled) this.#d.pipeline.cameraStopped(id);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const { store, manager } = this.#d;
    if (!store.cameras.get(id)) throw new VigilError('NOT_FOUND', `no camera ${id}`);
    this.#loops.get(id)?.abort();
    this.#loops.delete(id);
    if (manager.has(id)) manager.remove(id);
    this.#configs.delete(id);
    this.#d.pipeline.removeCamera(id);
    await store.write(() => store.cameras.remove(id));
  }

  /** Starts or stops a camera's detection (its stream) and remembers the choice. */
  async setDetection(id: string, running: boolean): Promise<CameraView> {
    return this.update(id, { enabled: running });
  }

  /** The stored password of a camera, for testing an edited config without retyping it. */
  storedSource(id: string): CameraConfig['source'] | null {
    try {
      return this.#d.store.cameras.getWithSecret(id).source;
    } catch {
      return null;
    }
  }

  /** Newest frame a camera delivered (a capture), analysed or not; null when it has none. */
  latestFrame(id: string): CameraFrame | null {
    return this.#d.manager.has(id) ? this.#d.manager.latestFrame(id) : null;
  }

  stats(id: string): CameraSessionStats | null {
    return this.#d.manager.has(id) ? this.#d.manager.stats(id) : null;
  }

  state(id: string): CameraState {
    const c = this.#configs.get(id);
    if (c && !c.enabled) return 'disabled';
    return this.#d.manager.has(id) ? this.#d.manager.get(id).stats().state : 'stopped';
  }

  /** Stops every camera (shutdown); frames stop flowing into the pipeline. */
  stopAll(): void {
    this.#closed = true;
    for (const c of this.#loops.values()) c.abort();
    this.#loops.clear();
    void this.#statsWriter.close();
    this.#d.manager.stopAll();
    for (const [sessionId, rowId] of this.#sessionRows) {
      void this.#d.store.write(() => this.#d.store.sessions.end(rowId, 'host shutdown')).catch(() => {});
      this.#sessionRows.delete(sessionId);
    }
  }

  // ---- internals

  #run(config: CameraConfig): void {
    this.#configs.set(config.id, config);
    if (!this.#d.manager.has(config.id)) this.#d.manager.add(config);
    if (config.enabled) this.#pull(config.id);
  }

  /** Pull loop: each frame the session decodes goes to the pipeline; ends when the session stops. */
  #pull(id: string): void {
    if (this.#loops.has(id) || this.#closed) return;
    const ctrl = new AbortController();
    this.#loops.set(id, ctrl);
    void (async () => {
      try {
        while (!ctrl.signal.aborted && this.#d.manager.has(id)) {
          const frame = await this.#d.manager.nextFrame(id, ctrl.signal);
          if (!frame) break;
          try {
            this.#d.pipeline.offerCameraFrame(frame);
          } finally {
            releaseFrame(frame); // the pipeline holds what it keeps (queued jobs)
          }
        }
      } catch (err) {
        this.#d.logger.error({ event_type: 'camera_intake_failed', camera_id: id, err: (err as Error).message }, 'camera frame intake stopped');
      } finally {
        if (this.#loops.get(id) === ctrl) {
          this.#loops.delete(id);
          // The session was replaced (config change) while this loop waited on the old one: follow the new one.
          const state = this.#d.manager.has(id) ? this.#d.manager.get(id).stats().state : 'stopped';
          if (!ctrl.signal.aborted && (state === 'connecting' || state === 'live')) setTimeout(() => this.#pull(id), 100).unref();
        }
      }
    })();
  }

  #onState(id: string, state: CameraState): void {
    if (state === 'connecting' || state === 'live') this.#pull(id);
    if (state === 'stopped' || state === 'error' || state === 'disabled') this.#d.pipeline.cameraStopped(id);
    this.#publishStatus(id);
  }

  #publishStatus(id: string): void {
    if (!this.#configs.has(id)) return;
    const st = this.stats(id);
    this.#d.bus.publish('cameras.status', {
      camera_id: id, state: this.state(id), next_retry_at: st?.next_retry_at ?? null,
      stats: this.#statsOf(id, st), last_error: st?.last_error ?? null,
    });
  }

  #onCameraEvent(e: CameraEvent): void {
    const { store, logger } = this.#d;
    if (e.event_type === 'camera_stats') {
      const row = this.#sessionRows.get(e.session_id);
      if (row) this.#statsWriter.note(row, { state: e.state, stats: { ...e.stats }, lastFrameAt: e.stats.last_frame_at ? Date.parse(e.stats.last_frame_at) : null });
      this.#publishStatus(e.camera_id);
      return;
    }
    const at = Date.parse(e.timestamp);
    if (e.event_type === 'camera_connection') {
      if (e.status === 'connected' && !this.#sessionRows.has(e.session_id)) {
        void store.write(() => store.sessions.start(e.camera_id, 'live', at)).then((rowId) => this.#sessionRows.set(e.session_id, rowId)).catch(() => {});
      } else if ((e.status === 'stopped' || e.status === 'disconnected') && this.#sessionRows.has(e.session_id)) {
        const rowId = this.#sessionRows.get(e.session_id)!;
        this.#sessionRows.delete(e.session_id);
        this.#statsWriter.forget(rowId); // the end row carries the last values
        const stats = this.stats(e.camera_id);
        void store.write(() => store.sessions.end(rowId, e.details, stats ? { ...stats } : undefined, e.state, at)).catch(() => {});
      }
    }
    const { event_type: type, event_id: _id, timestamp: _t, camera_id: cameraId, camera_name: cameraName, ...payload } = e;
    const severity = e.event_type === 'camera_error' ? 'warning' : 'info';
    const message = e.event_type === 'camera_error' ? e.error.message : e.details;
    void store.write(() => store.eventLog.append({ type, severity, at, cameraId: this.#configs.has(cameraId) ? cameraId : null, cameraName, message, payload: payload as Record<string, unknown> }))
      .catch((err: unknown) => logger.warn({ event_type: 'event_log_failed', err }, 'camera event not logged'));
  }

  #statsOf(id: string, st: CameraSessionStats | null): CameraStats {
    if (!st) return { ...EMPTY_STATS, frames_dropped: this.#d.pipeline.scheduler.droppedFor(id) };
    return {
      fps: st.fps, frames_captured: st.frames_captured, frames_processed: st.frames_processed,
      // Frames lost in the camera's ring plus frames the scheduler shed or the engine could not analyse.
      frames_dropped: st.frames_dropped + this.#d.pipeline.scheduler.droppedFor(id),
      avg_latency_ms: st.avg_latency_ms, reconnections: st.reconnections, downtime_ms: st.downtime_ms,
      bandwidth_kbps: st.bandwidth_kbps, last_error: st.last_error,
      frames_skipped_static: this.#d.pipeline.workCounters(id)?.skipped_static ?? 0,
    };
  }

  #view(config: CameraConfig, hasPassword: boolean): CameraView {
    const st = this.stats(config.id);
    const source = { ...redactSource(config.source), ...('username' in config.source ? { has_password: hasPassword } : {}) };
    // The stored detect stream holds placeholders already; redacting again keeps a view secret-free whatever fed it.
    const stream = config.detection.detect_stream;
    const detection = stream ? { ...config.detection, detect_stream: splitStreamSecrets(stream, config.source).stream } : config.detection;
    const formats = st?.live_formats ?? [];
    return {
      ...config, source, detection, state: this.state(config.id), next_retry_at: st?.next_retry_at ?? null,
      stats: this.#statsOf(config.id, st), live_view: config.live_view,
      live_transport: config.live_view.mode === 'off' ? 'none' : formats.includes('fmp4') ? 'fmp4' : formats.includes('mjpeg') ? 'mjpeg' : 'none',
    } as CameraView;
  }
}
