// Opens the host database: one writer connection (all writes, in WAL mode) and a separate read-only connection
// for queries, so readers see the last committed state and never take the write lock.
//
// Durability: journal_mode=WAL with synchronous=FULL by default. With NORMAL, a commit that returned is already
// safe against a process crash (kill -9) because the WAL frames sit in the OS page cache, but it can be lost on
// power failure or an OS crash. FULL fsyncs the WAL on every commit, so "acknowledged" also means "on disk".
// The write queue groups a tick's inserts into one transaction, so that fsync is paid once per batch, not per row.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseCorruptError, StorageError } from './errors.ts';
import { runMigrations, type AppliedMigration, type MigrationSet } from './migration-runner.ts';
import { isStorageFullError } from './storage-health.ts';

function removeNewDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

export type Durability = 'full' | 'normal';

export interface OpenDatabaseOptions {
  migrations: readonly MigrationSet[];
  durability?: Durability;
  busyTimeoutMs?: number;
}

export interface DatabaseHandle {
  readonly path: string;
  /** The only connection that writes. Use it through the WriteQueue for high-rate inserts. */
  readonly writer: Database.Database;
  /** Read-only connection (query_only) for queries and listings. */
  readonly reader: Database.Database;
  readonly migrationsApplied: AppliedMigration[];
  /** Another read-only connection, e.g. for a worker thread or a long export. Caller closes it. */
  openReader(): Database.Database;
  close(): void;
}

const SQLITE_NOT_A_DB = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB']);

export function openDatabase(path: string, options: OpenDatabaseOptions): DatabaseHandle {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  mkdirSync(dirname(path), { recursive: true });
  const existed = existsSync(path);
  let writer: Database.Database;
  try {
    writer = new Database(path);
  } catch (err) {
    if (!existed) removeNewDatabase(path);
    throw new StorageError(`cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    writer.pragma(`busy_timeout = ${busyTimeoutMs}`);
    checkIntegrity(writer, path);
    const mode = writer.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StorageError(`database ${path} refused WAL mode (journal_mode=${String(mode)})`);
    writer.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    writer.pragma('foreign_keys = ON');
    // Keep the WAL from staying huge after a burst; checkpoints still happen every ~1000 pages.
    writer.pragma('journal_size_limit = 67108864');
    const applied = runMigrations(writer, options.migrations);

    const openReader = (): Database.Database => {
      const r = new Database(path, { readonly: true, fileMustExist: true });
      r.pragma(`busy_timeout = ${busyTimeoutMs}`);
      return r;
    };
    const reader = openReader();
    let closed = false;
    return {
      path,
      writer,
      reader,
      migrationsApplied: applied,
      openReader,
      close() {
        if (closed) return;
        closed = true;
        reader.close();
        try {
          writer.pragma('optimize');
        } finally {
          writer.close();
        }
      },
    };
  } catch (err) {
    writer.close();
    // A database this call created and could not finish (e.g. a full disk on first start) is removed, so the
    // next start does not find a 0-byte or half-migrated file.
    if (!existed) removeNewDatabase(path);
    if (isStorageFullError(err)) throw new StorageError(`the disk holding ${dirname(path)} is full: the database cannot be created or upgraded`, { cause: err });
    if (err instanceof StorageError) throw err;
    if (SQLITE_NOT_A_DB.has((err as { code?: string }).code ?? '')) throw new DatabaseCorruptError(path, [(err as Error).message], { cause: err });
    throw err;
  }
}

function checkIntegrity(db: Database.Database, path: string): void {
  let rows: Array<{ quick_check: string }>;
  try {
    rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  } catch (err) {
    throw new DatabaseCorruptError(path, [(err as Error).message], { cause: err });
  }
  const problems = rows.map((r) => r.quick_check).filter((s) => s !== 'ok');
  if (problems.length > 0) throw new DatabaseCorruptError(path, problems);
}
