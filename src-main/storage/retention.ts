// Retention: deletes rows older than the configured days and the files they reference. Rows go in small
// transactions through the write queue (so camera events keep flowing); their files are recorded in
// pending_file_deletions in the same transaction and unlinked afterwards, so a crash midway resumes on restart.
import { unlink } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import type { Settings } from '../../src-contract/schemas.ts';
import { resolveInDataDir } from './data-paths.ts';
import type { FileDeletionsRepository } from './repositories/file-deletions.ts';
import type { WriteQueue } from './write-queue.ts';

const DAY_MS = 86_400_000;

/** Another module's retention rule (e.g. the audit log), run in the same pass. Runs inside a write transaction. */
export interface RetentionTask {
  name: string;
  /** Deletes at most `limit` rows older than the cutoff it derives from settings; returns how many rows it removed. */
  runBatch(ctx: { db: Database.Database; now: number; settings: Settings; limit: number; deleteFiles: (paths: Array<string | null>, reason: string) => void }): number;
}

export interface RetentionReport {
  rows: Record<string, number>;
  filesDeleted: number;
  filesFailed: number;
  ms: number;
}

export interface RetentionDeps {
  dataDir: string;
  writer: Database.Database;
  queue: WriteQueue;
  fileDeletions: FileDeletionsRepository;
  settings: () => Settings;
  batchSize?: number;
  onError?: (err: unknown) => void;
}

export class RetentionJob {
  readonly #d: RetentionDeps;
  readonly #tasks: RetentionTask[];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<RetentionReport> | null = null;

  constructor(deps: RetentionDeps) {
    this.#d = deps;
    this.#tasks = coreTasks();
  }

  register(task: RetentionTask): void {
    if (this.#tasks.some((t) => t.name === task.name)) throw new Error(`retention task "${task.name}" registered twice`);
    this.#tasks.push(task);
  }

  /** One full pass. Concurrent calls share the pass in progress. */
  run(now = Date.now()): Promise<RetentionReport> {
    this.#running ??= this.#pass(now).finally(() => { this.#running = null; });
    return this.#running;
  }

  /** Runs a pass now and then every `intervalMs` (errors go to onError, the timer keeps going). */
  start(intervalMs = 3_600_000): void {
    this.stop();
    const tick = () => { this.run().catch((err: unknown) => this.#d.onError?.(err)); };
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Waits for a pass in progress (used on close). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** Unlinks files recorded for deletion (start-up resume and end of each pass). */
  async drainDeletions(limit = 500): Promise<{ deleted: number; failed: number }> {
    let deleted = 0;
    let failed = 0;
    const seenFailing = new Set<string>();
    for (;;) {
      const batch = this.#d.fileDeletions.next(limit).filter((p) => !seenFailing.has(p.path));
      if (batch.length === 0) break;
      const outcomes = await Promise.all(batch.map(async (p) => {
        try {
          await unlink(resolveInDataDir(this.#d.dataDir, p.path));
          return { path: p.path, error: null };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          return { path: p.path, error: code === 'ENOENT' ? null : (err as Error).message };
        }
      }));
      await this.#d.queue.run(() => {
        for (const o of outcomes) {
          if (o.error === null) this.#d.fileDeletions.markDone(o.path);
          else this.#d.fileDeletions.markFailed(o.path, o.error);
        }
      });
      for (const o of outcomes) {
        if (o.error === null) deleted++;
        else { failed++; seenFailing.add(o.path); }
      }
    }
    return { deleted, failed };
  }

  async #pass(now: number): Promise<RetentionReport> {
    const t0 = performance.now();
    const settings = this.#d.settings();
    const limit = this.#d.batchSize ?? 2000;
    const rows: Record<string, number> = {};
    for (const task of this.#tasks) {
      rows[task.name] = 0;
      for (;;) {
        const n = await this.#d.queue.run(() => task.runBatch({
          db: this.#d.writer, now, settings, limit,
          deleteFiles: (paths, reason) => { this.#d.fileDeletions.enqueue(paths, reason, now); },
        }));
        rows[task.name] += n;
        if (n < limit) break;
      }
    }
    const files = await this.drainDeletions();
    return { rows, filesDeleted: files.deleted, filesFailed: files.failed, ms: performance.now() - t0 };
  }
}

interface SnapRow { id: string; face_snapshot: string | null; frame_snapshot: string | null }

/** Snapshot files still used as a template's source image are kept (a correction may have enrolled them). */
function unreferenced(db: Database.Database, paths: Array<string | null>): Array<string | null> {
  const used = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM face_templates WHERE source_path = ?');
  return paths.filter((p) => p !== null && used.get(p)!.n === 0);
}

function coreTasks(): RetentionTask[] {
  return [
    {
      // Unknown faces first: their pictures go after retention_days.unknown_snapshots; the row stays for statistics.
      name: 'unknown_snapshots',
      runBatch({ db, now, settings, limit, deleteFiles }) {
        const cutoff = now - settings.retention_days.unknown_snapshots * DAY_MS;
        const rows = db.prepare<[number, number], SnapRow>(
          `SELECT id, face_snapshot, frame_snapshot FROM detection_events WHERE decision = 'unknown' AND started_at < ?
           AND (face_snapshot IS NOT NULL OR frame_snapshot IS NOT NULL) ORDER BY started_at LIMIT ?`,
        ).all(cutoff, limit);
        const clear = db.prepare('UPDATE detection_events SET face_snapshot = NULL, frame_snapshot = NULL WHERE id = ?');
        for (const r of rows) clear.run(r.id);
        deleteFiles(unreferenced(db, rows.flatMap((r) => [r.face_snapshot, r.frame_snapshot])), 'retention: unknown-face snapshot');
        return rows.length;
      },
    },
    {
      name: 'events',
      runBatch({ db, now, settings, limit, deleteFiles }) {
        const cutoff = now - settings.retention_days.events * DAY_MS;
        const rows = db.prepare<[number, number], SnapRow>(
          'SELECT id, face_snapshot, frame_snapshot FROM detection_events WHERE started_at < ? ORDER BY started_at LIMIT ?',
        ).all(cutoff, limit);
        deleteFiles(unreferenced(db, rows.flatMap((r) => [r.face_snapshot, r.frame_snapshot])), 'retention: event');
        const del = db.prepare('DELETE FROM detection_events WHERE id = ?');
        for (const r of rows) del.run(r.id);
        return rows.length;
      },
    },
    {
      name: 'event_log',
      runBatch({ db, now, settings, limit }) {
        const cutoff = now - settings.retention_days.events * DAY_MS;
        return db.prepare('DELETE FROM event_log WHERE seq IN (SELECT seq FROM event_log WHERE at < ? ORDER BY seq LIMIT ?)').run(cutoff, limit).changes;
      },
    },
    {
      name: 'camera_sessions',
      runBatch({ db, now, settings, limit }) {
        const cutoff = now - settings.retention_days.events * DAY_MS;
        return db.prepare('DELETE FROM camera_sessions WHERE id IN (SELECT id FROM camera_sessions WHERE ended_at IS NOT NULL AND ended_at < ? LIMIT ?)').run(cutoff, limit).changes;
      },
    },
  ];
}
