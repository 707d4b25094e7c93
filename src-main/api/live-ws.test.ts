// Live MJPEG tiles over the console WebSocket, end to end on a real server and a real `ws` client, fed by a real
// LiveView: the /live/ route's access check, binary frames named by camera, and the ack-based flow control.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { VigilError } from '../../src-contract/errors.ts';
import { FMP4_INIT, FMP4_KEYFRAME, decodeLiveFmp4, decodeLiveFrame } from '../../src-contract/http-transport.ts';
import { LiveView } from '../camera/live-view.ts';
import { startApiFixture, type ApiFixture } from './testing/api-fixture.ts';

interface Client { ws: WebSocket; texts: Array<Record<string, unknown>>; frames: Array<{ cameraId: string; text: string }>; video: Array<{ cameraId: string; flags: number; text: string }> }

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

async function connect(url: string, cookie: string): Promise<Client> {
  const ws = new WebSocket(url, { headers: { cookie } });
  const c: Client = { ws, texts: [], frames: [], video: [] };
  ws.on('message', (d, binary) => {
    if (!binary) return void c.texts.push(JSON.parse(d.toString()));
    const v = decodeLiveFmp4(new Uint8Array(d as Buffer));
    if (v) return void c.video.push({ cameraId: v.cameraId, flags: v.flags, text: Buffer.from(v.data).toString() });
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
    const hall = new LiveView('hall');
    hall.resetForConnection(['fmp4']);
    views.set('hall', hall);
    f = await startApiFixture({
      liveFmp4: (id, onChunk) => {
        const v = views.get(id);
        if (!v) throw new VigilError('NOT_FOUND', `no camera ${id}`);
        if (!v.formats.includes('fmp4')) throw new VigilError('STREAM_UNAVAILABLE', `camera ${id} has no fmp4 live view now`);
        return v.subscribe('fmp4', (c) => {
          if (c.kind === 'init') onChunk({ kind: 'init', data: c.data });
          else if (c.kind === 'segment') onChunk({ kind: 'segment', data: c.data, keyframe: c.keyframe });
        });
      },
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

  it('fMP4 tiles: a late guard gets the init segment and the current GOP first, then fragments paced by acks', async () => {
    const hall = views.get('hall')!;
    hall.pushInit(Buffer.from('INIT'), 'video/mp4; codecs="avc1.42c01e"', 'avc1.42c01e');
    hall.pushSegment(Buffer.from('K1'), true, 5);
    hall.pushSegment(Buffer.from('p2'), false, 5);
    const c = await connect(ws, guard);
    c.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'hall', format: 'fmp4' }));
    await until(() => c.texts.some((m) => m.type === 'live_opened' && m.format === 'fmp4'), 'live_opened fmp4');
    await until(() => c.video.length === 3, 'init + GOP');
    assert.deepEqual(c.video.map((v) => [v.text, v.flags]), [['INIT', FMP4_INIT], ['K1', FMP4_KEYFRAME], ['p2', 0]]);
    assert.equal(c.frames.length, 0, 'no JPEG messages for a video tile');
    for (let i = 3; i <= 8; i++) hall.pushSegment(Buffer.from(`p${i}`), false, 5);
    await settle(150);
    assert.deepEqual(c.video.map((v) => v.text), ['INIT', 'K1', 'p2', 'p3'], 'credit 4: four on the way until acks come');
    for (let i = 0; i < 4; i++) c.ws.send(JSON.stringify({ type: 'live_ack', camera_id: 'hall', format: 'fmp4' }));
    await until(() => c.video.length === 8, 'the queued fragments follow in order after the acks');
    assert.deepEqual(c.video.slice(4).map((v) => v.text), ['p4', 'p5', 'p6', 'p7']);
    c.ws.send(JSON.stringify({ type: 'live_close', camera_id: 'hall', format: 'fmp4' }));
    await settle();
    for (let i = 0; i < 4; i++) c.ws.send(JSON.stringify({ type: 'live_ack', camera_id: 'hall', format: 'fmp4' }));
    await settle();
    assert.equal(c.video.length, 8, 'nothing after live_close');
    c.ws.close();
  });

  it('fMP4 tiles have the /live/ route\'s access check; a JPEG-only camera answers STREAM_UNAVAILABLE', async () => {
    const a = await connect(ws, auditor);
    a.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'hall', format: 'fmp4' }));
    await until(() => a.texts.some((m) => m.type === 'live_error'), 'live_error');
    const refused = a.texts.find((m) => m.type === 'live_error')!;
    assert.equal((refused.error as { code: string }).code, 'FORBIDDEN');
    assert.equal(refused.format, 'fmp4');
    views.get('hall')!.pushSegment(Buffer.from('K9'), true, 5);
    await settle();
    assert.equal(a.video.length, 0, 'an auditor gets no video');
    a.ws.close();

    const g = await connect(ws, guard);
    g.ws.send(JSON.stringify({ type: 'live_open', camera_id: 'lobby', format: 'fmp4' }));
    await until(() => g.texts.some((m) => m.type === 'live_error'), 'live_error');
    assert.equal((g.texts.find((m) => m.type === 'live_error')!.error as { code: string }).code, 'STREAM_UNAVAILABLE');
    g.ws.close();
  });
});
