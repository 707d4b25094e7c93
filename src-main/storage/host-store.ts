// Everything the host persists, opened for one data directory in one call:
//   const store = await openStore(dataDir, { keyProvider });
//   await store.write(() => store.events.insertPending(...));   // acknowledged = committed
//   store.events.list({ cameraId })                              // reads on the read-only connection
//   await store.close();
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import type { KeyProvider } from '../security/key-provider.ts';
import { openDatabase, type DatabaseHandle, type Durability } from './database.ts';
import type { MigrationSet } from './migration-runner.ts';
import { coreMigrations } from './migrations/index.ts';
import { AttendanceRepository } from './repositories/attendance.ts';
import { CameraSessionsRepository } from './repositories/camera-sessions.ts';
import { CamerasRepository } from './repositories/cameras.ts';
import { DetectionEventsRepository } from './repositories/detection-events.ts';
import { EventLogRepository } from './repositories/event-log.ts';
import { FaceTemplatesRepository } from './repositories/face-templates.ts';
import { FileDeletionsRepository } from './repositories/file-deletions.ts';
import { PersonsRepository } from './repositories/persons.ts';
import { SettingsRepository } from './repositories/settings.ts';
import { ShiftsRepository } from './repositories/shifts.ts';
import { RetentionJob } from './retention.ts';
import { SiteSettings } from './site-settings.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { WriteQueue } from './write-queue.ts';

export interface OpenStoreOptions {
  /** Seals camera passwords and other secrets. Default: a key file at <dataDir>/keys/secrets.key (mode 0600). */
  keyProvider?: KeyProvider;
  /** Other modules' tables (e.g. the API layer's users/audit), applied after the core schema. */
  migrations?: readonly MigrationSet[];
  durability?: Durability;
  logger?: Logger;
  /** Most operations per write transaction. */
  maxBatch?: number;
}

export interface HostStore {
  readonly dataDir: string;
  readonly db: DatabaseHandle;
  readonly queue: WriteQueue;
  readonly keyProvider: KeyProvider;
  readonly cameras: CamerasRepository;
  readonly persons: PersonsRepository;
  readonly templates: FaceTemplatesRepository;
  readonly events: DetectionEventsRepository;
  readonly attendance: AttendanceRepository;
  readonly shifts: ShiftsRepository;
  readonly sessions: CameraSessionsRepository;
  readonly eventLog: EventLogRepository;
  readonly settingsRepo: SettingsRepository;
  readonly settings: SiteSettings;
  readonly fileDeletions: FileDeletionsRepository;
  readonly snapshots: SnapshotStore;
  readonly retention: RetentionJob;
  /** Runs synchronous repository writes in the next batched transaction; resolves once committed. */
  write<T>(fn: () => T): Promise<T>;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'vigil.sqlite';

export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<HostStore> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = options.logger;
  const keyProvider = options.keyProvider ?? FileKeyProvider.open(join(dataDir, 'keys', 'secrets.key'));
  const db = openDatabase(join(dataDir, DATABASE_FILE), { migrations: [coreMigrations, ...(options.migrations ?? [])], durability: options.durability });
  for (const m of db.migrationsApplied) log?.info({ event_type: 'migration_applied', scope: m.scope, version: m.version, name: m.name }, 'database migration applied');
  const conn = { writer: db.writer, reader: db.reader };
  const queue = new WriteQueue(db.writer, {
    maxBatch: options.maxBatch,
    onCommit: ({ size, ms }) => { if (ms > 200) log?.warn({ event_type: 'slow_commit', batch: size, commit_ms: ms }, 'slow database commit'); },
  });
  const settingsRepo = new SettingsRepository(conn, (key, err) => log?.warn({ event_type: 'invalid_setting', key, err }, 'stored setting no longer valid; using default'));
  const settings = new SiteSettings(settingsRepo);
  const fileDeletions = new FileDeletionsRepository(conn);
  const snapshots = new SnapshotStore(dataDir);
  const retention = new RetentionJob({
    dataDir, writer: db.writer, queue, fileDeletions, settings: () => settings.get(),
    onError: (err) => log?.error({ event_type: 'retention_failed', err }, 'retention pass failed'),
  });
  const sessions = new CameraSessionsRepository(conn);
  sessions.closeDangling();

  const store: HostStore = {
    dataDir, db, queue, keyProvider, settingsRepo, settings, fileDeletions, snapshots, retention, sessions,
    cameras: new CamerasRepository(conn, keyProvider),
    persons: new PersonsRepository(conn),
    templates: new FaceTemplatesRepository(conn),
    events: new DetectionEventsRepository(conn, fileDeletions),
    attendance: new AttendanceRepository(conn),
    shifts: new ShiftsRepository(conn),
    eventLog: new EventLogRepository(conn),
    write: (fn) => queue.run(fn),
    async close() {
      retention.stop();
      await retention.idle();
      queue.close();
      db.close();
    },
  };
  // Finish deletions a crash interrupted, and drop half-written snapshot temp files.
  const resumed = await retention.drainDeletions();
  const swept = await snapshots.sweepTemp();
  if (resumed.deleted + resumed.failed + swept > 0) log?.info({ event_type: 'storage_resume', files_deleted: resumed.deleted, files_failed: resumed.failed, temp_removed: swept }, 'resumed interrupted file work');
  return store;
}
