// settings.* and system.*: site settings (engine options switch the engine without stopping cameras), host and
// engine status, storage usage, and statistics (spec GET /statistics).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settings } from '../../../src-contract/schemas.ts';
import type { Handlers } from '../../core/dispatcher.ts';
import type { HostContext } from '../host-context.ts';

const PERIOD_MS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirBytes(p);
    else if (e.isFile()) total += (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

export interface SystemHooks {
  /** Applies changed engine settings (model options → new engine process; FAR → run-time config). */
  applySettings: (before: Settings, after: Settings) => void;
}

export function systemHandlers(ctx: HostContext, hooks: SystemHooks): Handlers {
  // Walking the snapshot tree is slow with many files: measure at most once a minute, in the background.
  let snapshotsBytes = 0;
  let measuredAt = 0;
  let measuring: Promise<void> | null = null;
  const measure = () => {
    if (measuring || Date.now() - measuredAt < 60_000) return;
    measuring = dirBytes(ctx.store.snapshots.root).then((n) => { snapshotsBytes = n; measuredAt = Date.now(); }).finally(() => { measuring = null; });
  };
  const reader = ctx.store.db.reader;
  const countEvents = reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM detection_events');
  const countPunches = reader.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM attendance_punches WHERE at >= ? AND at < ? AND voided_at IS NULL');
  const perCamera = reader.prepare<[number, number], { camera_id: string; decision: string; n: number }>(
    'SELECT camera_id, decision, count(*) AS n FROM detection_events WHERE started_at >= ? AND started_at < ? AND camera_id IS NOT NULL GROUP BY camera_id, decision',
  );

  return {
    'settings.get': () => ctx.store.settings.get(),
    'settings.update': async (patch, caller) => {
      const before = ctx.store.settings.get();
      const after = await ctx.store.write(() => ctx.store.settings.update(patch, caller.user?.username ?? caller.origin));
      hooks.applySettings(before, after);
      return after;
    },

    'system.status': async () => {
      measure();
      if (measuredAt === 0 && measuring) await measuring;
      const dbFile = ctx.store.db.path;
      const [db, wal] = await Promise.all([stat(dbFile).catch(() => ({ size: 0 })), stat(`${dbFile}-wal`).catch(() => ({ size: 0 }))]);
      const s = ctx.engine.stats();
      return {
        version: ctx.version,
        engine: {
          ready: ctx.engine.ready, restarts: s.restarts, providers: ctx.engineStatus.providers(),
          workers: s.workers.map((w) => ({ worker: w.worker, state: w.state, pid: w.pid, restarts: w.restarts, crashes: w.crashes, hangs: w.hangs, in_flight: w.inFlight, completed: w.completed, cameras: w.cameras, transport: w.transport })),
        },
        models: ctx.engineStatus.models(),
        storage: { database_bytes: db.size + wal.size, snapshots_bytes: snapshotsBytes, templates: ctx.store.templates.count(), events: countEvents.get()!.n },
      };
    },

    'system.statistics': ({ period }) => {
      const now = Date.now();
      const from = now - PERIOD_MS[period];
      const events = ctx.store.events.counts(from, now + 1);
      const frames = ctx.stats.since(PERIOD_MS[period]);
      const byCamera = new Map<string, { faces: number; recognized: number; unknown: number }>();
      for (const r of perCamera.all(from, now + 1)) {
        const c = byCamera.get(r.camera_id) ?? { faces: 0, recognized: 0, unknown: 0 };
        c.faces += r.n;
        if (r.decision === 'recognized') c.recognized += r.n;
        if (r.decision === 'unknown') c.unknown += r.n;
        byCamera.set(r.camera_id, c);
      }
      const ids = new Set([...ctx.cameras.ids(), ...byCamera.keys()]);
      return {
        period,
        frames_analysed: frames.frames_analysed,
        faces_detected: events.pending + events.recognized + events.unknown,
        recognized: events.recognized,
        unknown: events.unknown,
        attendance_records: countPunches.get(from, now + 1)!.n,
        avg_processing_ms: frames.frames_analysed ? Math.round((frames.processing_ms_sum / frames.frames_analysed) * 10) / 10 : null,
        dropped_frames: frames.frames_dropped,
        queue_depth: ctx.pipeline.queueDepth,
        skipped_static_frames: frames.frames_skipped_static,
        per_camera: [...ids].map((id) => {
          const c = byCamera.get(id) ?? { faces: 0, recognized: 0, unknown: 0 };
          return { camera_id: id, frames_analysed: ctx.stats.camera(id).frames_analysed, faces_detected: c.faces, recognized: c.recognized, unknown: c.unknown, fps: ctx.stats.fps(id) };
        }),
      };
    },
  };
}
