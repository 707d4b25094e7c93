// The headless key file outside the data folder (issue 15 #6 limit): with it there, the folder holds no key, a
// writer of the folder who re-hashes the chain cannot make it verify, and `vigil audit verify` needs the same key.
// Real SQLite and key files in temp dirs; the CLI is run in-process.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { AuditLog, chainHash } from '../audit/audit-log.ts';
import { auditMigrations } from '../audit/migrations.ts';
import { run as auditCli } from '../cli/commands/audit.ts';
import { captureStdout } from '../cli/testing/capture-stdout.ts';
import { AUDIT_HEAD_FILE } from '../host/access-control.ts';
import { openDatabase } from '../storage/database.ts';
import { DATABASE_FILE } from '../storage/host-store.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { FileKeyProvider } from './file-key-provider.ts';
import { KEY_FILE_ENV, SYSTEMD_CREDENTIAL, dataFolderKeyFile, keyFileProblem, resolveKeyFile } from './key-location.ts';

const cli = (argv: string[]) => captureStdout(() => auditCli(argv));

test('key file order: --key-file, VIGIL_KEY_FILE, systemd credential, data folder; inside/outside is by path', (t) => {
  const data = tempDataDir(t, 'vigil-keyloc-');
  const creds = tempDataDir(t, 'vigil-creds-');
  assert.deepEqual(resolveKeyFile(data, undefined, {}), { path: dataFolderKeyFile(data), from: 'data-folder', insideDataDir: true });
  assert.deepEqual(resolveKeyFile(data, undefined, { CREDENTIALS_DIRECTORY: creds }).from, 'data-folder', 'a credential directory without our credential is not used');
  writeFileSync(join(creds, SYSTEMD_CREDENTIAL), Buffer.alloc(32, 7));
  assert.deepEqual(resolveKeyFile(data, undefined, { CREDENTIALS_DIRECTORY: creds }), { path: join(creds, SYSTEMD_CREDENTIAL), from: 'systemd-credential', insideDataDir: false });
  assert.equal(resolveKeyFile(data, undefined, { CREDENTIALS_DIRECTORY: creds, [KEY_FILE_ENV]: '/etc/vigil/k' }).from, 'env');
  assert.equal(resolveKeyFile(data, '/srv/k', { [KEY_FILE_ENV]: '/etc/vigil/k' }).path, '/srv/k');
  assert.equal(resolveKeyFile(data, join(data, 'elsewhere.key')).insideDataDir, true);
  assert.equal(resolveKeyFile(data, `${data}-sibling/k`).insideDataDir, false, 'a sibling folder with the same prefix is outside');
});

test('a key kept outside the data folder: the folder holds no key, a re-hashed chain fails, verify needs the key', async (t) => {
  const data = tempDataDir(t, 'vigil-keyout-');
  const keyDir = tempDataDir(t, 'vigil-keyfile-');
  const keyPath = join(keyDir, 'secrets.key');
  const loc = resolveKeyFile(data, keyPath);
  assert.equal(keyFileProblem(loc, data), null, 'a fresh install creates the key where it was put');
  const db = openDatabase(join(data, DATABASE_FILE), { migrations: [auditMigrations], durability: 'normal' });
  const log = new AuditLog({ writer: db.writer, reader: db.reader }, { headPath: join(data, AUDIT_HEAD_FILE), keys: FileKeyProvider.open(loc.path) });
  log.ensureKey();
  for (let i = 0; i < 6; i++) log.record({ type: 'data_access', userId: 'usr_1', username: 'alice', origin: '127.0.0.1', action: 'persons.get', resource: `person:per_${i}`, personId: `per_${i}`, result: 'success' });
  await new Promise((r) => setTimeout(r, 50)); // the head file is written after the row
  db.close();
  assert.ok(!existsSync(join(data, 'keys')), 'no key in the data folder');

  const ok = await cli(['verify', '--data', data, '--key-file', keyPath]);
  assert.equal(ok.code, 0, ok.out);
  const without = await cli(['verify', '--data', data]);
  assert.equal(without.code, 1, `without the key the chain cannot be checked as good: ${without.out}`);

  // A writer of the data folder edits a row and re-hashes the rest (unkeyed sha256, all it can compute): broken.
  const a = new Database(join(data, DATABASE_FILE));
  a.exec('DROP TRIGGER IF EXISTS audit_log_immutable; DROP TRIGGER IF EXISTS audit_log_append_only;');
  const rows = a.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, unknown> & { id: number; prev_hash: string; hash: string }>;
  let prev = rows[0].prev_hash;
  for (const row of rows) {
    const { prev_hash: _p, hash: _h, ...rest } = row;
    if (row.id === rows[2].id) rest.resource = 'person:per_forged';
    const hash = chainHash(prev, rest as Parameters<typeof chainHash>[1]);
    a.prepare('UPDATE audit_log SET resource = ?, prev_hash = ?, hash = ? WHERE id = ?').run(rest.resource, prev, hash, row.id);
    prev = hash;
  }
  a.close();
  const forged = await cli(['verify', '--data', data, '--key-file', keyPath]);
  assert.equal(forged.code, 1, forged.out);
});

test('a key file named outside while the data folder still holds its own: refused with the move to make', (t) => {
  const data = tempDataDir(t, 'vigil-keymove-');
  mkdirSync(join(data, 'keys'));
  FileKeyProvider.open(dataFolderKeyFile(data));
  const target = join(tempDataDir(t, 'vigil-keytarget-'), 'secrets.key');
  const problem = keyFileProblem(resolveKeyFile(data, target), data);
  assert.match(problem ?? '', /does not exist but .*keys\/secrets\.key does: move that file there/);
  assert.equal(keyFileProblem(resolveKeyFile(data), data), null, 'the default place is fine');
});
