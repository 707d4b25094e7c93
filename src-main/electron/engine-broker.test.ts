// The engine broker's routing: the host process asks main for an engine, main starts one and hands both ends of a
// MessageChannel out; messages then flow host ⇄ engine over that port (here Node's MessageChannel stands in for
// MessageChannelMain, and the engine side is the real parent-port shim the engine's utility entry installs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { EngineExitListener } from '../engine-host/launcher.ts';
import { BrokeredEngineLauncher, EngineBroker, type ConnectedEngine, type EnginePortLike } from './engine-broker.ts';
import type { MainToHost } from './host-wire.ts';
import { ENGINE_PORT_MESSAGE, adaptParentPort } from './parent-port-shim.ts';

/** Node's MessagePort delivers the value itself; Electron's MessagePortMain delivers { data }. */
const electronLike = (port: MessagePort): EnginePortLike => ({
  postMessage: (m) => port.postMessage(m),
  on: (_event, listener) => port.on('message', (data) => listener({ data })),
  start: () => port.start(),
  close: () => port.close(),
});

test('engines started by main talk to the host over their own port; exit and kill are relayed', async () => {
  const hostListeners: Array<(msg: MainToHost, ports: readonly unknown[]) => void> = [];
  const engines: Array<{ proc: EventEmitter; exit: EngineExitListener[]; killed: number }> = [];
  const broker = new EngineBroker({
    createChannel: () => {
      const { port1, port2 } = new MessageChannel();
      return { engine: electronLike(port1), host: electronLike(port2) };
    },
    launch: (port) => {
      // The engine process: the shim receives its port from the parent, then process.send rides on it.
      const proc = new EventEmitter() as EventEmitter & { send?: (m: unknown) => boolean };
      const parent = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void };
      parent.postMessage = () => assert.fail('the engine must not answer over its parent port once it has its own');
      adaptParentPort(proc as never, parent as never);
      proc.on('message', (m: { op: string; bytes?: Uint8Array }) => proc.send!({ echo: m.op, n: m.bytes?.length ?? 0 }));
      parent.emit('message', { data: { type: ENGINE_PORT_MESSAGE }, ports: [port] });
      const e = { proc, exit: [] as EngineExitListener[], killed: 0 };
      engines.push(e);
      const child: ConnectedEngine = {
        pid: 4000 + engines.length,
        on: (_event, fn) => { e.exit.push(fn); },
        kill: () => { e.killed++; for (const fn of e.exit) fn(null, 'killed'); },
      };
      return child;
    },
    log: { info: () => {}, warn: () => {}, error: () => {} },
  });
  const launcher = new BrokeredEngineLauncher(
    { send: (msg) => { broker.handle(msg, (m, transfer) => { for (const fn of hostListeners) fn(m, transfer ?? []); }); }, onMessage: (fn) => hostListeners.push(fn) },
    (fn) => hostListeners.push(fn),
  );

  const ch = launcher.launch();
  const got: unknown[] = [];
  ch.on('message', (m) => got.push(m));
  const exited = new Promise<[number | null, string | null]>((resolve) => ch.on('exit', (code, signal) => resolve([code, signal])));
  ch.postMessage({ op: 'init' });
  ch.postMessage({ op: 'analyze_frame', bytes: new Uint8Array(1280 * 720 * 3) });
  for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(got, [{ echo: 'init', n: 0 }, { echo: 'analyze_frame', n: 1280 * 720 * 3 }], 'queued until the port came, then in order');
  assert.equal(ch.pid, 4001);

  ch.kill();
  assert.deepEqual(await exited, [null, 'killed']);
  assert.equal(engines[0].killed, 1);

  // A second engine (model switch) is a separate launch; killAll ends it when the host process is gone.
  const ch2 = launcher.launch();
  const exited2 = new Promise<string | null>((resolve) => ch2.on('exit', (_c, s) => resolve(s)));
  broker.killAll();
  assert.equal(await exited2, 'killed');
  assert.equal(engines.length, 2);
});
