import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contract } from '../../src-contract/api.ts';
import type { MethodName } from '../../src-contract/api.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { BridgeResult } from '../../src-contract/bridge.ts';
import type { ContractDispatcher, IpcCallContext } from './desktop-host.ts';
import { IpcRouter, type IpcHandleRegistry } from './ipc-router.ts';
import { RPC_CHANNEL_PREFIX } from './ipc-channels.ts';
import { SenderGuard, type IpcEventLike } from './sender-guard.ts';
import type { ShellLog } from './shell-log.ts';

type Listener = (event: IpcEventLike, ...args: unknown[]) => Promise<BridgeResult>;

function setup(dispatch: ContractDispatcher['dispatch'] = async () => ({ ok: true })) {
  const handlers = new Map<string, Listener>();
  const ipc: IpcHandleRegistry = {
    handle: (channel, listener) => {
      assert.ok(!handlers.has(channel), `${channel} registered twice`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => { handlers.delete(channel); },
  };
  const logged: Array<{ level: string; obj: object; msg: string }> = [];
  const log: ShellLog = {
    info: (obj, msg) => logged.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logged.push({ level: 'error', obj, msg }),
  };
  const calls: Array<{ method: MethodName; input: unknown; ctx: IpcCallContext }> = [];
  const host: ContractDispatcher = {
    dispatch: async (method, input, ctx) => { calls.push({ method, input, ctx }); return dispatch(method, input, ctx); },
    subscribe: () => () => {},
  };
  const guard = new SenderGuard();
  const router = new IpcRouter({ ipc, guard, host, log });
  const invoke = (channel: string, event: IpcEventLike, ...args: unknown[]) => {
    const fn = handlers.get(channel);
    assert.ok(fn, `no handler for ${channel}`);
    return fn(event, ...args);
  };
  return { handlers, router, guard, calls, logged, invoke };
}

const ours = (id: number, url = 'app://vigil/index.html'): IpcEventLike => ({ sender: { id }, senderFrame: { url } });

test('registers exactly one channel per contract method and removes them on dispose', () => {
  const { handlers, router } = setup();
  const expected = Object.keys(contract).map((m) => `${RPC_CHANNEL_PREFIX}${m}`).sort();
  assert.deepEqual([...handlers.keys()].sort(), expected);
  assert.ok(!handlers.has(`${RPC_CHANNEL_PREFIX}__proto__`));
  router.dispose();
  assert.equal(handlers.size, 0);
});

test('refuses senders that are not our window or not on the app:// origin', async () => {
  const { guard, invoke, calls, logged } = setup();
  guard.trust(7);
  const channel = `${RPC_CHANNEL_PREFIX}cameras.list`;
  for (const event of [
    ours(8), // a webContents main never trusted
    ours(7, 'https://evil.example/app'), // our window navigated elsewhere
    ours(7, 'app://other/index.html'), // another host on our scheme
    ours(7, 'app://user:pw@vigil/'), // credentials in the URL
    { sender: { id: 7 }, senderFrame: null }, // frame destroyed
    ours(7, 'not a url'),
  ]) {
    const res = await invoke(channel, event, {});
    assert.equal(res.status, 'error');
    assert.equal(res.status === 'error' && res.error.code, 'FORBIDDEN');
  }
  assert.equal(calls.length, 0, 'nothing reached the host');
  assert.equal(logged.filter((l) => l.msg === 'IPC call refused').length, 6);
  guard.forget(7);
  const after = await invoke(channel, ours(7), {});
  assert.equal(after.status === 'error' && after.error.code, 'FORBIDDEN', 'a forgotten window is refused');
});

test('validates inputs with the contract schema before the host sees them', async () => {
  const { guard, invoke, calls } = setup();
  guard.trust(1);
  const bad = await invoke(`${RPC_CHANNEL_PREFIX}cameras.get`, ours(1), { id: '../etc/passwd' });
  assert.equal(bad.status, 'error');
  if (bad.status === 'error') {
    assert.equal(bad.error.code, 'INVALID_REQUEST');
    assert.equal(bad.error.field, 'id');
  }
  const extra = await invoke(`${RPC_CHANNEL_PREFIX}cameras.list`, ours(1), { sneaky: 1 });
  assert.equal(extra.status === 'error' && extra.error.code, 'INVALID_REQUEST', 'strict schemas refuse unknown keys');
  const twoArgs = await invoke(`${RPC_CHANNEL_PREFIX}cameras.list`, ours(1), {}, {});
  assert.equal(twoArgs.status === 'error' && twoArgs.error.code, 'INVALID_REQUEST');
  assert.equal(calls.length, 0);

  const ok = await invoke(`${RPC_CHANNEL_PREFIX}system.statistics`, ours(1), {});
  assert.equal(ok.status, 'ok');
  assert.deepEqual(calls[0].input, { period: '24h' }, 'the host gets the parsed input with defaults');
  assert.equal(calls[0].ctx.origin, 'ipc');
});

test('maps host errors to ErrorBody and hides unexpected ones behind a reference', async () => {
  const { guard, invoke, logged } = setup(async (method) => {
    if (method === 'cameras.remove') throw new VigilError('NOT_FOUND', 'no camera cam9', { field: 'id' });
    throw new Error('SQLITE_CORRUPT at /home/alice/.config/Vigil/data/vigil.db');
  });
  guard.trust(3);
  const known = await invoke(`${RPC_CHANNEL_PREFIX}cameras.remove`, ours(3), { id: 'cam9' });
  assert.deepEqual(known, { status: 'error', error: { code: 'NOT_FOUND', message: 'no camera cam9', field: 'id' } });
  const unknown = await invoke(`${RPC_CHANNEL_PREFIX}cameras.list`, ours(3), {});
  assert.equal(unknown.status, 'error');
  if (unknown.status === 'error') {
    assert.equal(unknown.error.code, 'INTERNAL');
    assert.doesNotMatch(unknown.error.message, /SQLITE|alice/);
    const ref = /ref ([0-9a-f]{8})/.exec(unknown.error.message)?.[1];
    assert.ok(ref && logged.some((l) => l.level === 'error' && (l.obj as { ref?: string }).ref === ref), 'the log has the details under the same ref');
  }
});

test('one session id per window, stable across calls; login tokens stay in main', async () => {
  const { guard, invoke, calls } = setup(async (method) => method === 'auth.login'
    ? { user: { id: 'u1' }, expires_at: '2030-01-01T00:00:00Z', token: 'secret-token' }
    : { ok: true });
  const sA = guard.trust(10);
  const sB = guard.trust(11);
  assert.notEqual(sA, sB);
  assert.equal(guard.trust(10), sA, 'trusting again keeps the session');
  const login = await invoke(`${RPC_CHANNEL_PREFIX}auth.login`, ours(10), { username: 'admin', password: 'correct horse' });
  assert.equal(login.status, 'ok');
  assert.ok(login.status === 'ok' && !('token' in (login.result as object)), 'token stripped');
  await invoke(`${RPC_CHANNEL_PREFIX}auth.logout`, ours(10), {});
  await invoke(`${RPC_CHANNEL_PREFIX}auth.logout`, ours(11), {});
  assert.deepEqual(calls.map((c) => c.ctx.sessionId), [sA, sA, sB]);
});
