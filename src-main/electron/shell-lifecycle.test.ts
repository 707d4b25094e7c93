// Quit sequence, crash reporting and tray status, each with the few app/process/tray functions it uses injected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CrashLog, installCrashHandlers, type CrashSources } from './crash-log.ts';
import { installGracefulQuit, type QuitTarget } from './graceful-quit.ts';
import type { ShellLog } from './shell-log.ts';
import { TrayController, summarizeHealth, type TrayLike, type TrayMenuItem } from './tray-status.ts';

const quiet: ShellLog = { info: () => {}, warn: () => {}, error: () => {} };

function quitTarget() {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  const app: QuitTarget = {
    on: (event, l) => emitter.on(event, l),
    quit: () => { calls.push('quit'); requestQuit(); },
    exit: (code) => { calls.push(`exit ${code}`); },
  };
  /** What Electron does on app.quit(): emit before-quit; quit proceeds unless a listener prevented it. */
  const requestQuit = () => {
    let prevented = false;
    emitter.emit('before-quit', { preventDefault: () => { prevented = true; } });
    if (!prevented) calls.push('exited');
    return !prevented;
  };
  return { app, calls, requestQuit };
}

test('quit waits for cameras, database and engine in that order, then really quits', async () => {
  const { app, calls, requestQuit } = quitTarget();
  const order: string[] = [];
  const q = installGracefulQuit({
    app, deadlineMs: 2000, log: quiet,
    steps: [
      { name: 'cameras', run: async () => { await new Promise((r) => setTimeout(r, 10)); order.push('cameras'); } },
      { name: 'database', run: () => { order.push('database'); throw new Error('flush failed'); } },
      { name: 'engine', run: async () => { order.push('engine'); } },
    ],
  });
  assert.equal(requestQuit(), false, 'the first quit is held back');
  assert.equal(q.phase(), 'stopping');
  assert.equal(requestQuit(), false, 'a second quit while stopping changes nothing');
  await q.done;
  assert.deepEqual(order, ['cameras', 'database', 'engine'], 'a failing step does not stop the rest');
  assert.deepEqual(calls, ['quit', 'exited']);
});

test('a hung step hits the deadline: exit(1) and a crash-log record', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-q-'));
  try {
    const crashLog = new CrashLog(path.join(dir, 'logs', 'crash.log'), { version: '0.1.0', platform: 'linux', arch: 'x64' });
    const { app, calls, requestQuit } = quitTarget();
    const q = installGracefulQuit({ app, deadlineMs: 30, log: quiet, crashLog, steps: [{ name: 'engine', run: () => new Promise(() => {}) }] });
    requestQuit();
    await q.done;
    assert.deepEqual(calls, ['exit 1']);
    const rec = JSON.parse(readFileSync(crashLog.file, 'utf8').trim());
    assert.equal(rec.kind, 'quit-timeout');
    assert.equal(rec.step, 'engine');
    assert.equal(rec.version, '0.1.0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('crash handlers record to the local log, reload a crashed renderer a bounded number of times', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-c-'));
  try {
    const crashLog = new CrashLog(path.join(dir, 'crash.log'), { version: '0.1.0', platform: 'linux', arch: 'x64' });
    const proc = new EventEmitter();
    const app = new EventEmitter();
    let fatal = 0;
    let t = 0;
    installCrashHandlers({ process: proc, app } as unknown as CrashSources, { crashLog, onFatal: () => { fatal++; }, now: () => t });
    proc.emit('uncaughtException', new TypeError('boom'));
    proc.emit('unhandledRejection', 'nope');
    let reloads = 0;
    const contents = { id: 3, reload: () => { reloads++; }, isDestroyed: () => false };
    for (let i = 0; i < 5; i++) app.emit('render-process-gone', {}, contents, { reason: 'crashed', exitCode: 139 });
    t = 61_000;
    app.emit('render-process-gone', {}, contents, { reason: 'oom', exitCode: 1 });
    app.emit('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 1, name: 'GPU' });
    app.emit('child-process-gone', {}, { type: 'Utility', reason: 'crashed', exitCode: 1, serviceName: 'Vigil Engine #1' });
    app.emit('child-process-gone', {}, { type: 'Utility', reason: 'clean-exit', exitCode: 0, serviceName: 'Network Service' });
    assert.equal(fatal, 1);
    assert.equal(reloads, 4, 'three reloads in the first minute, one more after it');
    const kinds = readFileSync(crashLog.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).kind);
    assert.deepEqual(kinds, ['uncaught-exception', 'unhandled-rejection', ...Array(6).fill('renderer-gone'), 'child-process-gone']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tray: green when cameras are live, red on failures, grey while the engine warms up; updates only on change', async () => {
  assert.equal(summarizeHealth({ engine: { ready: true }, cameras: [{ id: 'a', name: 'Door', state: 'live', fps: 5 }] }).level, 'live');
  assert.equal(summarizeHealth({ engine: { ready: true }, cameras: [{ id: 'a', name: 'Door', state: 'live', fps: 5 }, { id: 'b', name: 'Gate', state: 'error', fps: 0 }] }).tooltip,
    'Vigil — 1 camera live, 1 camera failing');
  assert.equal(summarizeHealth({ engine: { ready: true }, cameras: [] }).level, 'idle');

  let health = { engine: { ready: false }, cameras: [{ id: 'a', name: 'Door', state: 'connecting', fps: 0 }] };
  let t = 0;
  const images: string[] = [];
  let menu: TrayMenuItem[] = [];
  const tray: TrayLike = {
    setImage: (p) => images.push(p), setToolTip: () => {}, setContextMenu: (m) => { menu = m as TrayMenuItem[]; },
    on: () => {}, destroy: () => {},
  };
  let quits = 0;
  const ctl = new TrayController({
    tray, buildMenu: (items) => items, iconFor: (level) => `tray-${level}.png`, health: () => health,
    showWindow: () => {}, quit: () => { quits++; }, now: () => t, startupGraceMs: 1000,
  });
  assert.equal((await ctl.refresh()).level, 'idle', 'engine warming up is not an error yet');
  await ctl.refresh();
  assert.deepEqual(images, ['tray-idle.png'], 'no redraw without a change');
  t = 5000;
  assert.equal((await ctl.refresh()).level, 'error', 'after the grace period a missing engine is an error');
  health = { engine: { ready: true }, cameras: [{ id: 'a', name: 'Door', state: 'live', fps: 4.96 }] };
  await ctl.refresh();
  assert.deepEqual(images, ['tray-idle.png', 'tray-error.png', 'tray-live.png']);
  assert.ok(menu.some((i) => i.label === 'Door — live, 5.0 fps'));
  menu.find((i) => i.label === 'Quit Vigil')!.click!();
  assert.equal(quits, 1);
});
