// Numbered, transactional migrations recorded in schema_migrations. Each module that owns tables ships one
// MigrationSet (its own `scope`, versions 1..n): the core set lives in ./migrations, the API layer passes its own
// set to openStore(). Adding a migration = adding one entry with the next version number.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { MigrationError } from './errors.ts';

export interface Migration {
  version: number;
  name: string;
  /** SQL run with exec(), or a function for data migrations. Runs inside a transaction with the bookkeeping row. */
  up: string | ((db: Database.Database) => void);
}

export interface MigrationSet {
  scope: string;
  migrations: readonly Migration[];
}

export interface AppliedMigration {
  scope: string;
  version: number;
  name: string;
}

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  scope TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  checksum TEXT,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (scope, version)
) STRICT`;

function checksum(m: Migration): string | null {
  // Only SQL is checksummed: a function's source text changes with the transpiler, SQL text does not.
  return typeof m.up === 'string' ? createHash('sha256').update(m.up).digest('hex').slice(0, 16) : null;
}

function validateSet(set: MigrationSet): void {
  if (!/^[a-z][a-z0-9_-]*$/.test(set.scope)) throw new MigrationError(`bad migration scope "${set.scope}"`, set.scope);
  set.migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new MigrationError(`migration "${m.name}" has version ${m.version}, expected ${i + 1} (versions are 1..n in order)`, set.scope, m.version);
    }
  });
}

/** Applies every pending migration, each in its own transaction. Returns what was applied now. */
export function runMigrations(db: Database.Database, sets: readonly MigrationSet[], now: () => number = Date.now): AppliedMigration[] {
  db.exec(BOOKKEEPING);
  const scopes = new Set<string>();
  for (const set of sets) {
    validateSet(set);
    if (scopes.has(set.scope)) throw new MigrationError(`migration scope "${set.scope}" given twice`, set.scope);
    scopes.add(set.scope);
  }
  const selectApplied = db.prepare<[string], { version: number; name: string; checksum: string | null }>(
    'SELECT version, name, checksum FROM schema_migrations WHERE scope = ? ORDER BY version',
  );
  const insert = db.prepare('INSERT INTO schema_migrations (scope, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)');
  const appliedNow: AppliedMigration[] = [];

  for (const set of sets) {
    const applied = selectApplied.all(set.scope);
    for (const row of applied) {
      const known = set.migrations[row.version - 1];
      if (!known) {
        throw new MigrationError(
          `database has ${set.scope} migration ${row.version} (${row.name}) that this version of Vigil does not know: it was written by a newer version`,
          set.scope, row.version,
        );
      }
      const sum = checksum(known);
      if (sum !== null && row.checksum !== null && sum !== row.checksum) {
        throw new MigrationError(`${set.scope} migration ${row.version} (${known.name}) was edited after it was applied; add a new migration instead`, set.scope, row.version);
      }
    }
    for (const m of set.migrations.slice(applied.length)) {
      try {
        db.transaction(() => {
          if (typeof m.up === 'string') db.exec(m.up);
          else m.up(db);
          insert.run(set.scope, m.version, m.name, checksum(m), now());
        }).immediate();
      } catch (err) {
        throw new MigrationError(`${set.scope} migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, set.scope, m.version, { cause: err });
      }
      appliedNow.push({ scope: set.scope, version: m.version, name: m.name });
    }
  }
  return appliedNow;
}
