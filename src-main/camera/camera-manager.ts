// All cameras of the host: add/update/remove/start/stop, one supervised CameraSession each, with
// their frames, events and statistics fanned in. Configs are validated here (the boundary).
import { EventEmitter } from 'node:events';
import type { CameraState } from '../../src-contract/camera-config.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { CameraConfig } from './camera-config.ts';
import type { CameraEvent } from './camera-events.ts';
import type { CameraFrame } from './camera-frame.ts';
import type { CameraSessionStats } from './camera-stats.ts';
import { CameraSession, type CameraSessionOptions } from './camera-session.ts';
import type { LiveView } from './live-view.ts';
import { parseCameraConfig } from './parse-camera-config.ts';

type ManagerEvents = {
  event: [CameraEvent];
  state: [{ camera_id: string; state: CameraState; previous: CameraState }];
};

/** Config parts whose change needs a new connection; the rest (name, role, thresholds) apply in place. */
function connectionKey(c: CameraConfig): string {
  return JSON.stringify([c.source, c.detection.fps_limit, c.detection.detect_width, c.detection.detect_stream ?? null, c.live_view, c.stall_timeout_ms, c.max_retries]);
}

export class CameraManager extends EventEmitter<ManagerEvents> {
  private readonly sessions = new Map<string, CameraSession>();

  constructor(private readonly options: CameraSessionOptions = {}) {
    super();
  }

  /** Validates and adds a camera; starts it when enabled. Throws INVALID_CONFIG or CONFLICT. */
  add(input: unknown): CameraSession {
    const config = parseCameraConfig(input);
    if (this.sessions.has(config.id)) throw new VigilError('CONFLICT', `camera ${config.id} already exists`, { field: 'id' });
    const session = new CameraSession(config, this.options);
    session.on('event', (e) => this.emit('event', e));
    session.on('state', (state, previous) => this.emit('state', { camera_id: config.id, state, previous }));
    this.sessions.set(config.id, session);
    if (config.enabled) session.start();
    return session;
  }

  /** Replaces a camera's config: in place when only metadata changed, otherwise with a new connection. */
  update(input: unknown): CameraSession {
    const config = parseCameraConfig(input);
    const current = this.get(config.id);
    if (connectionKey(current.config) === connectionKey(config) && current.config.enabled === config.enabled) {
      current.updateConfig(config);
      return current;
    }
    this.remove(config.id);
    return this.add(config);
  }

  remove(id: string): void {
    const s = this.get(id);
    s.close();
    s.removeAllListeners();
    this.sessions.delete(id);
  }

  start(id: string): void {
    this.get(id).start();
  }

  stop(id: string): void {
    this.get(id).stop();
  }

  /** Stops every camera (application shutdown); the sessions stay registered. */
  stopAll(): void {
    for (const s of this.sessions.values()) s.stop('shutdown');
  }

  /** Stops and forgets every camera. */
  close(): void {
    for (const id of [...this.sessions.keys()]) this.remove(id);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  get(id: string): CameraSession {
    const s = this.sessions.get(id);
    if (!s) throw new VigilError('NOT_FOUND', `no camera ${id}`);
    return s;
  }

  list(): CameraSession[] {
    return [...this.sessions.values()];
  }

  stats(id: string): CameraSessionStats {
    return this.get(id).stats();
  }

  allStats(): CameraSessionStats[] {
    return this.list().map((s) => s.stats());
  }

  liveView(id: string): LiveView {
    return this.get(id).liveView;
  }

  /** Newest frame of a camera (capture, enrolment still); null before the first. */
  latestFrame(id: string): CameraFrame | null {
    return this.get(id).latestFrame();
  }

  nextFrame(id: string, signal?: AbortSignal): Promise<CameraFrame | null> {
    return this.get(id).nextFrame(signal);
  }
}
