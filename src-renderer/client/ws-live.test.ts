// The client half of the WebSocket live tiles against a real `ws` server: binary pictures reach the views of
// their camera, one live_ack once every view drew a picture, live_close with the last view, and live_open
// re-sent after the socket comes back (host restart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { FMP4_INIT, FMP4_KEYFRAME, encodeLiveFmp4, encodeLiveFrame, type WsClientMessage } from '../../src-contract/http-transport.ts';
import { WsSubscriptions, type WsLike } from './ws-subscriptions.ts';

const until = async (cond: () => boolean, what: string, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('live tiles: pictures per camera, acks after every view drew, close, reopen after a reconnect', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const got: WsClientMessage[] = [];
  let sockets = 0;
  wss.on('connection', (ws) => {
    sockets++;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as WsClientMessage;
      got.push(m);
      if (m.type === 'live_open') ws.send(encodeLiveFrame(m.camera_id, Buffer.from(`${m.camera_id}-${sockets}`)));
    });
  });
  const { port } = wss.address() as AddressInfo;
  const subs = new WsSubscriptions({ url: () => `ws://127.0.0.1:${port}`, open: (u) => new WebSocket(u) as unknown as WsLike, minBackoffMs: 20, maxBackoffMs: 50 });
  const seen: Array<{ view: string; text: string; done: () => void }> = [];
  const view = (name: string) => (jpeg: Uint8Array, done: () => void) => seen.push({ view: name, text: Buffer.from(jpeg).toString(), done });
  const stopA = subs.openLive('lobby', { onFrame: view('a') });
  const stopB = subs.openLive('lobby', { onFrame: view('b') });
  await until(() => seen.length === 2, 'both views get the picture');
  assert.deepEqual(seen.map((s) => `${s.view}:${s.text}`).sort(), ['a:lobby-1', 'b:lobby-1']);
  assert.equal(got.filter((m) => m.type === 'live_open').length, 1, 'one live_open per camera');

  seen[0].done();
  seen[0].done(); // a second call of the same done counts once
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(got.filter((m) => m.type === 'live_ack').length, 0, 'not acked while a view is still drawing');
  seen[1].done();
  await until(() => got.some((m) => m.type === 'live_ack'), 'ack');

  // The host goes away and comes back: the tile is opened again on the new socket.
  for (const c of wss.clients) c.terminate();
  await until(() => seen.length === 4, 'a picture on the new socket', 5000);
  assert.equal(seen[3].text, 'lobby-2');
  assert.equal(got.filter((m) => m.type === 'live_open').length, 2);

  stopA();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.filter((m) => m.type === 'live_close').length, 0, 'another view still shows the camera');
  stopB();
  await until(() => got.some((m) => m.type === 'live_close'), 'live_close with the last view');
  subs.close();
  wss.close();
});

test('live video: init and fragments per camera, late view starts at the kept GOP, one ack per chunk, fresh init after a reconnect', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const got: WsClientMessage[] = [];
  let sockets = 0;
  wss.on('connection', (ws) => {
    sockets++;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as WsClientMessage;
      got.push(m);
      if (m.type === 'live_open' && m.format === 'fmp4') {
        ws.send(encodeLiveFmp4(m.camera_id, FMP4_INIT, Buffer.from(`init-${sockets}`)));
        ws.send(encodeLiveFmp4(m.camera_id, FMP4_KEYFRAME, Buffer.from(`K1-${sockets}`)));
        ws.send(encodeLiveFmp4(m.camera_id, 0, Buffer.from(`p2-${sockets}`)));
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  const subs = new WsSubscriptions({ url: () => `ws://127.0.0.1:${port}`, open: (u) => new WebSocket(u) as unknown as WsLike, minBackoffMs: 20, maxBackoffMs: 50 });
  const seen: Array<{ view: string; text: string; flags: number; done: () => void }> = [];
  const view = (name: string) => ({ onChunk: (c: { flags: number; data: Uint8Array }, done: () => void) => seen.push({ view: name, text: Buffer.from(c.data).toString(), flags: c.flags, done }) });
  const stopA = subs.openLiveVideo('hall', view('a'));
  await until(() => seen.length === 3, 'init and the GOP');
  assert.deepEqual(seen.map((s) => [s.text, s.flags]), [['init-1', FMP4_INIT], ['K1-1', FMP4_KEYFRAME], ['p2-1', 0]]);
  assert.equal(got.filter((m) => m.type === 'live_open').length, 1);
  assert.equal(got[0].type === 'live_open' && got[0].format, 'fmp4');

  // A second view of the same camera: no second live_open; it starts from the init and the fragments since the keyframe.
  const stopB = subs.openLiveVideo('hall', view('b'));
  assert.deepEqual(seen.filter((s) => s.view === 'b').map((s) => s.text), ['init-1', 'K1-1', 'p2-1']);
  assert.equal(got.filter((m) => m.type === 'live_open').length, 1);
  for (const s of seen) s.done();
  await until(() => got.filter((m) => m.type === 'live_ack').length === 3, 'one ack per chunk of the socket');
  assert.ok(got.filter((m) => m.type === 'live_ack').every((m) => m.type === 'live_ack' && m.format === 'fmp4'));

  // Host restart: the tile is opened again and both views get the new stream's init segment first.
  for (const c of wss.clients) c.terminate();
  await until(() => seen.filter((s) => s.text === 'init-2').length === 2, 'a fresh init on the new socket', 5000);
  assert.equal(got.filter((m) => m.type === 'live_open').length, 2);

  stopA();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.filter((m) => m.type === 'live_close').length, 0, 'another view still plays the camera');
  stopB();
  await until(() => got.some((m) => m.type === 'live_close' && m.format === 'fmp4'), 'live_close with the last view');
  subs.close();
  wss.close();
});
