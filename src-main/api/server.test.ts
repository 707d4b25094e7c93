// Contract tests for the HTTP transport and the REST adapter: real store (temp dir), real server on 127.0.0.1:0.
// Host handlers (cameras, persons, events...) belong to the host; here the methods the REST table maps to are
// registered as echo handlers so each test sees exactly which contract input a REST request turned into.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { contract, type MethodName } from '../../src-contract/api.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { Handlers } from '../core/dispatcher.ts';
import { restRoutes } from './rest-routes.ts';
import { startApiFixture, type ApiFixture } from './testing/api-fixture.ts';

const ACCESS_OWNED = new Set(['auth', 'users', 'tokens', 'audit']);
const PRIVACY_OWNED = new Set(['persons.setConsent', 'persons.erase', 'persons.exportData']);

function echoHandlers(): Handlers {
  const h: Record<string, (input: unknown) => unknown> = {};
  for (const m of Object.keys(contract) as MethodName[]) {
    if (ACCESS_OWNED.has(m.split('.')[0]) || PRIVACY_OWNED.has(m)) continue;
    h[m] = m.endsWith('.export')
      ? (input) => ({ filename: `${m}.csv`, mime: 'text/csv', data_base64: Buffer.from(JSON.stringify({ method: m, input })).toString('base64') })
      : (input) => ({ method: m, input });
  }
  return h as Handlers;
}

describe('HTTP API', () => {
  let f: ApiFixture;
  let admin: string;
  let guard: string;
  let auditor: string;
  let personId: string;
  const rendererDir = mkdtempSync(join(tmpdir(), 'vigil-ui-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Vigil</title>');

  before(async () => {
    f = await startApiFixture({
      rendererDir,
      limits: { rpcBodyBytes: 64 * 1024, restBodyBytes: 64 * 1024 },
      openLiveStream: async (cameraId, kind) => {
        if (cameraId !== 'cam_1') throw new VigilError('NOT_FOUND', `camera ${cameraId} not found`);
        return { contentType: kind === 'mjpeg' ? 'multipart/x-mixed-replace; boundary=frame' : 'video/mp4', stream: Readable.from([Buffer.from('part-1'), Buffer.from('part-2')]) };
      },
    });
    f.dispatcher.register(echoHandlers());
    admin = await f.setupAdmin();
    guard = await f.userCookie(admin, 'guard', 'gary');
    auditor = await f.userCookie(admin, 'auditor', 'audrey');
    personId = f.store.persons.create({ employee_id: 'E-1', name: 'Pat' }).id;
  });
  after(async () => f.close());

  describe('health, headers, static console', () => {
    it('serves /healthz and /api/v1/health without auth in the agreed shape', async () => {
      for (const p of ['/healthz', '/api/v1/health']) {
        const r = await f.http('GET', p);
        assert.equal(r.status, 200);
        assert.deepEqual(Object.keys(r.body).sort(), ['cameras', 'counters', 'engine', 'storage']);
        assert.deepEqual(Object.keys(r.body.counters).sort(), ['attendance_records', 'faces_detected', 'frames_analysed', 'recognized', 'unknown']);
        assert.equal(r.headers.get('cache-control'), 'no-store');
      }
    });

    it('sets security headers', async () => {
      const r = await f.http('GET', '/healthz');
      assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    });

    it('refuses a foreign Host header (DNS rebinding) and cross-site cookie POSTs', async () => {
      // fetch() will not send a custom Host header: use node:http
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(f.url);
        request({ host: u.hostname, port: u.port, path: '/healthz', headers: { host: 'evil.example:80' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
      });
      assert.equal(status, 403);
      const x = await f.http('POST', '/api/rpc/cameras.list', { cookie: admin, body: {}, headers: { origin: 'http://evil.example' } });
      assert.equal(x.status, 403);
      assert.equal(x.body.error.code, 'FORBIDDEN');
      const same = await f.http('POST', '/api/rpc/cameras.list', { cookie: admin, body: {}, headers: { origin: f.url } });
      assert.equal(same.status, 200);
    });

    it('serves the console with SPA fallback, JSON 404 for API paths', async () => {
      const ui = await f.http('GET', '/people/42', { headers: { accept: 'text/html' } });
      assert.equal(ui.status, 200);
      assert.match(ui.bytes.toString(), /<title>Vigil/);
      const api = await f.http('GET', '/api/v1/nope', { headers: { accept: 'text/html' } });
      assert.equal(api.status, 404);
      assert.equal(api.body.error.code, 'NOT_FOUND');
    });
  });

  describe('contract RPC', () => {
    it('sign-in sets an HttpOnly SameSite=Strict cookie and keeps the secret out of the body; logout clears it', async () => {
      const r = await f.rpc('auth.login', { username: 'gary', password: 'gary-password-123' });
      assert.equal(r.status, 200);
      assert.equal(r.body.user.role, 'guard');
      assert.equal(r.body.token, undefined);
      const set = r.headers.get('set-cookie') ?? '';
      assert.match(set, /^vigil_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
      const cookie = set.split(';')[0];
      assert.equal((await f.rpc('auth.status', {}, cookie)).body.user.username, 'gary');
      const out = await f.rpc('auth.logout', {}, cookie);
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
      assert.equal((await f.rpc('auth.status', {}, cookie)).body.user, null);
      assert.equal((await f.rpc('cameras.list', {}, cookie)).status, 401);
    });

    it('answers typed errors: unknown method 404, bad input 400 with the field, no session 401, wrong role 403', async () => {
      assert.equal((await f.rpc('nope.nothing', {}, admin)).status, 404);
      const bad = await f.rpc('persons.create', { employee_id: 'x', name: 42 }, admin);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'INVALID_REQUEST');
      assert.equal(bad.body.error.field, 'name');
      assert.equal((await f.rpc('cameras.list', {})).status, 401);
      assert.equal((await f.rpc('settings.update', {}, guard)).status, 403);
      const json = await f.http('POST', '/api/rpc/cameras.list', { cookie: admin, raw: '{"a":' });
      assert.equal(json.status, 400);
      assert.match(json.body.error.message, /malformed JSON/);
      const big = await f.rpc('persons.create', { employee_id: 'x', name: 'y'.repeat(100_000) }, admin);
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
      const text = await f.http('POST', '/api/rpc/cameras.list', { cookie: admin, raw: 'x', headers: { 'content-type': 'text/plain' } });
      assert.equal(text.status, 415);
    });
  });

  describe('REST /api/v1 adapter', () => {
    const url = (path: string) => path.replace(':template_id', 'tpl_1').replace(':id', path.startsWith('/cameras') ? 'cam_1' : path.startsWith('/persons') ? personId : 'evt_1');
    const sample: Record<string, { query?: string; body?: unknown }> = {
      'GET /attendance': { query: '?date=2025-01-02' },
      'GET /attendance/range': { query: '?from=2025-01-01&to=2025-01-31' },
      'GET /attendance/export': { query: '?from=2025-01-01&to=2025-01-31&format=csv' },
      'POST /attendance/corrections': { body: { person_id: 'per_1', date: '2025-01-02', check_in: '2025-01-02T08:00:00Z', check_out: null, reason: 'badge forgotten' } },
      'POST /cameras': { body: { name: 'Door', source: { type: 'rtsp', url: 'rtsp://10.0.0.9/stream' } } },
      'POST /cameras/test': { body: { config: { type: 'rtsp', url: 'rtsp://10.0.0.9/stream' } } },
      'PATCH /cameras/:id': { body: { name: 'Back door' } },
      'POST /persons': { body: { employee_id: 'E-2', name: 'Kim' } },
      'PATCH /persons/:id': { body: { department: 'Ops' } },
      'POST /persons/:id/photos': { body: { photos: [{ name: 'a.jpg', data_base64: '/9j/4AAQ' }] } },
      'PUT /persons/:id/consent': { body: { status: 'granted', granted_at: null, expires_at: null, document_version: 'v1' } },
      'POST /detections/:id/correct': { body: { person_id: null, reason: 'not him' } },
      'POST /detections/provider/config': { body: { recognition: { target_far: 0.001, min_votes: 3, unknown_alerts: true } } },
    };

    it('maps every route to its contract method for an admin (erase last)', async () => {
      const routes = [...restRoutes].sort((a, b) => Number(a.contract === 'persons.erase') - Number(b.contract === 'persons.erase'));
      for (const r of routes) {
        const key = `${r.method} ${r.path}`;
        const s = sample[key] ?? {};
        const body = s.body ?? (r.contract === 'persons.erase' ? { reason: 'test erasure' } : undefined);
        const res = await f.http(r.method, `/api/v1${url(r.path)}${s.query ?? ''}`, { cookie: admin, body });
        assert.equal(res.status, r.status ?? 200, `${key}: ${res.status} ${res.bytes.toString().slice(0, 300)}`);
        if (r.file) assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="/, key);
        else if (res.body && 'method' in res.body) assert.equal(res.body.method, r.contract, key);
      }
    });

    it('turns path, query and body into the contract input', async () => {
      const list = await f.http('GET', '/api/v1/detections?camera_id=cam_1&start_time=2025-11-06T00:00:00Z&min_confidence=0.7&page_size=20', { cookie: admin });
      assert.deepEqual(list.body.input, { camera_id: 'cam_1', from: '2025-11-06T00:00:00Z', min_confidence: 0.7, limit: 20 });
      const start = await f.http('POST', '/api/v1/cameras/cam_7/start-detection', { cookie: admin });
      assert.deepEqual(start.body, { method: 'cameras.setDetection', input: { id: 'cam_7', running: true } });
      const stop = await f.http('POST', '/api/v1/cameras/cam_7/stop-detection', { cookie: admin });
      assert.deepEqual(stop.body.input, { id: 'cam_7', running: false });
      const patch = await f.http('PATCH', '/api/v1/cameras/cam_7', { cookie: admin, body: { name: 'Lobby' } });
      assert.equal(patch.body.input.id, 'cam_7');
      assert.equal(patch.body.input.patch.name, 'Lobby');
      const stats = await f.http('GET', '/api/v1/detections/statistics?period=1h', { cookie: guard });
      assert.deepEqual(stats.body.input, { period: '1h' });
    });

    it('validation errors are 400 with the field; auth errors 401/403', async () => {
      const e1 = await f.http('GET', '/api/v1/detections?min_confidence=high', { cookie: admin });
      assert.equal(e1.status, 400);
      assert.equal(e1.body.error.field, 'min_confidence');
      const e2 = await f.http('GET', '/api/v1/attendance', { cookie: admin });
      assert.equal(e2.status, 400);
      assert.equal(e2.body.error.field, 'date');
      const e3 = await f.http('POST', '/api/v1/persons', { cookie: admin, body: { name: 'no employee id' } });
      assert.equal(e3.status, 400);
      assert.equal(e3.body.error.field, 'employee_id');
      const e4 = await f.http('GET', '/api/v1/cameras/bad%20id', { cookie: admin });
      assert.equal(e4.status, 400);
      const e5 = await f.http('POST', '/api/v1/detections/provider/config', { cookie: admin, body: { api: { bind: '0.0.0.0' } } });
      assert.equal(e5.status, 400, 'only provider settings through this endpoint');
      for (const r of restRoutes) {
        const res = await f.http(r.method, `/api/v1${url(r.path)}`, {});
        assert.equal(res.status, 401, `${r.method} ${r.path} without a session`);
        assert.equal(res.body.error.code, 'UNAUTHENTICATED');
      }
    });
  });

  describe('roles', () => {
    it('a guard cannot enrol, export personal data or read the audit log (REST and RPC); denials are audited', async () => {
      const pid = f.store.persons.create({ employee_id: 'E-G', name: 'Guarded' }).id;
      const denied = [
        await f.http('POST', `/api/v1/persons/${pid}/photos`, { cookie: guard, body: { photos: [{ name: 'a.jpg', data_base64: '/9j/4AAQ' }] } }),
        await f.rpc('persons.enrolPhotos', { id: pid, photos: [{ name: 'a.jpg', data_base64: '/9j/4AAQ' }] }, guard),
        await f.rpc('persons.enrolBulk', { rows: [{ employee_id: 'x', name: 'y', photos: [] }] }, guard),
        await f.http('GET', `/api/v1/persons/${pid}/export`, { cookie: guard }),
        await f.rpc('persons.exportData', { id: pid }, guard),
        await f.http('GET', '/api/v1/detections/export?format=csv', { cookie: guard }),
        await f.http('GET', '/api/v1/attendance/export?from=2025-01-01&to=2025-01-02&format=csv', { cookie: guard }),
        await f.http('GET', '/api/v1/audit', { cookie: guard }),
        await f.rpc('audit.list', {}, guard),
        await f.rpc('audit.verify', {}, guard),
      ];
      for (const d of denied) {
        assert.equal(d.status, 403);
        assert.equal(d.body.error.code, 'FORBIDDEN');
      }
      const rows = (await f.http('GET', '/api/v1/audit?action=persons.enrolPhotos', { cookie: auditor })).body.items;
      assert.ok(rows.some((r: { username: string; result: string }) => r.username === 'gary' && r.result === 'denied'));
      // what a guard may do, and what an admin may: the same endpoints succeed
      assert.equal((await f.http('GET', '/api/v1/detections/live', { cookie: guard })).status, 200);
      assert.equal((await f.http('POST', `/api/v1/persons/${pid}/photos`, { cookie: admin, body: { photos: [{ name: 'a.jpg', data_base64: '/9j/4AAQ' }] } })).status, 200);
      assert.equal((await f.http('GET', `/api/v1/persons/${pid}/export`, { cookie: admin })).status, 200);
    });

    it('an auditor reads and verifies the audit log but nothing else', async () => {
      const list = await f.http('GET', '/api/v1/audit?limit=5', { cookie: auditor });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.length > 0);
      assert.equal((await f.http('GET', '/api/v1/audit/verify', { cookie: auditor })).body.ok, true);
      assert.equal((await f.http('GET', '/api/v1/detections', { cookie: auditor })).status, 403);
      assert.equal((await f.http('GET', '/api/v1/persons', { cookie: auditor })).status, 403);
    });
  });

  describe('API tokens', () => {
    it('read tokens read, cannot write or push frames; revoked tokens are refused', async () => {
      const read = (await f.rpc('tokens.create', { name: 'dashboard', scopes: ['read'] }, admin)).body;
      assert.equal((await f.http('GET', '/api/v1/cameras', { token: read.secret })).status, 200);
      const w = await f.http('POST', '/api/v1/cameras', { token: read.secret, body: { name: 'Door', source: { type: 'rtsp', url: 'rtsp://h/s' } } });
      assert.equal(w.status, 403);
      assert.match(w.body.error.message, /write/);
      const pf = await f.http('POST', '/api/v1/detections/process-frame', { token: read.secret, body: {} });
      assert.equal(pf.status, 403);
      assert.match(pf.body.error.message, /frames/);
      await f.rpc('tokens.revoke', { id: read.id }, admin);
      const gone = await f.http('GET', '/api/v1/cameras', { token: read.secret });
      assert.equal(gone.status, 401);
      assert.equal((await f.http('GET', '/api/v1/cameras', { token: 'vgl_nonsense' })).status, 401);
    });
  });

  describe('media and live streams', () => {
    it('serves image files to staff only, and nothing outside the data directory', async () => {
      mkdirSync(join(f.dataDir, 'snapshots/2025/01/01'), { recursive: true });
      writeFileSync(join(f.dataDir, 'snapshots/2025/01/01/evt_1-face.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
      const outside = mkdtempSync(join(tmpdir(), 'vigil-outside-'));
      writeFileSync(join(outside, 'secret.jpg'), 'secret');
      symlinkSync(join(outside, 'secret.jpg'), join(f.dataDir, 'snapshots/2025/01/01/link.jpg'));
      const ok = await f.http('GET', '/media/snapshots/2025/01/01/evt_1-face.jpg', { cookie: guard });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('content-type'), 'image/jpeg');
      assert.deepEqual([...ok.bytes], [0xff, 0xd8, 0xff, 0xd9]);
      assert.equal((await f.http('GET', '/media/snapshots/2025/01/01/evt_1-face.jpg')).status, 401);
      assert.equal((await f.http('GET', '/media/snapshots/2025/01/01/evt_1-face.jpg', { cookie: auditor })).status, 403);
      for (const p of ['/media/vigil.sqlite', '/media/keys/secrets.key', '/media/snapshots/2025/01/01/link.jpg', '/media/%2e%2e/%2e%2e/etc/passwd', '/media/snapshots/..%2F..%2Fvigil.sqlite', '/media/.hidden.jpg', '/media/snapshots/nope.jpg']) {
        const r = await f.http('GET', p, { cookie: admin });
        assert.ok(r.status === 400 || r.status === 404, `${p} → ${r.status}`);
        assert.ok(!r.bytes.includes(Buffer.from('secret')) && !r.bytes.includes(Buffer.from('SQLite format')), p);
      }
    });

    it('pipes a live stream the host opens', async () => {
      const r = await f.http('GET', '/live/cam_1.mjpeg', { cookie: guard });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'multipart/x-mixed-replace; boundary=frame');
      assert.equal(r.bytes.toString(), 'part-1part-2');
      assert.equal((await f.http('GET', '/live/cam_2.mp4', { cookie: guard })).status, 404);
      assert.equal((await f.http('GET', '/live/cam_1.avi', { cookie: guard })).status, 404);
      assert.equal((await f.http('GET', '/live/cam_1.mp4')).status, 401);
    });
  });

  describe('OpenAPI', () => {
    it('documents every REST route from the validating schemas', async () => {
      const r = await f.http('GET', '/api/v1/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      for (const route of restRoutes) {
        const p = `/api/v1${route.path.replace(/:([a-z_]+)/g, '{$1}')}`;
        assert.ok(r.body.paths[p]?.[route.method.toLowerCase()], `${route.method} ${p} documented`);
      }
      const pf = r.body.paths['/api/v1/detections/process-frame'].post;
      const reqSchema = pf.requestBody.content['application/json'].schema;
      assert.deepEqual(reqSchema.required.sort(), ['camera_id', 'frame_data', 'frame_id', 'stream_type', 'timestamp']);
      assert.ok(pf.responses['202'] && pf.callbacks);
      const create = r.body.paths['/api/v1/persons'].post.requestBody.content['application/json'].schema;
      assert.ok(create.properties.employee_id);
    });
  });
});
