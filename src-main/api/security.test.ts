// Issue 15 reproductions over the real HTTP server (real SQLite, real ws clients): each test failed before its fix.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import sharp from 'sharp';
import type { LiveFrame } from '../../src-contract/schemas.ts';
import { guardedLookup, isNonPublicAddress } from './callback-guard.ts';
import { startApiFixture, type ApiFixture, type Body } from './testing/api-fixture.ts';

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));
const frame = (seq: number): LiveFrame => ({ camera_id: 'cam1', seq, frame_width: 640, frame_height: 360, captured_at_ms: Date.now(), faces: [
  { track_id: 't1', box: [1, 2, 30, 40], score: 0.9, decision: 'unknown', person_id: null, name: null, confidence: null, watchlist: false },
] });

function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; messages: Body[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: Body[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', reject);
    ws.on('open', () => resolve({ ws, messages, closed }));
  });
}

describe('issue 15 security defects (HTTP)', () => {
  let f: ApiFixture;
  let admin: string;
  before(async () => {
    f = await startApiFixture({ ws: { heartbeatMs: 60_000 } });
    admin = await f.setupAdmin();
  });
  after(() => f.close());

  it('#2 the auditor may not list cameras or subscribe to camera states', async () => {
    const auditor = await f.userCookie(admin, 'auditor', 'aud2');
    const r = await f.rpc('cameras.list', {}, auditor);
    assert.equal(r.status, 403, JSON.stringify(r.body));
    const c = await open(`${f.url.replace('http', 'ws')}/api/ws`, { cookie: auditor, origin: f.url });
    c.ws.send(JSON.stringify({ type: 'subscribe', id: 's1', topic: 'cameras.status', filter: {} }));
    await settle(200);
    assert.equal(c.messages.find((m) => m.id === 's1')?.type, 'error', JSON.stringify(c.messages));
    c.ws.close();
  });

  it('#3 a demoted guard loses live.frame on the contract WS and the detections WS at once', async () => {
    const guard = await f.userCookie(admin, 'guard', 'guard3');
    const base = f.url.replace('http', 'ws');
    const a = await open(`${base}/api/ws`, { cookie: guard, origin: f.url });
    a.ws.send(JSON.stringify({ type: 'subscribe', id: 'live', topic: 'live.frame', filter: {} }));
    const b = await open(`${base}/api/v1/detections/ws/client-1`, { cookie: guard, origin: f.url });
    b.ws.send(JSON.stringify({ type: 'subscribe', streams: ['detections'] }));
    await settle(200);
    f.bus.publish('live.frame', frame(1));
    await settle(100);
    assert.ok(a.messages.some((m) => m.type === 'event'), 'guard receives frames before');
    assert.ok(b.messages.some((m) => m.type === 'detection_event'), 'guard receives detections before');

    const users = (await f.rpc('users.list', {}, admin)).body as Array<{ id: string; username: string }>;
    const id = users.find((u) => u.username === 'guard3')!.id;
    assert.equal((await f.rpc('users.update', { id, role: 'auditor' }, admin)).status, 200);
    const [ca, cb] = await Promise.all([a.closed, b.closed]);
    assert.equal(ca, 4401);
    assert.equal(cb, 4401);
    const before = a.messages.length + b.messages.length;
    f.bus.publish('live.frame', frame(2));
    await settle(100);
    assert.equal(a.messages.length + b.messages.length, before, 'no frame after the demotion');
  });

  it('#10 a write token can neither mint tokens nor create users; a read token cannot write', async () => {
    const mk = async (scopes: string[]) => ((await f.rpc('tokens.create', { name: scopes.join('+'), scopes }, admin)).body as { secret: string }).secret;
    const write = await mk(['write']);
    const read = await mk(['read']);
    const call = (method: string, input: unknown, token: string) => f.http('POST', `/api/rpc/${method}`, { token, body: input });
    const minted = await call('tokens.create', { name: 'escalate', scopes: ['read', 'write', 'frames'] }, write);
    assert.equal(minted.status, 403, JSON.stringify(minted.body));
    const user = await call('users.create', { username: 'evil-admin', password: 'a long enough password', role: 'admin' }, write);
    assert.equal(user.status, 403, JSON.stringify(user.body));
    assert.equal((await call('users.update', { id: 'x', role: 'admin' }, write)).status, 403);
    assert.equal((await call('tokens.list', {}, read)).status, 403, 'token management is for console sessions');
    assert.equal((await call('persons.erase', { id: 'per_missing', reason: 'test erase' }, read)).status, 403);
    assert.equal((await call('persons.erase', { id: 'per_missing', reason: 'test erase' }, write)).status, 404, 'write tokens still write');
    assert.equal((await call('audit.list', {}, read)).status, 200, 'read tokens still read');
  });

  it('#11 failures with many usernames from one origin do not lock the admin out; one account still backs off', async () => {
    for (let i = 0; i < 35; i++) await f.rpc('auth.login', { username: `nobody${i}`, password: 'wrong' });
    const ok = await f.rpc('auth.login', { username: 'admin', password: 'correct horse battery' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    let limited = 0;
    for (let i = 0; i < 8; i++) if ((await f.rpc('auth.login', { username: 'target', password: `guess${i}` })).status === 429) limited++;
    assert.ok(limited > 0, 'guessing one account is still throttled');
  });

  it('#13 callbacks to loopback, private and link-local addresses are refused (names resolved, every connect re-checked)', async () => {
    const token = ((await f.rpc('tokens.create', { name: 'frames', scopes: ['frames'] }, admin)).body as { secret: string }).secret;
    const jpeg = (await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } }).jpeg().toBuffer()).toString('base64');
    for (const target of ['http://127.0.0.1:9/', 'http://localhost:9/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/', 'http://[::ffff:127.0.0.1]/', 'http://192.168.1.10/']) {
      const r = await f.http('POST', '/api/v1/detections/process-frame', { token, body: {
        camera_id: 'cam_push', stream_type: 'RTSP', frame_id: `f_${Math.random()}`, timestamp: '2025-11-06T12:45:23.123Z', frame_data: jpeg,
        detection_options: { processing: { async: true } }, client_context: { callback_url: target },
      } });
      assert.equal(r.status, 403, `${target}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, /not a public address/);
    }
    assert.equal(isNonPublicAddress('8.8.8.8'), false);
    assert.equal(isNonPublicAddress('100.64.1.1'), true);
    assert.equal(isNonPublicAddress('fd00::1'), true);
    // Rebinding: the connection's own lookup refuses a name that now resolves to loopback, unless allow-listed.
    const lookup = guardedLookup({ privateHosts: () => [] });
    const err = await new Promise<Error | null>((r) => lookup('localhost', {}, (e) => r(e)));
    assert.match(String(err?.message), /not a public address/);
    const allowed = guardedLookup({ privateHosts: () => ['localhost'] });
    assert.equal(await new Promise<Error | null>((r) => allowed('localhost', {}, (e) => r(e))), null);
  });

  it('#14 unknown body keys are refused with a 400 naming them (nothing changes, nothing audited)', async () => {
    const users = (await f.rpc('users.list', {}, admin)).body as Array<{ id: string; username: string; updated_at?: string }>;
    const before = f.access.audit.list({ action: 'users.update' }).items.length;
    const r = await f.rpc('users.update', { id: users[0].id, rol: 'guard' }, admin);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'INVALID_REQUEST');
    assert.match(r.body.error.message, /unknown field "rol"/);
    assert.deepEqual(r.body.error.details.unknown_keys, ['rol']);
    const nested = await f.rpc('audit.list', { limit: 5, filter: { x: 1 } }, admin);
    assert.equal(nested.status, 400);
    assert.equal(f.access.audit.list({ action: 'users.update' }).items.length, before, 'a refused call is not audited as a change');
    assert.equal((await f.rpc('audit.list', { limit: 5 }, admin)).status, 200);
    // The reproduction: a misspelt patch field of persons.update.
    await assert.rejects(f.dispatcher.dispatch('persons.update', { id: 'per_1', patch: { nmae: 'x' } }, { user: { id: 'u', username: 'a', role: 'admin' }, origin: 'test' }), /unknown field "patch.nmae"/);
  });

  it('#12 a non-Bearer Authorization header does not skip the cross-origin check on cookie requests', async () => {
    const r = await f.http('POST', '/api/rpc/users.list', { cookie: admin, body: {}, headers: { origin: 'http://evil.example', authorization: 'Basic Zm9vOmJhcg==' } });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    const same = await f.http('POST', '/api/rpc/users.list', { cookie: admin, body: {}, headers: { origin: f.url } });
    assert.equal(same.status, 200);
  });
});

describe('issue 15 #5: the audit row commits with the change it records', () => {
  let f: ApiFixture;
  let admin: string;
  before(async () => {
    f = await startApiFixture();
    admin = await f.setupAdmin();
    // A host-style handler that writes through the store's write queue (as every host handler does).
    f.dispatcher.register({ 'shifts.upsert': async (input) => {
      const s = await f.store.write(() => f.store.shifts.upsert(input));
      return { ...input, id: s.id } as never;
    } });
  });
  after(() => f.close());

  it('when the audit insert fails, users.create and a queued write roll back', async () => {
    f.store.db.writer.exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit storage down'); END;");
    try {
      const r = await f.rpc('users.create', { username: 'sneaky-admin', password: 'a long enough password', role: 'admin' }, admin);
      assert.notEqual(r.status, 200);
      const row = f.store.db.reader.prepare('SELECT id FROM users WHERE username = ?').get('sneaky-admin');
      assert.equal(row, undefined, 'the unaudited admin exists');
      const login = await f.rpc('auth.login', { username: 'sneaky-admin', password: 'a long enough password' });
      assert.notEqual(login.status, 200, 'no sign-in as the rolled-back admin');

      const before = (f.store.db.reader.prepare('SELECT COUNT(*) AS n FROM shifts').get() as { n: number }).n;
      const s = await f.rpc('shifts.upsert', { name: 'Night', start: '22:00', end: '06:00', grace_minutes: 5, days: [1, 2, 3] }, admin);
      assert.notEqual(s.status, 200, JSON.stringify(s.body));
      assert.equal((f.store.db.reader.prepare('SELECT COUNT(*) AS n FROM shifts').get() as { n: number }).n, before, 'the unaudited shift exists');
    } finally {
      f.store.db.writer.exec('DROP TRIGGER fail_audit');
    }
    const ok = await f.rpc('users.create', { username: 'fine-guard', password: 'a long enough password', role: 'guard' }, admin);
    assert.equal(ok.status, 200);
    const audited = f.access.audit.list({ action: 'users.create' }).items.find((i) => i.resource === `user:${ok.body.id}`);
    assert.ok(audited, 'the success is audited');
  });
});
