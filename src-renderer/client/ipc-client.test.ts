import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VigilBridge, BridgeResult } from '../../src-contract/bridge.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { ConnectionError } from './client-errors.ts';
import { createIpcClient } from './ipc-client.ts';
import { pickTransport } from './pick-transport.ts';
import { withSessionGuard } from './session-guard.ts';

// A bridge with the preload's envelope semantics: host errors resolve as { status: 'error' }, never reject.
function bridge(answer: (method: string, input: unknown) => Promise<BridgeResult>): VigilBridge & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    call: (m, i) => { calls.push(m); return answer(m, i); },
    subscribe: (_t, _f, cb) => { cb({ hello: 1 }); return () => {}; },
    mediaUrl: (ref) => `vigil-media://${ref}`,
    liveUrl: (id, tr) => `vigil-live://${id}.${tr}`,
  };
}

test('results and typed errors come out of the bridge envelope', async () => {
  const b = bridge(async (m, input) => m === 'cameras.get'
    ? { status: 'error', error: { code: 'NOT_FOUND', message: 'no camera', field: 'id' } }
    : { status: 'ok', result: { echo: input } });
  const client = createIpcClient(b);
  assert.deepEqual(await client.call('persons.list', {}), { echo: { status: 'all', limit: 50 } });
  await assert.rejects(client.call('cameras.get', { id: 'cam1' }), (e: unknown) => e instanceof VigilError && e.code === 'NOT_FOUND' && e.extra.field === 'id');
  await assert.rejects(client.call('cameras.get', { id: '../x' }), (e: unknown) => e instanceof VigilError && e.code === 'INVALID_REQUEST');
  assert.deepEqual(b.calls, ['persons.list', 'cameras.get'], 'invalid input never crosses the bridge');
  assert.equal(client.mediaUrl('a/b.jpg'), 'vigil-media://a/b.jpg');
  assert.equal(client.liveUrl('cam1', 'mjpeg'), 'vigil-live://cam1.mjpeg');
});

test('a dead host process is a ConnectionError; a malformed envelope is INTERNAL', async () => {
  await assert.rejects(createIpcClient(bridge(() => Promise.reject(new Error('ipc closed')))).call('auth.status', {}), ConnectionError);
  await assert.rejects(createIpcClient(bridge(async () => ({ nonsense: true }) as unknown as BridgeResult)).call('auth.status', {}),
    (e: unknown) => e instanceof VigilError && e.code === 'INTERNAL');
});

test('the transport follows the presence of window.vigil', () => {
  const b = bridge(async () => ({ status: 'ok', result: null }));
  assert.equal(pickTransport({ vigil: b }).transport, 'ipc');
  assert.equal(pickTransport({}).transport, 'http');
  assert.equal(pickTransport({ vigil: { call: 'not a function' } }).transport, 'http');
});

test('an expired session anywhere (but not in auth.* calls) triggers the sign-in screen', async () => {
  let expired = 0;
  const b = bridge(async () => ({ status: 'error', error: { code: 'UNAUTHENTICATED', message: 'session expired' } }));
  const client = withSessionGuard(createIpcClient(b), () => expired++);
  await assert.rejects(client.call('cameras.list', {}), VigilError);
  assert.equal(expired, 1);
  await assert.rejects(client.call('auth.login', { username: 'a', password: 'b' }), VigilError);
  assert.equal(expired, 1, 'a failed login is not an expired session');
  let got: unknown;
  client.subscribe('alerts', {}, (p) => { got = p; });
  assert.deepEqual(got, { hello: 1 });
});
