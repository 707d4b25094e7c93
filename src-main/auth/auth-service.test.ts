import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VigilError } from '../../src-contract/errors.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { auditMigrations } from '../audit/migrations.ts';
import { Dispatcher, type Caller } from '../core/dispatcher.ts';
import { openDatabase, type DatabaseHandle } from '../storage/database.ts';
import { createAuth, type Auth } from './auth-service.ts';
import { LoginRateLimiter } from './login-rate-limit.ts';
import { authMigrations } from './migrations.ts';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from './password.ts';

const FAST = { N: 2 ** 12, r: 8, p: 1 };

async function rejects(p: Promise<unknown>, code: string): Promise<VigilError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof VigilError, `expected VigilError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('password hashing', () => {
  it('hashes with scrypt at the default (memory-hard) cost and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    assert.match(h, /^scrypt\$65536\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse battery', h), true);
    assert.equal(await verifyPassword('correct horse batterY', h), false);
    assert.equal(needsRehash(h), false);
    assert.equal(needsRehash(await hashPassword('x', FAST), DEFAULT_SCRYPT), true);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
  });
});

describe('login rate limiter', () => {
  it('locks a username+origin after the free attempts, doubling each time, and forgets a success', () => {
    let now = 0;
    const rl = new LoginRateLimiter({ freeAttempts: 3, baseLockMs: 1000, maxLockMs: 8000, now: () => now });
    for (let i = 0; i < 2; i++) { rl.check('alice', 'ip1'); rl.fail('alice', 'ip1'); }
    rl.check('alice', 'ip1');
    rl.fail('alice', 'ip1'); // 3rd failure: locked 1 s
    assert.throws(() => rl.check('alice', 'ip1'), (e: VigilError) => e.code === 'RATE_LIMITED' && e.extra.details?.retry_after_s === 1);
    rl.check('alice', 'ip2'); // another origin is not locked
    now += 1001;
    rl.check('alice', 'ip1');
    rl.fail('alice', 'ip1'); // 4th: 2 s
    now += 1500;
    assert.throws(() => rl.check('alice', 'ip1'));
    now += 600;
    rl.fail('alice', 'ip1'); // 5th: 4 s
    now += 3900;
    assert.throws(() => rl.check('alice', 'ip1'));
    now += 200;
    rl.succeed('alice', 'ip1');
    rl.check('alice', 'ip1');
  });

  it('failures on other usernames from the same origin never lock an account (issue 15 #11)', () => {
    const rl = new LoginRateLimiter({ freeAttempts: 5, freeAttemptsPerUser: 10 });
    for (let i = 0; i < 100; i++) rl.fail(`user${i}`, '127.0.0.1');
    rl.check('admin', '127.0.0.1');
  });

  it('a username guessed from many origins is locked, except where it signed in correctly before', () => {
    const rl = new LoginRateLimiter({ freeAttempts: 5, freeAttemptsPerUser: 10 });
    rl.succeed('admin', 'office');
    for (let i = 0; i < 10; i++) rl.fail('admin', `bot${i}`);
    assert.throws(() => rl.check('admin', 'bot-new'), (e: VigilError) => e.code === 'RATE_LIMITED');
    rl.check('admin', 'office');
  });
});

describe('accounts, sessions and tokens', () => {
  let dir: string;
  let db: DatabaseHandle;
  let auth: Auth;
  let audit: AuditLog;
  let now = Date.parse('2025-01-01T08:00:00Z');
  const d = new Dispatcher();
  const anon: Caller = { user: null, origin: '10.0.0.5' };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-auth-'));
    db = openDatabase(join(dir, 'db.sqlite'), { migrations: [authMigrations, auditMigrations], durability: 'normal' });
    const conn = { writer: db.writer, reader: db.reader };
    audit = new AuditLog(conn, { now: () => now });
    auth = createAuth(conn, { audit, now: () => now, scrypt: FAST, session: { idleMs: 30 * 60_000, absoluteMs: 8 * 3600_000 }, rateLimit: { freeAttempts: 3 } });
    d.register(auth.handlers);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('first run: setup_required, setup needs the printed token, happens once', async () => {
    assert.deepEqual(await d.dispatch('auth.status', {}, anon), { setup_required: true, user: null, setup_token_required: true });
    const token = auth.setupToken();
    assert.ok(token && token.length >= 20);
    await rejects(d.dispatch('auth.setup', { username: 'root', password: 'long enough password' }, anon), 'FORBIDDEN');
    await rejects(d.dispatch('auth.setup', { setup_token: 'guess', username: 'root', password: 'long enough password' }, anon), 'FORBIDDEN');
    const s = await d.dispatch('auth.setup', { setup_token: token, username: 'root', password: 'long enough password' }, anon) as { user: { role: string }; token: string };
    assert.equal(s.user.role, 'admin');
    assert.equal(auth.setupToken(), null);
    await rejects(d.dispatch('auth.setup', { setup_token: token, username: 'root2', password: 'long enough password' }, anon), 'CONFLICT');
    const caller = auth.authenticate({ cookie: `vigil_session=${s.token}`, origin: '10.0.0.5' });
    assert.equal(caller.user?.username, 'root');
    const st = await d.dispatch('auth.status', {}, caller) as { setup_required: boolean; user: { username: string } };
    assert.equal(st.setup_required, false);
    assert.equal(st.user.username, 'root');
  });

  it('login failures are audited and throttled; a good login after the lockout works', async () => {
    const before = audit.list({ action: 'auth.login' }).items.length;
    for (let i = 0; i < 3; i++) await rejects(d.dispatch('auth.login', { username: 'root', password: 'wrong password!' }, anon), 'UNAUTHENTICATED');
    const e = await rejects(d.dispatch('auth.login', { username: 'root', password: 'long enough password' }, anon), 'RATE_LIMITED');
    assert.ok((e.extra.details?.retry_after_s as number) >= 1);
    const rows = audit.list({ action: 'auth.login' }).items;
    assert.equal(rows.length, before + 3);
    assert.ok(rows.slice(0, 3).every((r) => r.result === 'denied' && r.origin === '10.0.0.5'));
    now += 2000;
    await d.dispatch('auth.login', { username: 'root', password: 'long enough password' }, anon);
    assert.equal(audit.list({ action: 'auth.login' }).items[0].result, 'success');
    // unknown user: same error, no hint
    await rejects(d.dispatch('auth.login', { username: 'nobody', password: 'whatever123' }, { user: null, origin: 'x' }), 'UNAUTHENTICATED');
  });

  it('sessions expire when idle and at the absolute limit; logout ends them', async () => {
    const login = async () => (await d.dispatch('auth.login', { username: 'root', password: 'long enough password' }, anon) as { token: string }).token;
    const who = (t: string) => auth.authenticate({ cookie: `a=b; vigil_session=${t}`, origin: 'o' }).user?.username ?? null;
    let t = await login();
    assert.equal(who(t), 'root');
    now += 29 * 60_000;
    assert.equal(who(t), 'root'); // activity refreshes the idle timer
    now += 29 * 60_000;
    assert.equal(who(t), 'root');
    now += 31 * 60_000;
    assert.equal(who(t), null, 'idle timeout');
    t = await login();
    for (let i = 0; i < 16; i++) { now += 29 * 60_000; assert.equal(who(t), 'root'); }
    now += 29 * 60_000; // past 8 h
    assert.equal(who(t), null, 'absolute timeout');
    t = await login();
    const caller = auth.authenticate({ cookie: `vigil_session=${t}`, origin: 'o' });
    await d.dispatch('auth.logout', {}, caller);
    assert.equal(who(t), null);
  });

  it('users: roles, cannot remove the last admin, disabling ends sessions', async () => {
    const s = await d.dispatch('auth.login', { username: 'root', password: 'long enough password' }, anon) as { token: string; user: { id: string } };
    const admin = auth.authenticate({ cookie: `vigil_session=${s.token}`, origin: 'o' });
    await rejects(d.dispatch('users.update', { id: s.user.id, role: 'guard' }, admin), 'CONFLICT');
    await rejects(d.dispatch('users.update', { id: s.user.id, disabled: true }, admin), 'CONFLICT');
    const g = await d.dispatch('users.create', { username: 'gina', password: 'guard password 1', role: 'guard' }, admin) as { id: string };
    await rejects(d.dispatch('users.create', { username: 'GINA', password: 'guard password 1', role: 'guard' }, admin), 'CONFLICT');
    const gs = await d.dispatch('auth.login', { username: 'gina', password: 'guard password 1' }, anon) as { token: string };
    const guard = auth.authenticate({ cookie: `vigil_session=${gs.token}`, origin: 'o' });
    assert.equal(guard.user?.role, 'guard');
    await rejects(d.dispatch('users.list', {}, guard), 'FORBIDDEN');
    await d.dispatch('users.update', { id: g.id, disabled: true }, admin);
    assert.equal(auth.authenticate({ cookie: `vigil_session=${gs.token}`, origin: 'o' }).user, null);
    await rejects(d.dispatch('auth.login', { username: 'gina', password: 'guard password 1' }, { user: null, origin: 'other' }), 'UNAUTHENTICATED');
  });

  it('API tokens: secret shown once, stored hashed, scoped, revocable, last_used tracked', async () => {
    const s = await d.dispatch('auth.login', { username: 'root', password: 'long enough password' }, anon) as { token: string };
    const admin = auth.authenticate({ cookie: `vigil_session=${s.token}`, origin: 'o' });
    const tok = await d.dispatch('tokens.create', { name: 'erp', scopes: ['read'] }, admin) as { id: string; secret: string };
    assert.match(tok.secret, /^vgl_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    const stored = db.reader.prepare('SELECT secret_hash FROM api_tokens WHERE id = ?').get(tok.id) as { secret_hash: string };
    assert.ok(!tok.secret.includes(stored.secret_hash) && !JSON.stringify(await d.dispatch('tokens.list', {}, admin)).includes(tok.secret.slice(30)));
    const viaToken = auth.authenticate({ authorization: `Bearer ${tok.secret}`, origin: 'integration' });
    assert.deepEqual(viaToken.tokenScopes, ['read']);
    assert.equal(viaToken.tokenId, tok.id);
    await rejects(d.dispatch('users.list', {}, viaToken), 'FORBIDDEN'); // accounts: console sessions only (issue 15 #10)
    await rejects(d.dispatch('tokens.create', { name: 'x', scopes: ['write'] }, viaToken), 'FORBIDDEN'); // needs "write"
    const listed = (await d.dispatch('tokens.list', {}, admin) as Array<{ id: string; last_used_at: string | null }>).find((t) => t.id === tok.id);
    assert.ok(listed?.last_used_at);
    assert.throws(() => auth.authenticate({ authorization: `Bearer ${tok.secret.slice(0, -1)}${tok.secret.endsWith("A") ? "B" : "A"}`, origin: "x" }), (e: VigilError) => e.code === 'UNAUTHENTICATED');
    await d.dispatch('tokens.revoke', { id: tok.id }, admin);
    assert.throws(() => auth.authenticate({ authorization: `Bearer ${tok.secret}`, origin: 'x' }), (e: VigilError) => e.code === 'UNAUTHENTICATED');
  });
});
