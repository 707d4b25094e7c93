import assert from 'node:assert/strict';
import { openSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from './database.ts';
import { DatabaseCorruptError, MigrationError } from './errors.ts';
import type { MigrationSet } from './migration-runner.ts';
import { coreMigrations } from './migrations/index.ts';
import { tempDataDir } from './testing/temp-data-dir.ts';

test('opens in WAL with FULL sync, foreign keys, core schema recorded once', (t) => {
  const path = join(tempDataDir(t), 'db.sqlite');
  const db = openDatabase(path, { migrations: [coreMigrations] });
  assert.equal(db.writer.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.writer.pragma('synchronous', { simple: true }), 2); // FULL
  assert.equal(db.writer.pragma('foreign_keys', { simple: true }), 1);
  assert.deepEqual(db.migrationsApplied.map((m) => `${m.scope}/${m.version}`), ['core/1', 'core/2', 'core/3', 'core/4']);
  db.close();
  const again = openDatabase(path, { migrations: [coreMigrations], durability: 'normal' });
  assert.equal(again.migrationsApplied.length, 0, 'reopen applies nothing');
  assert.equal(again.writer.pragma('synchronous', { simple: true }), 1); // NORMAL
  const rows = again.reader.prepare('SELECT scope, version FROM schema_migrations').all();
  assert.deepEqual(rows, [{ scope: 'core', version: 1 }, { scope: 'core', version: 2 }, { scope: 'core', version: 3 }, { scope: 'core', version: 4 }]);
  again.close();
});

test('the read connection cannot write and sees commits immediately', (t) => {
  const db = openDatabase(join(tempDataDir(t), 'db.sqlite'), { migrations: [coreMigrations] });
  t.after(() => db.close());
  assert.throws(() => db.reader.exec("INSERT INTO settings VALUES ('k', '1', 0, NULL)"), /readonly/i);
  db.writer.prepare("INSERT INTO settings VALUES ('k', '1', 0, NULL)").run();
  assert.equal(db.reader.prepare("SELECT value_json FROM settings WHERE key = 'k'").pluck().get(), '1');
  // A long read transaction on the reader does not block the writer (WAL).
  const it = db.reader.prepare('SELECT key FROM settings').iterate();
  it.next();
  db.writer.prepare("INSERT INTO settings VALUES ('k2', '2', 0, NULL)").run();
  it.return?.();
});

test('another scope adds tables through its own numbered migrations', (t) => {
  const path = join(tempDataDir(t), 'db.sqlite');
  const api: MigrationSet = { scope: 'api', migrations: [
    { version: 1, name: 'users', up: 'CREATE TABLE users (id TEXT PRIMARY KEY, person_id TEXT REFERENCES persons(id)) STRICT' },
  ] };
  openDatabase(path, { migrations: [coreMigrations, api] }).close();
  const api2: MigrationSet = { scope: 'api', migrations: [...api.migrations,
    { version: 2, name: 'seed', up: (db) => { db.prepare("INSERT INTO users VALUES ('u1', NULL)").run(); } }] };
  const db = openDatabase(path, { migrations: [coreMigrations, api2] });
  assert.deepEqual(db.migrationsApplied, [{ scope: 'api', version: 2, name: 'seed' }]);
  assert.equal(db.reader.prepare('SELECT count(*) FROM users').pluck().get(), 1);
  db.close();
  // Opening with an older app (that knows only api/1) is refused clearly.
  assert.throws(() => openDatabase(path, { migrations: [coreMigrations, api] }), (e) => e instanceof MigrationError && /newer version/.test(e.message));
  // Editing shipped SQL is caught.
  const edited: MigrationSet = { scope: 'api', migrations: [{ ...api.migrations[0], up: `${String(api.migrations[0].up)} -- edited` }, api2.migrations[1]] };
  assert.throws(() => openDatabase(path, { migrations: [coreMigrations, edited] }), /edited after it was applied/);
});

test('a failing migration is rolled back and not recorded', (t) => {
  const path = join(tempDataDir(t), 'db.sqlite');
  const bad: MigrationSet = { scope: 'x', migrations: [{ version: 1, name: 'half', up: 'CREATE TABLE a (id INTEGER); CREATE TABLE a (id INTEGER);' }] };
  assert.throws(() => openDatabase(path, { migrations: [coreMigrations, bad] }), (e) => e instanceof MigrationError && e.scope === 'x' && e.version === 1);
  const db = openDatabase(path, { migrations: [coreMigrations] });
  assert.equal(db.reader.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'a'").pluck().get(), 0);
  assert.equal(db.reader.prepare("SELECT count(*) FROM schema_migrations WHERE scope = 'x'").pluck().get(), 0);
  db.close();
  assert.throws(() => openDatabase(path, { migrations: [{ scope: 'y', migrations: [{ version: 2, name: 'gap', up: '' }] }] }), /expected 1/);
});

test('a file that is not a database, or a damaged one, fails with DatabaseCorruptError', (t) => {
  const dir = tempDataDir(t);
  const junk = join(dir, 'junk.sqlite');
  writeFileSync(junk, Buffer.alloc(8192, 0x5a));
  assert.throws(() => openDatabase(junk, { migrations: [coreMigrations] }), DatabaseCorruptError);

  const path = join(dir, 'damaged.sqlite');
  const db = openDatabase(path, { migrations: [coreMigrations] });
  const ins = db.writer.prepare('INSERT INTO event_log (id, type, severity, at, payload_json) VALUES (?, ?, ?, ?, ?)');
  db.writer.transaction(() => { for (let i = 0; i < 3000; i++) ins.run(`evt_${i}`, 'detection', 'info', i, JSON.stringify({ i, pad: 'x'.repeat(100) })); })();
  db.writer.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Overwrite pages in the middle of the file (index and table b-tree pages) with garbage.
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  for (let off = 8 * 4096; off < size - 4096; off += 7 * 4096) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, off);
  closeSync(fd);
  assert.throws(() => openDatabase(path, { migrations: [coreMigrations] }), (e) => e instanceof DatabaseCorruptError && e.problems.length > 0);
});
