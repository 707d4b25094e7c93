// WebSocket endpoints over a real server and real `ws` clients: auth on upgrade, role-checked subscriptions,
// subscription filters (camera, confidence, persons), heartbeats, session revocation, and back-pressure (slow clients downsampled, then dropped).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { LiveFrame } from '../../src-contract/schemas.ts';
import { startApiFixture, type ApiFixture, type Body } from './testing/api-fixture.ts';

interface Client {
  ws: WebSocket;
  messages: Body[];
  next(pred: (m: Body) => boolean, ms?: number): Promise<Body>;
  closed: Promise<number>;
}

function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: Body[] = [];
    const waiters: Array<{ pred: (m: Body) => boolean; resolve: (m: Body) => void }> = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      messages.push(m);
      for (const w of [...waiters]) if (w.pred(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused ${res.statusCode}`), { status: res.statusCode })));
    ws.on('error', reject);
    ws.on('open', () => resolve({
      ws, messages, closed,
      next(pred, ms = 3000) {
        const found = messages.find(pred);
        if (found) return Promise.resolve(found);
        return new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error(`no matching message in ${ms} ms; got ${JSON.stringify(messages.slice(-3))}`)), ms);
          waiters.push({ pred, resolve: (m) => { clearTimeout(t); res(m); } });
        });
      },
    }));
  });
}

const frame = (camera: string, faces: Array<[score: number, person: string | null]>, seq = 1, pad = 0): LiveFrame => ({
  camera_id: camera, seq, frame_width: 1280, frame_height: 720, captured_at_ms: Date.parse('2025-11-06T12:45:23.123Z'),
  faces: faces.map(([score, person], i) => ({
    track_id: `t${i}${'x'.repeat(pad)}`, box: [100 + i, 50, 120, 135], score, decision: person ? 'recognized' : 'unknown', person_id: person,
    name: person ? `Name ${person}` : null, confidence: person ? 0.87 : null, watchlist: false,
  })),
});

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

describe('WebSocket endpoints', () => {
  let f: ApiFixture;
  let admin: string;
  let guard: string;
  let auditor: string;
  let wsBase: string;

  before(async () => {
    f = await startApiFixture({ ws: { heartbeatMs: 250, channel: { softLimitBytes: 64 * 1024, hardLimitBytes: 8 * 1024 * 1024, slowGraceMs: 400, maxQueued: 64 } } });
    admin = await f.setupAdmin();
    guard = await f.userCookie(admin, 'guard', 'gwen');
    auditor = await f.userCookie(admin, 'auditor', 'otto');
    wsBase = f.url.replace('http', 'ws');
  });
  after(async () => f.close());

  it('refuses upgrades without a session, with a bad client_id, or for a role without live access', async () => {
    await assert.rejects(connect(`${wsBase}/api/ws`), { status: 401 });
    await assert.rejects(connect(`${wsBase}/api/v1/detections/ws/c1`), { status: 401 });
    await assert.rejects(connect(`${wsBase}/api/v1/detections/ws/bad%20id`, { cookie: guard }), { status: 400 });
    await assert.rejects(connect(`${wsBase}/api/v1/detections/ws/c1`, { cookie: auditor }), { status: 403 });
    await assert.rejects(connect(`${wsBase}/api/ws`, { cookie: guard, origin: 'http://evil.example' }), { status: 403 });
  });

  it('contract /api/ws: role-checked subscriptions with camera filters, unsubscribe', async () => {
    const c = await connect(`${wsBase}/api/ws`, { cookie: guard });
    c.ws.send(JSON.stringify({ type: 'subscribe', id: 's1', topic: 'live.frame', filter: { camera_id: 'cam_1' } }));
    await c.next((m) => m.type === 'subscribed' && m.id === 's1');
    c.ws.send(JSON.stringify({ type: 'subscribe', id: 's2', topic: 'attendance.punch', filter: {} }));
    const err = await c.next((m) => m.type === 'error' && m.id === 's2');
    assert.equal(err.error.code, 'FORBIDDEN');
    c.ws.send('{not json');
    assert.equal((await c.next((m) => m.type === 'error' && !m.id)).error.code, 'INVALID_REQUEST');
    f.bus.publish('live.frame', frame('cam_2', [[0.9, null]], 1));
    f.bus.publish('live.frame', frame('cam_1', [[0.9, null]], 2));
    const ev = await c.next((m) => m.type === 'event');
    assert.equal(ev.payload.camera_id, 'cam_1');
    assert.equal(ev.payload.seq, 2);
    c.ws.send(JSON.stringify({ type: 'unsubscribe', id: 's1' }));
    await settle();
    f.bus.publish('live.frame', frame('cam_1', [[0.9, null]], 3));
    await settle();
    assert.equal(c.messages.filter((m) => m.type === 'event').length, 1);
    assert.ok(c.messages.some((m) => m.type === 'heartbeat') || (await c.next((m) => m.type === 'heartbeat')));
    c.ws.close();
  });

  it('v1 detections: connection_established, filters by camera, confidence and person, unsubscribe', async () => {
    const c = await connect(`${wsBase}/api/v1/detections/ws/gui-1`, { cookie: guard });
    const hello = await c.next((m) => m.type === 'connection_established');
    assert.equal(hello.client_id, 'gui-1');
    assert.equal(hello.heartbeat_interval_ms, 250);
    c.ws.send(JSON.stringify({ type: 'subscribe', camera_id: 'cam_1', filters: { min_confidence: 0.8, person_ids: ['per_a'] } }));
    await c.next((m) => m.type === 'subscribed');
    f.bus.publish('live.frame', frame('cam_2', [[0.99, 'per_a']], 1)); // other camera
    f.bus.publish('live.frame', frame('cam_1', [[0.5, 'per_a'], [0.95, 'per_b']], 2)); // nothing passes: no message
    f.bus.publish('live.frame', frame('cam_1', [[0.9, 'per_a'], [0.95, 'per_b'], [0.6, 'per_a'], [0.99, null]], 3));
    const ev = await c.next((m) => m.type === 'detection_event');
    assert.equal(ev.data.camera_id, 'cam_1');
    assert.equal(ev.data.frame_seq, 3);
    assert.equal(ev.data.detections.length, 1);
    const d = ev.data.detections[0];
    assert.equal(d.person_id, 'per_a');
    assert.equal(d.confidence, 0.9);
    assert.deepEqual(d.bounding_box, { x: 100, y: 50, width: 120, height: 135, normalized: { x: 0.0781, y: 0.0694, width: 0.0938, height: 0.1875 } });
    await settle();
    assert.equal(c.messages.filter((m) => m.type === 'detection_event').length, 1);
    c.ws.send(JSON.stringify({ type: 'unsubscribe', camera_id: 'cam_1' }));
    await c.next((m) => m.type === 'unsubscribed');
    f.bus.publish('live.frame', frame('cam_1', [[0.9, 'per_a']], 4));
    await settle();
    assert.equal(c.messages.filter((m) => m.type === 'detection_event').length, 1);
    c.ws.send(JSON.stringify({ type: 'subscribe', filters: { bogus: 1 } }));
    assert.equal((await c.next((m) => m.type === 'error')).error.code, 'INVALID_REQUEST');
    c.ws.close();
  });

  it('v1 detections: API token in the query string; scope checked; a second connection with the same client_id replaces the first', async () => {
    const read = (await f.rpc('tokens.create', { name: 'wall', scopes: ['read'] }, admin)).body.secret;
    const frames = (await f.rpc('tokens.create', { name: 'pusher', scopes: ['frames'] }, admin)).body.secret;
    await assert.rejects(connect(`${wsBase}/api/v1/detections/ws/wall?access_token=${frames}`), { status: 403 });
    const a = await connect(`${wsBase}/api/v1/detections/ws/wall?access_token=${read}`);
    await a.next((m) => m.type === 'connection_established');
    const b = await connect(`${wsBase}/api/v1/detections/ws/wall?access_token=${read}`);
    await b.next((m) => m.type === 'connection_established');
    assert.equal(await a.closed, 4409);
    b.ws.close();
  });

  it('closes sockets whose session ended', async () => {
    const login = await f.rpc('auth.login', { username: 'gwen', password: 'gwen-password-123' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const c = await connect(`${wsBase}/api/v1/detections/ws/short`, { cookie });
    await c.next((m) => m.type === 'connection_established');
    await f.rpc('auth.logout', {}, cookie);
    assert.equal(await c.closed, 4401);
  });
});

describe('WebSocket back-pressure', () => {
  let f: ApiFixture;
  let guard: string;
  let wsBase: string;
  before(async () => {
    // Heartbeats far apart so the slow client is removed by back-pressure, not by a missed pong.
    f = await startApiFixture({ ws: { heartbeatMs: 60_000, channel: { softLimitBytes: 64 * 1024, hardLimitBytes: 64 * 1024 * 1024, slowGraceMs: 300, maxQueued: 64 } } });
    guard = await f.userCookie(await f.setupAdmin(), 'guard', 'gwen');
    wsBase = f.url.replace('http', 'ws');
  });
  after(async () => f.close());

  it('back-pressure: a client that stops reading is downsampled then dropped; others keep the latest state; memory stays bounded', async () => {
    const slow = await connect(`${wsBase}/api/v1/detections/ws/slow`, { cookie: guard });
    const fast = await connect(`${wsBase}/api/v1/detections/ws/fast`, { cookie: guard });
    for (const c of [slow, fast]) {
      c.ws.send(JSON.stringify({ type: 'subscribe' }));
      await c.next((m) => m.type === 'subscribed');
    }
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // stops reading: the kernel buffers fill, then the server's
    const before = f.server.wsStats();
    const N = 400;
    for (let i = 0; i < N; i++) {
      f.bus.publish('live.frame', frame(`cam_${i % 4}`, Array.from({ length: 40 }, (_, k) => [0.9, `per_${k}`] as [number, string]), i, 2000));
      if (i % 20 === 0) await settle(5);
    }
    for (let t = 0; t < 100 && f.server.wsStats().droppedClients === before.droppedClients; t++) await settle(50);
    const after = f.server.wsStats();
    socket.resume();
    await slow.closed; // the client sees the cut once it reads again
    assert.ok(after.coalesced > before.coalesced, 'slow client was downsampled before being dropped');
    assert.ok(after.droppedClients > before.droppedClients);
    assert.ok(after.queuedPeak <= 64, `queue bounded (${after.queuedPeak})`);
    // The other client stays connected and ends with the newest frame of every camera (if it fell behind too on
    // a loaded machine, coalescing dropped only intermediate frames, never the latest state).
    for (let cam = 0; cam < 4; cam++) {
      const last = N - 4 + cam;
      await fast.next((m) => m.type === 'detection_event' && m.data.frame_seq === last, 5000);
    }
    assert.equal(fast.ws.readyState, WebSocket.OPEN);
    const seqs = fast.messages.filter((m) => m.type === 'detection_event').map((m) => m.data.frame_seq as number);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in order');
    fast.ws.close();
  });
});
