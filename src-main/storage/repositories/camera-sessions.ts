// One row per camera connection session: opened when the stream goes live, its statistics
// snapshot refreshed periodically, closed with a reason. Survives restarts for uptime/error history.
import { newId } from '../ids.ts';
import { readJson } from '../input-validation.ts';
import type { Connections } from './connections.ts';

export interface CameraSession {
  id: string;
  cameraId: string | null;
  state: string;
  startedAt: number;
  endedAt: number | null;
  lastFrameAt: number | null;
  endReason: string | null;
  stats: Record<string, unknown>;
  updatedAt: number;
}

interface SessionRow {
  id: string; camera_id: string | null; state: string; started_at: number; ended_at: number | null; last_frame_at: number | null;
  end_reason: string | null; stats_json: string; updated_at: number;
}

export class CameraSessionsRepository {
  readonly #insert;
  readonly #update;
  readonly #end;
  readonly #closeOpen;
  readonly #list;

  constructor(db: Connections) {
    this.#insert = db.writer.prepare('INSERT INTO camera_sessions (id, camera_id, state, started_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    this.#update = db.writer.prepare('UPDATE camera_sessions SET state = @state, stats_json = @stats, last_frame_at = coalesce(@lastFrameAt, last_frame_at), updated_at = @now WHERE id = @id');
    this.#end = db.writer.prepare('UPDATE camera_sessions SET state = @state, ended_at = @now, end_reason = @reason, stats_json = coalesce(@stats, stats_json), updated_at = @now WHERE id = @id AND ended_at IS NULL');
    this.#closeOpen = db.writer.prepare("UPDATE camera_sessions SET ended_at = updated_at, end_reason = @reason, state = 'stopped' WHERE ended_at IS NULL");
    this.#list = db.reader.prepare<[string, number], SessionRow>('SELECT * FROM camera_sessions WHERE camera_id = ? ORDER BY started_at DESC LIMIT ?');
  }

  start(cameraId: string, state = 'connecting', now = Date.now()): string {
    const id = newId('sess');
    this.#insert.run(id, cameraId, state, now, now);
    return id;
  }

  update(id: string, u: { state: string; stats: Record<string, unknown>; lastFrameAt?: number | null }, now = Date.now()): void {
    this.#update.run({ id, state: u.state, stats: JSON.stringify(u.stats), lastFrameAt: u.lastFrameAt ?? null, now });
  }

  end(id: string, reason: string, stats?: Record<string, unknown>, state = 'stopped', now = Date.now()): void {
    this.#end.run({ id, state, reason, stats: stats ? JSON.stringify(stats) : null, now });
  }

  /** On start-up: sessions left open by a crash end at their last update. Returns how many. */
  closeDangling(reason = 'host stopped unexpectedly'): number {
    return this.#closeOpen.run({ reason }).changes;
  }

  listForCamera(cameraId: string, limit = 50): CameraSession[] {
    return this.#list.all(cameraId, limit).map((r) => ({
      id: r.id, cameraId: r.camera_id, state: r.state, startedAt: r.started_at, endedAt: r.ended_at, lastFrameAt: r.last_frame_at,
      endReason: r.end_reason, stats: readJson<Record<string, unknown>>(r.stats_json) ?? {}, updatedAt: r.updated_at,
    }));
  }
}
