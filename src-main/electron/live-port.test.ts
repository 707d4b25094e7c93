// The live port end to end over a real MessageChannel (node:worker_threads stands in for MessageChannelMain and
// the renderer's DOM port): preload facade ↔ port ↔ LivePortSession ↔ the host's real TopicBus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { contract } from '../../src-contract/api.ts';
import type { TopicPayload } from '../../src-contract/api.ts';
import type { BridgeResult } from '../../src-contract/bridge.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { TopicBus } from '../core/topic-bus.ts';
import { createBridge, type BridgePort } from '../preload/bridge-facade.ts';
import type { ContractDispatcher } from './desktop-host.ts';
import { PORT_CHANNEL, PORT_CREDIT_WINDOW, PORT_REQUEST_CHANNEL } from './ipc-channels.ts';
import type { PortServerMessage } from './ipc-channels.ts';
import { IpcRouter } from './ipc-router.ts';
import { LivePortServer, LivePortSession, type PortLike, type PortRequestEvent } from './live-port.ts';
import { SenderGuard, type IpcEventLike } from './sender-guard.ts';
import type { ShellLog } from './shell-log.ts';

const quiet: ShellLog = { info: () => {}, warn: () => {}, error: () => {} };

/** node:worker_threads port as Electron's MessagePortMain shape (its 'message' listener gets the value itself). */
export function mainSide(port: MessagePort): PortLike {
  return {
    postMessage: (m) => port.postMessage(m),
    on: ((event: 'message' | 'close', listener: (e?: { data: unknown }) => void) => {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => listener());
    }) as PortLike['on'],
    start: () => port.start(),
    close: () => port.close(),
  };
}

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const frame = (camera_id: string, seq: number): TopicPayload<'live.frame'> => ({
  camera_id, seq, frame_width: 1280, frame_height: 720, captured_at_ms: 1_700_000_000_000 + seq,
  faces: [{ track_id: 't1', box: [10, 20, 64, 64], score: 0.93, decision: 'recognized', person_id: 'p1', name: 'Alice', confidence: 0.81, watchlist: false }],
});

/** A host with the real TopicBus and a session table: subscriptions need a signed-in session. */
function makeHost() {
  const bus = new TopicBus();
  const signedIn = new Set<string>();
  let live = 0;
  const host: ContractDispatcher = {
    dispatch: async (method, _input, ctx) => {
      if (method === 'auth.login') { signedIn.add(ctx.sessionId); return { user: { id: 'u1' }, expires_at: '2030-01-01T00:00:00Z', token: 't' }; }
      if (method === 'auth.logout') { signedIn.delete(ctx.sessionId); return { ok: true }; }
      return { ok: true };
    },
    subscribe: (topic, filter, ctx, onEvent) => {
      if (!signedIn.has(ctx.sessionId)) throw new VigilError('UNAUTHENTICATED', 'sign in first');
      live++;
      const off = bus.subscribe(topic, filter, onEvent);
      return () => { live--; off(); };
    },
  };
  return { host, bus, liveCount: () => live };
}

function wire(webContentsId = 4) {
  const { host, bus, liveCount } = makeHost();
  const guard = new SenderGuard();
  guard.trust(webContentsId);
  const rpc = new Map<string, (e: IpcEventLike, ...a: unknown[]) => Promise<BridgeResult>>();
  const portListeners = new Map<string, (e: PortRequestEvent<MessagePort>) => void>();
  const server = new LivePortServer<MessagePort>({
    ipc: { on: (c, l) => portListeners.set(c, l), removeListener: (c) => portListeners.delete(c) },
    createChannel: () => { const { port1, port2 } = new MessageChannel(); return { local: mainSide(port1), remote: port2 }; },
    guard, host, log: quiet,
  });
  const router = new IpcRouter({
    ipc: { handle: (c, l) => rpc.set(c, l), removeHandler: (c) => rpc.delete(c) },
    guard, host, log: quiet,
    onSessionChanged: (id) => server.sessionFor(id)?.clearSubscriptions(),
  });
  const url = 'app://vigil/index.html';
  let deliverPort: (p: BridgePort) => void = () => {};
  const bridge = createBridge(Object.keys(contract), {
    invoke: (channel, input) => rpc.get(channel)!({ sender: { id: webContentsId }, senderFrame: { url } }, input),
    requestPort: () => portListeners.get(PORT_REQUEST_CHANNEL)!({
      sender: { id: webContentsId },
      senderFrame: {
        url,
        postMessage: (channel, _m, transfer) => { assert.equal(channel, PORT_CHANNEL); deliverPort(transfer[0] as unknown as BridgePort); },
      },
    }),
    onPort: (l) => { deliverPort = l; },
    warn: () => {},
  });
  return { bridge, bus, server, router, liveCount, webContentsId };
}

test('subscriptions wait for login, flow with filters, stop on logout and resume on the next login', async () => {
  const { bridge, bus, server, liveCount, webContentsId } = wire();
  await until(() => server.sessionFor(webContentsId) !== undefined, 'port session');
  const got: Array<TopicPayload<'live.frame'>> = [];
  const unsubscribe = bridge.subscribe('live.frame', { camera_id: 'cam1' }, (p) => got.push(p as TopicPayload<'live.frame'>));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(liveCount(), 0, 'refused before login');

  const login = await bridge.call('auth.login', { username: 'admin', password: 'x' });
  assert.equal(login.status, 'ok');
  await until(() => liveCount() === 1, 're-subscribe after login');
  // Paced like a camera (a burst larger than the credit window is thinned to the newest frame: next test).
  for (let i = 0; i < 10; i++) {
    bus.publish('live.frame', frame('cam1', i));
    bus.publish('live.frame', frame('cam2', i));
    await until(() => got.length === i + 1, `frame ${i}`);
  }
  await until(() => got.length === 10, 'ten cam1 frames');
  assert.deepEqual(got.map((f) => f.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(got.every((f) => f.camera_id === 'cam1'));
  assert.equal(server.sessionFor(webContentsId)!.stats.superseded, 0, 'the renderer acked in time: nothing dropped');

  await bridge.call('auth.logout', {});
  assert.equal(liveCount(), 0, 'logout ends the subscription in the host at once');
  bus.publish('live.frame', frame('cam1', 99));
  await bridge.call('auth.login', { username: 'admin', password: 'x' });
  await until(() => liveCount() === 1, 'resumed');
  bus.publish('live.frame', frame('cam1', 100));
  await until(() => got.length === 11, 'frame after re-login');
  assert.equal(got[10].seq, 100, 'nothing published while signed out was delivered');

  unsubscribe();
  await until(() => liveCount() === 0, 'unsubscribed in the host');
  server.closeFor(webContentsId);
  assert.equal(server.sessionFor(webContentsId), undefined);
});

test('a stalled window gets at most the credit window, then only the newest frame', () => {
  const posted: PortServerMessage[] = [];
  let onMessage: (e: { data: unknown }) => void = () => {};
  const port: PortLike = {
    postMessage: (m) => posted.push(m as PortServerMessage),
    on: ((event: string, l: (e: { data: unknown }) => void) => { if (event === 'message') onMessage = l; }) as PortLike['on'],
    start: () => {}, close: () => {},
  };
  const bus = new TopicBus();
  const session = new LivePortSession(port, { dispatch: async () => null, subscribe: (t, f, _c, cb) => bus.subscribe(t, f, cb) }, { origin: 'ipc', sessionId: 's' }, quiet);
  onMessage({ data: { t: 'sub', id: 'a', topic: 'live.frame', filter: {} } });
  onMessage({ data: { t: 'sub', id: 'b', topic: 'cameras.status', filter: {} } });
  for (let i = 0; i < 100; i++) bus.publish('live.frame', frame('cam1', i));
  const events = () => posted.filter((m): m is Extract<PortServerMessage, { t: 'event' }> => m.t === 'event');
  assert.equal(events().length, PORT_CREDIT_WINDOW);
  assert.equal(session.stats.superseded, 100 - PORT_CREDIT_WINDOW - 1);
  onMessage({ data: { t: 'ack', id: 'a', n: 4 } });
  const last = events().at(-1)!;
  assert.equal((last.payload as TopicPayload<'live.frame'>).seq, 99, 'the held-back frame is the newest one');
  assert.equal(events().length, PORT_CREDIT_WINDOW + 1);
  // Low-rate topics are not credited: all of them arrive.
  for (let i = 0; i < 40; i++) bus.publish('cameras.status', { camera_id: 'cam1', state: 'running', next_retry_at: null, stats: { fps: 5, frames_captured: i, frames_processed: i, frames_dropped: 0, avg_latency_ms: null, reconnections: 0, downtime_ms: 0, bandwidth_kbps: null, last_error: null }, last_error: null } as never);
  assert.equal(events().filter((e) => e.id === 'b').length, 40);
});

test('malformed port messages are counted and ignored; duplicate ids and unknown topics are refused', () => {
  const posted: PortServerMessage[] = [];
  let onMessage: (e: { data: unknown }) => void = () => {};
  const port: PortLike = {
    postMessage: (m) => posted.push(m as PortServerMessage),
    on: ((event: string, l: (e: { data: unknown }) => void) => { if (event === 'message') onMessage = l; }) as PortLike['on'],
    start: () => {}, close: () => {},
  };
  let subscribed = 0;
  const session = new LivePortSession(port, { dispatch: async () => null, subscribe: () => { subscribed++; return () => {}; } }, { origin: 'ipc', sessionId: 's' }, quiet);
  for (const data of [null, 'sub', { t: 'sub', id: 'x', topic: 'secrets.dump', filter: {} }, { t: 'sub', id: '../x', topic: 'alerts' },
    { t: 'sub', id: 'x', topic: 'alerts', filter: { camera_id: 'cam1', evil: true } }, { t: 'ack', id: 'x', n: 1e9 }, { t: 'exec', cmd: 'rm' }]) {
    onMessage({ data });
  }
  assert.equal(session.stats.rejected, 7);
  assert.equal(subscribed, 0);
  onMessage({ data: { t: 'sub', id: 'x', topic: 'alerts' } });
  onMessage({ data: { t: 'sub', id: 'x', topic: 'alerts' } });
  assert.equal(subscribed, 1);
  assert.deepEqual(posted, [{ t: 'sub-error', id: 'x', error: { code: 'CONFLICT', message: 'subscription x exists' } }]);
});

test('port requests from windows that are not ours get no port', () => {
  const guard = new SenderGuard();
  guard.trust(1);
  let listener: ((e: PortRequestEvent<string>) => void) | undefined;
  let created = 0;
  const server = new LivePortServer<string>({
    ipc: { on: (_c, l) => { listener = l; }, removeListener: () => { listener = undefined; } },
    createChannel: () => { created++; throw new Error('must not be reached'); },
    guard, host: { dispatch: async () => null, subscribe: () => () => {} }, log: quiet,
  });
  const sent: unknown[] = [];
  listener!({ sender: { id: 2 }, senderFrame: { url: 'app://vigil/', postMessage: (...a) => sent.push(a) } });
  listener!({ sender: { id: 1 }, senderFrame: { url: 'https://example.com/', postMessage: (...a) => sent.push(a) } });
  assert.equal(created, 0);
  assert.equal(sent.length, 0);
  server.dispose();
  assert.equal(listener, undefined);
});

test('the facade refuses unknown methods locally and builds app:// URLs', async () => {
  const invoked: string[] = [];
  const bridge = createBridge(['cameras.list'], {
    invoke: async (channel) => { invoked.push(channel); return channel.endsWith('cameras.list') ? 'garbage' : null; },
    requestPort: () => {}, onPort: () => {}, warn: () => {},
  });
  const unknown = await bridge.call('__proto__' as never, {});
  assert.equal(unknown.status === 'error' && unknown.error.code, 'NOT_FOUND');
  assert.equal(invoked.length, 0);
  const malformed = await bridge.call('cameras.list', {});
  assert.equal(malformed.status === 'error' && malformed.error.code, 'INTERNAL');
  assert.equal(bridge.mediaUrl('snapshots/2024/a b.jpg'), 'app://vigil/media/snapshots/2024/a%20b.jpg');
  assert.equal(bridge.liveUrl('cam 1', 'fmp4'), 'app://vigil/live/cam%201.mp4');
  assert.equal(bridge.liveUrl('cam1', 'mjpeg'), 'app://vigil/live/cam1.mjpeg');
});
