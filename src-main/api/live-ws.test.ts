// Live MJPEG tiles over the console WebSocket, end to end on a real server and a real `ws` client, fed by a real
// LiveView: the /live/ route's access check, binary frames named by camera, and the ack-based flow control.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { VigilError } from '../../src-contract/errors.ts';
import { decodeLiveFrame } from '../../src-contract/http-transport.ts';
import { LiveView } from '../camera/live-view.ts';
import { startApiFixture, type ApiFixture } from './testing/api-fixture.ts';

interface Client { ws: WebSocket; texts: Array<Record<string, unknown>>; frames: Array<{ cameraId: string; text: string }> }

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

async function connect(url: string, cookie: string): Promise<Client> {
  const ws = new WebSocket(url, { headers: { cookie } });
  const c: Client = { ws, texts: [], frames: [] };
  ws.on('message', (d, binary) => {
    if (!binary) return void c.texts.push(JSON.parse(d.toString()));
    const f = decodeLiveFrame(new Uint8Array(d as Buffer));
    if (f) c.frames.push({ cameraId: f.cameraId, text: Buffer.from(f.jpeg).toString() });
  });
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  return c;
}

async function until(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(10);
  }
}

describe('live tiles over /api/ws', () => {
  const views = new Map<string, LiveView>();
  let f: ApiFixture;
  let admin: string;
  let guard: string;
  let auditor: string;
  let ws: string;

  before(async () => {
    for (const id of ['lobby', 'dock']) {
      const v = new LiveView(id);
      v.resetForConnection(['mjpeg']);
      views.set(id, v);
    }
    f = await startApiFixture({
      liveJpegs: (id, onJpeg) => {
        const v = views.get(id);
        if (!v) throw new VigilError('NOT_FOUND', `no camera ${id}`);
        return v.subscribe('mjpeg', (c) => { if (c.kind === 'jpeg') onJpeg(c.data); });
      },
    });
    admin = await f.setupAdmin();
    guard = await f.userCookie(admin, 'guard', 'gwen');
    auditor = await f.userCookie(admin, 'auditor', 'otto');
    ws = `${f.url.replace('http', 'ws')}/api/ws`;
  });
  after(async () => f.close());

  it('a guard gets each camera\'s pictures as binary messages named by camera, one tile per camera', async () => {
    const c = await connect(ws, guard);
    c.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'lobby' }));
    c.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'dock' }));
    await until(() => c.texts.filter((m) => m.type === 'live_opened').length === 2, 'two live_opened');
    views.get('lobby')!.pushJpeg(Buffer.from('L1'), Date.now());
    views.get('dock')!.pushJpeg(Buffer.from('D1'), Date.now());
    await until(() => c.frames.length === 2, 'two frames');
    assert.deepEqual(c.frames.sort((a, b) => a.cameraId.localeCompare(b.cameraId)), [{ cameraId: 'dock', text: 'D1' }, { cameraId: 'lobby', text: 'L1' }]);
    c.ws.send(JSON.stringify({ type: 'live_close', camera_id: 'dock' }));
    await settle();
    views.get('dock')!.pushJpeg(Buffer.from('D2'), Date.now());
    await settle();
    assert.equal(c.frames.filter((x) => x.text === 'D2').length, 0, 'nothing after live_close');
    c.ws.close();
  });

  it('without acks at most two pictures are on the way; an ack releases the newest one', async () => {
    const c = await connect(ws, admin);
    c.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'lobby' }));
    await until(() => c.texts.some((m) => m.type === 'live_opened'), 'live_opened');
    await until(() => c.frames.length === 1, 'the picture the view keeps for late viewers');
    for (let i = 1; i <= 10; i++) views.get('lobby')!.pushJpeg(Buffer.from(`P${i}`), Date.now());
    await settle(200);
    assert.deepEqual(c.frames.slice(1).map((x) => x.text), ['P1'], 'the kept picture and P1 are on the way: no more');
    c.ws.send(JSON.stringify({ type: 'live_ack', camera_id: 'lobby' }));
    await until(() => c.frames.length === 3, 'a third frame');
    assert.equal(c.frames[2].text, 'P10', 'stale pictures were dropped, not queued');
    c.ws.close();
  });

  it('refuses roles without live video and unknown cameras with typed errors; the socket stays usable', async () => {
    const a = await connect(ws, auditor);
    a.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'lobby' }));
    await until(() => a.texts.some((m) => m.type === 'live_error'), 'live_error');
    assert.equal((a.texts.find((m) => m.type === 'live_error')!.error as { code: string }).code, 'FORBIDDEN');
    views.get('lobby')!.pushJpeg(Buffer.from('X'), Date.now());
    await settle();
    assert.equal(a.frames.length, 0, 'an auditor gets no pictures');
    a.ws.close();

    const g = await connect(ws, guard);
    g.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'nope' }));
    g.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'bad id!' }));
    await until(() => g.texts.filter((m) => m.type === 'live_error' || m.type === 'error').length === 2, 'two errors');
    assert.deepEqual(g.texts.map((m) => m.type === 'live_error' ? (m.error as { code: string }).code : m.type === 'error' ? `error:${(m.error as { code: string }).code}` : m.type).sort(),
      ['NOT_FOUND', 'error:INVALID_REQUEST']);
    g.ws.send(JSON.stringify({ type: 'ping' }));
    await until(() => g.texts.some((m) => m.type === 'pong'), 'pong');
    g.ws.close();
  });
});
