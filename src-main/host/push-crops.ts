// Face crops that process-frame returns (`return_snapshots`) are personal data like event snapshots: each gets a
// row (migration scope "push_crops") naming the matched person, so erasure deletes a person's crops and
// retention removes them after settings.retention_days (events for matched faces, unknown_snapshots otherwise).
import type Database from 'better-sqlite3';
import type { MigrationSet } from '../storage/migration-runner.ts';
import type { RetentionTask } from '../storage/retention.ts';
import type { HostStore } from '../storage/host-store.ts';

export const pushCropMigrations: MigrationSet = {
  scope: 'push_crops',
  migrations: [{
    version: 1,
    name: 'rows for process-frame face crops',
    up: `
CREATE TABLE push_crops (
  ref TEXT PRIMARY KEY,
  person_id TEXT,
  camera_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX push_crops_person ON push_crops(person_id) WHERE person_id IS NOT NULL;
CREATE INDEX push_crops_created ON push_crops(created_at);
`,
  }],
};

const DAY_MS = 86_400_000;

export class PushCrops {
  constructor(private readonly store: HostStore) {}

  /** Records a crop file written for a push frame (in the write queue, so it commits before the reply). */
  record(ref: string, personId: string | null, cameraId: string, at = Date.now()): Promise<void> {
    return this.store.write(() => {
      this.store.db.writer.prepare('INSERT OR REPLACE INTO push_crops (ref, person_id, camera_id, created_at) VALUES (?, ?, ?, ?)').run(ref, personId, cameraId, at);
    });
  }

  /** Erasure: removes the person's crop rows and queues their files for deletion. */
  erasePerson(personId: string): number {
    const w = this.store.db.writer;
    return w.transaction(() => {
      const refs = w.prepare<[string], { ref: string }>('SELECT ref FROM push_crops WHERE person_id = ?').all(personId).map((r) => r.ref);
      w.prepare('DELETE FROM push_crops WHERE person_id = ?').run(personId);
      this.store.fileDeletions.enqueue(refs, 'erasure: process-frame face crop');
      return refs.length;
    })();
  }
}

export function pushCropRetentionTask(): RetentionTask {
  return {
    name: 'push_crops',
    runBatch: ({ db, now, settings, limit, deleteFiles }) => {
      const matched = now - settings.retention_days.events * DAY_MS;
      const unknown = now - settings.retention_days.unknown_snapshots * DAY_MS;
      const rows = (db as Database.Database).prepare<[number, number, number], { ref: string }>(
        `SELECT ref FROM push_crops WHERE (person_id IS NOT NULL AND created_at < ?) OR (person_id IS NULL AND created_at < ?) ORDER BY created_at LIMIT ?`,
      ).all(matched, unknown, limit);
      const del = db.prepare('DELETE FROM push_crops WHERE ref = ?');
      for (const r of rows) del.run(r.ref);
      deleteFiles(rows.map((r) => r.ref), 'retention: process-frame face crop');
      return rows.length;
    },
  };
}
