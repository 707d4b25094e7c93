import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { WsClientMessage } from '../../src-contract/http-transport.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { createHttpClient } from './http-client.ts';
import { ConnectionError } from './client-errors.ts';
import type { WsLike } from './ws-subscriptions.ts';

interface Host { url: string; rpcCalls: string[]; wsMessages: WsClientMessage[]; wss: WebSocketServer; close(): Promise<void> }

// A tiny stand-in for `vigil serve`'s wire format: enough routes to exercise every branch of the client.
async function startHost(): Promise<Host> {
  const rpcCalls: string[] = [];
  const wsMessages: WsClientMessage[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace('/api/rpc/', '');
      rpcCalls.push(`${req.method} ${method} ${body}`);
      const send = (status: number, payload: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (method === 'auth.status') return send(200, { setup_required: true, user: null });
      if (method === 'cameras.get') return send(404, { status: 'error', error: { code: 'NOT_FOUND', message: 'no camera cam9', field: 'id' } });
      if (method === 'cameras.list') return send(502, '<html>Bad gateway</html>', 'text/html');
      if (method === 'persons.list') return send(200, { items: [], next_cursor: null, echo: JSON.parse(body) });
      send(500, { status: 'error', error: { code: 'INTERNAL', message: 'boom' } });
    });
  });
  const wss = new WebSocketServer({ server, path: '/api/ws' });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as WsClientMessage;
      wsMessages.push(msg);
      if (msg.type === 'subscribe' && msg.topic === 'alerts') {
        ws.send(JSON.stringify({ type: 'error', id: msg.id, error: { code: 'FORBIDDEN', message: 'role' } }));
      } else if (msg.type === 'subscribe') {
        ws.send(JSON.stringify({ type: 'subscribed', id: msg.id }));
        ws.send(JSON.stringify({ type: 'event', id: msg.id, topic: msg.topic, payload: { n: wsMessages.length } }));
      } else if (msg.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, rpcCalls, wsMessages, wss,
    close: () => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(); server.close(() => r()); }),
  };
}

const openWs = (url: string) => new WebSocket(url) as unknown as WsLike;
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('calls POST /api/rpc/<method> and returns the JSON body', async () => {
  const host = await startHost();
  try {
    const client = createHttpClient({ baseUrl: host.url, openSocket: openWs });
    assert.deepEqual(await client.call('auth.status', {}), { setup_required: true, user: null });
    // Defaults from the contract's schema are applied before sending.
    const page = await client.call('persons.list', { query: 'ann' }) as unknown as { echo: unknown };
    assert.deepEqual(page.echo, { query: 'ann', status: 'all', limit: 50 });
    client.close();
  } finally { await host.close(); }
});

test('maps error bodies to typed VigilErrors and odd responses to INTERNAL', async () => {
  const host = await startHost();
  try {
    const client = createHttpClient({ baseUrl: host.url, openSocket: openWs });
    await assert.rejects(client.call('cameras.get', { id: 'cam9' }), (err: unknown) => {
      assert.ok(err instanceof VigilError);
      assert.equal(err.code, 'NOT_FOUND');
      assert.equal(err.message, 'no camera cam9');
      assert.equal(err.extra.field, 'id');
      return true;
    });
    await assert.rejects(client.call('cameras.list', {}), (err: unknown) => err instanceof VigilError && err.code === 'INTERNAL' && /HTTP 502/.test(err.message));
    client.close();
  } finally { await host.close(); }
});

test('rejects invalid input locally with INVALID_REQUEST naming the field', async () => {
  const host = await startHost();
  try {
    const client = createHttpClient({ baseUrl: host.url, openSocket: openWs });
    await assert.rejects(client.call('cameras.get', { id: 'not an id!' }), (err: unknown) => err instanceof VigilError && err.code === 'INVALID_REQUEST' && err.extra.field === 'id');
    assert.equal(host.rpcCalls.length, 0, 'nothing was sent');
    client.close();
  } finally { await host.close(); }
});

test('an unreachable host gives a ConnectionError', async () => {
  const host = await startHost();
  const url = host.url;
  await host.close();
  const client = createHttpClient({ baseUrl: url, openSocket: openWs });
  await assert.rejects(client.call('auth.status', {}), (err: unknown) => err instanceof ConnectionError);
  client.close();
});

test('builds media and live URLs under the wire prefixes', () => {
  const client = createHttpClient({ baseUrl: 'http://h:1/', openSocket: openWs });
  assert.equal(client.mediaUrl('snapshots/2024/a b.jpg'), 'http://h:1/media/snapshots/2024/a%20b.jpg');
  assert.equal(client.liveUrl('cam-1', 'fmp4'), 'http://h:1/live/cam-1.mp4');
  assert.equal(client.liveUrl('cam-1', 'mjpeg'), 'http://h:1/live/cam-1.mjpeg');
  client.close();
});

test('subscriptions: events delivered, resubscribed after the socket drops, refused ones dropped', async () => {
  const host = await startHost();
  try {
    const rejected: string[] = [];
    const client = createHttpClient({
      baseUrl: host.url, openSocket: openWs, reconnect: { minMs: 20, maxMs: 50 },
      onSubscriptionRejected: (topic, e) => rejected.push(`${topic}:${e.code}`),
    });
    const states: boolean[] = [];
    client.onConnectionChange((c) => states.push(c));
    const got: unknown[] = [];
    const unsubscribe = client.subscribe('cameras.status', { camera_id: 'cam1' }, (p) => got.push(p));
    client.subscribe('alerts', {}, () => assert.fail('refused topic must not deliver'));
    await until(() => got.length === 1 && rejected.length === 1);
    assert.deepEqual(rejected, ['alerts:FORBIDDEN']);
    assert.deepEqual(states, [true]);

    for (const ws of host.wss.clients) ws.terminate(); // host restart / network drop
    await until(() => got.length === 2);
    assert.deepEqual(states, [true, false, true]);
    const subs = host.wsMessages.filter((m) => m.type === 'subscribe');
    assert.equal(subs.filter((m) => m.type === 'subscribe' && m.topic === 'cameras.status').length, 2, 'resubscribed once');
    assert.equal(subs.filter((m) => m.type === 'subscribe' && m.topic === 'alerts').length, 1, 'refused subscription not retried');
    const last = subs.at(-1);
    assert.ok(last?.type === 'subscribe' && last.filter?.camera_id === 'cam1', 'filter kept');

    unsubscribe();
    await until(() => host.wsMessages.some((m) => m.type === 'unsubscribe'));
    client.close();
  } finally { await host.close(); }
});

test('a silent socket is recycled by the heartbeat watchdog', async () => {
  const host = await startHost();
  try {
    // Swallow everything after the first subscribe so the client hears nothing back.
    host.wss.removeAllListeners('connection');
    let connections = 0;
    host.wss.on('connection', () => { connections++; });
    const client = createHttpClient({ baseUrl: host.url, openSocket: openWs, pingMs: 40, reconnect: { minMs: 10, maxMs: 20 } });
    client.subscribe('cameras.status', {}, () => {});
    await until(() => connections >= 2, 2000);
    client.close();
  } finally { await host.close(); }
});
