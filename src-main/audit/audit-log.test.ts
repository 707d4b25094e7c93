import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { contract } from '../../src-contract/api.ts';
import { ACCESS_MIGRATIONS, AUDIT_HEAD_FILE, createAccessControl } from '../host/access-control.ts';
import { run as auditCli } from '../cli/commands/audit.ts';
import { captureStdout } from '../cli/testing/capture-stdout.ts';
import { Dispatcher, type Caller } from '../core/dispatcher.ts';
import { openDatabase } from '../storage/database.ts';
import { DATABASE_FILE, openStore } from '../storage/host-store.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { AuditLog, chainHash } from './audit-log.ts';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import { rmSync, writeFileSync } from 'node:fs';
import { createDispatchAuditHook } from './dispatch-audit.ts';
import { auditMigrations } from './migrations.ts';

function setup(t: TestContext, now = () => Date.now()) {
  const dir = tempDataDir(t, 'vigil-audit-');
  const db = openDatabase(join(dir, DATABASE_FILE), { migrations: [auditMigrations], durability: 'normal' });
  t.after(() => db.close());
  const keys = FileKeyProvider.open(join(dir, 'keys', 'secrets.key'));
  const log = new AuditLog({ writer: db.writer, reader: db.reader }, { now, headPath: join(dir, AUDIT_HEAD_FILE), keys });
  log.ensureKey();
  const write = (n: number) => {
    for (let i = 0; i < n; i++) {
      log.record({ type: 'data_access', userId: 'usr_1', username: 'alice', origin: '127.0.0.1', action: 'persons.get', resource: `person:per_${i}`, personId: `per_${i}`, result: 'success' });
    }
  };
  /** Someone with the database file and the sqlite3 shell: triggers do not stop them, the chain shows it. */
  const attacker = () => {
    const a = new Database(join(dir, DATABASE_FILE));
    a.exec('DROP TRIGGER IF EXISTS audit_log_immutable; DROP TRIGGER IF EXISTS audit_log_append_only;');
    return a;
  };
  return { dir, db, log, write, attacker, keys };
}

const cli = (argv: string[]) => captureStdout(() => auditCli(argv));

describe('audit log hash chain', () => {
  it('chains every row to the previous one and verifies clean', async (t) => {
    const { dir, log, write } = setup(t);
    write(20);
    const rows = log.list({ limit: 500 }).items.reverse();
    assert.equal(rows.length, 20);
    assert.equal(rows[0].prev_hash, '0'.repeat(64));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash);
    const { prev_hash, hash, ...rest } = rows[5];
    assert.notEqual(chainHash(prev_hash, rest), hash, 'keyed: a plain sha256 does not reproduce the link');
    assert.deepEqual(log.verify(), { ok: true, checked: 20, first_broken_id: null, reason: null, keyed: true });
    const head = JSON.parse(readFileSync(join(dir, AUDIT_HEAD_FILE), 'utf8')) as { id: number; hash: string; mac: string };
    assert.deepEqual([head.id, head.hash], [rows[19].id, rows[19].hash]);
    assert.match(head.mac, /^[0-9a-f]{64}$/);
    const r = await cli(['verify', '--data', dir]);
    assert.equal(r.code, 0);
    assert.match(r.out, /ok: 20 rows/);
  });

  it('refuses UPDATE and DELETE from application code', (t) => {
    const { db, write } = setup(t);
    write(2);
    assert.throws(() => db.writer.prepare("UPDATE audit_log SET reason = 'x'").run(), /immutable/);
    assert.throws(() => db.writer.prepare('DELETE FROM audit_log').run(), /retention prune/);
  });

  it('reports the first edited row (and the CLI exits 1)', async (t) => {
    const { dir, log, write, attacker } = setup(t);
    write(10);
    const a = attacker();
    a.prepare("UPDATE audit_log SET username = 'mallory' WHERE id = 4").run();
    a.close();
    const v = log.verify();
    assert.equal(v.ok, false);
    assert.equal(v.first_broken_id, 4);
    assert.equal(v.checked, 3);
    const r = await cli(['verify', '--data', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /BROKEN at row 4/);
    const j = await cli(['verify', '--data', dir, '--json']);
    assert.equal(JSON.parse(j.out).first_broken_id, 4);
  });

  it('reports a deleted row at the row after it, and a truncated tail through the head file', (t) => {
    const { log, write, attacker } = setup(t);
    write(10);
    const a = attacker();
    a.prepare('DELETE FROM audit_log WHERE id = 6').run();
    assert.equal(log.verify().first_broken_id, 7);
    a.prepare('DELETE FROM audit_log WHERE id >= 6').run();
    const v = log.verify();
    assert.equal(v.ok, false);
    assert.equal(v.first_broken_id, 10);
    assert.match(v.reason ?? '', /truncated/);
    a.close();
  });

  it('catches a fully re-hashed forgery through the head file', (t) => {
    const { log, write, attacker } = setup(t);
    write(5);
    const a = attacker();
    a.prepare("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 2").run();
    // re-hash the whole chain so every link is consistent again
    let prev = '0'.repeat(64);
    for (const row of a.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, unknown> & { id: number }>) {
      const { prev_hash: _p, hash: _h, ...rest } = row;
      const h = chainHash(prev, rest as never);
      a.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, h, row.id);
      prev = h;
    }
    a.close();
    const v = log.verify();
    assert.equal(v.ok, false);
    assert.equal(v.first_broken_id, 1, 'the first re-hashed row fails: the link is keyed');
    assert.match(v.reason ?? '', /keyed hash/);
  });

  it('retention prune removes old rows but records itself, and the chain still verifies', (t) => {
    let now = Date.parse('2024-01-01T00:00:00Z');
    const { log, write, attacker } = setup(t, () => now);
    write(5);
    now += 400 * 86_400_000;
    write(3);
    const r = log.prune(now - 365 * 86_400_000);
    assert.equal(r.removed, 5);
    const items = log.list().items;
    assert.equal(items.length, 4);
    assert.equal(items[0].action, 'audit.prune');
    assert.match(items[0].reason ?? '', /removed 5 rows/);
    assert.deepEqual(log.verify(), { ok: true, checked: 4, first_broken_id: null, reason: null, keyed: true });
    // a forged anchor (hiding more deleted rows) is not backed by the prune record
    const a = attacker();
    a.prepare('DELETE FROM audit_log WHERE id = 6').run();
    a.prepare("UPDATE audit_anchor SET through_id = 6, through_hash = (SELECT prev_hash FROM audit_log WHERE id = 7)").run();
    a.close();
    assert.equal(log.verify().ok, false);
  });
});

describe('issue 15 #6: a data-folder writer without the key cannot forge the chain', () => {
  it('deleting the newest rows and audit.head is a failure, not a skip', async (t) => {
    const { dir, log, write, attacker } = setup(t);
    write(6);
    rmSync(join(dir, AUDIT_HEAD_FILE));
    const a = attacker();
    a.prepare('DELETE FROM audit_log WHERE id >= 5').run();
    a.close();
    const v = log.verify();
    assert.equal(v.ok, false);
    assert.match(v.reason ?? '', /head file .* missing/);
    const r = await cli(['verify', '--data', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /^audit chain BROKEN at row 4: the head file/);
  });

  it('a head file rewritten to match a truncated tail is refused (it is HMAC\'d with the key)', (t) => {
    const { dir, log, write, attacker } = setup(t);
    write(6);
    const a = attacker();
    a.prepare('DELETE FROM audit_log WHERE id >= 5').run();
    const last = a.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
    a.close();
    writeFileSync(join(dir, AUDIT_HEAD_FILE), JSON.stringify({ id: last.id, hash: last.hash }));
    assert.match(log.verify().reason ?? '', /not authenticated by the audit key/);
    writeFileSync(join(dir, AUDIT_HEAD_FILE), JSON.stringify({ id: last.id, hash: last.hash, mac: 'a'.repeat(64) }));
    assert.match(log.verify().reason ?? '', /not authenticated by the audit key/);
  });

  it('upgrade: an unkeyed chain from an older version verifies and continues keyed; deleting the key later fails', (t) => {
    const dir = tempDataDir(t, 'vigil-audit-up-');
    const db = openDatabase(join(dir, DATABASE_FILE), { migrations: [auditMigrations], durability: 'normal' });
    t.after(() => db.close());
    const conn = { writer: db.writer, reader: db.reader };
    const entry = { type: 'system' as const, userId: null, username: 'x', action: 'test', resource: 'r', result: 'success' as const };
    // The older version: no key provider (sha256 links, plain head file).
    const old = new AuditLog(conn, { headPath: join(dir, AUDIT_HEAD_FILE) });
    for (let i = 0; i < 3; i++) old.record(entry);
    const keys = FileKeyProvider.open(join(dir, 'keys', 'secrets.key'));
    const log = new AuditLog(conn, { headPath: join(dir, AUDIT_HEAD_FILE), keys });
    log.ensureKey();
    for (let i = 0; i < 3; i++) log.record(entry);
    assert.deepEqual(log.verify(), { ok: true, checked: 6, first_broken_id: null, reason: null, keyed: true });
    // Someone deletes the key (and so could re-hash everything with sha256): the next start notices.
    db.writer.exec('DELETE FROM audit_key');
    const again = new AuditLog(conn, { headPath: join(dir, AUDIT_HEAD_FILE), keys });
    again.ensureKey();
    const v = again.verify();
    assert.equal(v.ok, false);
    assert.match(v.reason ?? '', /audit key was missing/);
  });
});

describe('audit retention through the storage retention job', () => {
  it('prunes by settings.retention_days.audit, never silently, and the chain stays valid', async (t) => {
    const dir = tempDataDir(t, 'vigil-audit-');
    const store = await openStore(dir, { migrations: ACCESS_MIGRATIONS, durability: 'normal' });
    t.after(() => store.close());
    let now = Date.parse('2024-01-01T00:00:00Z');
    const access = await createAccessControl(store, new Dispatcher(), { personView: () => { throw new Error('unused'); }, now: () => now });
    const rec = () => access.audit.record({ type: 'system', userId: null, username: 'x', action: 'test', resource: 'r', result: 'success' });
    for (let i = 0; i < 4; i++) rec();
    now += 40 * 86_400_000;
    rec();
    store.settings.update({ retention_days: { events: 90, unknown_snapshots: 7, audit: 30 } });
    const report = await store.retention.run(now);
    assert.equal(report.rows.audit, 4);
    const left = access.audit.list().items;
    assert.deepEqual(left.map((r) => r.action), ['audit.prune', 'test']);
    assert.equal(access.audit.verify().ok, true);
  });
});

describe('dispatcher audit hook', () => {
  it('records personal reads with the person shown, modifications, and denials; never passwords', async (t) => {
    const { log } = setup(t);
    const d = new Dispatcher();
    d.setAuditHook(createDispatchAuditHook(log, (m) => contract[m].personal));
    d.register({
      'events.get': ({ id }) => ({ id, person_id: 'per_7' }) as never,
      'users.create': ({ username, role }) => ({ id: 'usr_9', username, role, disabled: false, created_at: new Date().toISOString(), last_login_at: null }),
      'cameras.list': () => [],
    });
    const admin: Caller = { user: { id: 'usr_1', username: 'alice', role: 'admin' }, origin: '10.1.1.1' };
    const guard: Caller = { user: { id: 'usr_2', username: 'bob', role: 'guard' }, origin: '10.1.1.2' };
    await d.dispatch('events.get', { id: 'evt_1' }, admin);
    await d.dispatch('users.create', { username: 'carol', password: 'secret password 9', role: 'guard' }, admin);
    await d.dispatch('cameras.list', {}, admin); // plain list: not audited
    await assert.rejects(d.dispatch('users.create', { username: 'eve', password: 'secret password 9', role: 'admin' }, guard));
    const rows = log.list().items;
    assert.deepEqual(rows.map((r) => [r.action, r.result, r.audit_type]), [
      ['users.create', 'denied', 'data_modification'], ['users.create', 'success', 'data_modification'], ['events.get', 'success', 'data_access'],
    ]);
    assert.equal(rows[2].resource, 'detection:evt_1');
    assert.equal(rows[2].person_id, 'per_7');
    assert.equal(rows[2].origin, '10.1.1.1');
    assert.ok(!JSON.stringify(rows).includes('secret password'));
  });
});
