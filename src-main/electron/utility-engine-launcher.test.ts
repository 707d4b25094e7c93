import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { ShellLog } from './shell-log.ts';
import { UtilityEngineLauncher, type ChildProcessGone, type UtilityForkOptions, type UtilityProcessLike } from './utility-engine-launcher.ts';

function recorder() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const log: ShellLog = {
    info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  return { lines, log };
}

/** app.on('child-process-gone') as a list of listeners the test can fire, like Electron would. */
function goneEvents() {
  const listeners = new Set<(d: ChildProcessGone) => void>();
  return {
    onChildProcessGone: (l: (d: ChildProcessGone) => void) => { listeners.add(l); return () => listeners.delete(l); },
    fire: (d: ChildProcessGone) => { for (const l of [...listeners]) l(d); },
    count: () => listeners.size,
  };
}

test('a real child process through the launcher: options, messages both ways, stdio into the log, kill', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ul-'));
  try {
    const entry = path.join(dir, 'engine.cjs');
    writeFileSync(entry, `
      console.log('engine up on ' + process.env.VIGIL_ENGINE_HOST);
      console.error('warming up');
      process.on('message', (m) => process.send({ echo: m, bytes: m.frame ? m.frame.byteLength : 0 }));
    `);
    const seen: Array<{ path: string; options: UtilityForkOptions }> = [];
    const { lines, log } = recorder();
    const gone = goneEvents();
    const launcher = new UtilityEngineLauncher({
      entry, log, ...gone, reasonGraceMs: 20,
      // utilityProcess.fork stand-in: a real Node child with the same stdio and structured-clone messaging.
      fork: (modulePath, args, options): UtilityProcessLike => {
        seen.push({ path: modulePath, options });
        const cp = fork(modulePath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', env: options.env as NodeJS.ProcessEnv });
        return {
          get pid() { return cp.pid; },
          stdout: cp.stdout, stderr: cp.stderr,
          postMessage: (m) => { cp.send(m as never); },
          on: ((event: string, l: (...a: unknown[]) => void) => {
            if (event === 'exit') cp.on('exit', (code) => l(code ?? -1));
            else if (event === 'message') cp.on('message', l);
          }) as UtilityProcessLike['on'],
          kill: () => cp.kill('SIGKILL'),
        };
      },
    });
    const channel = launcher.launch();
    assert.equal(launcher.kind, 'electron-utility');
    assert.equal(seen[0].path, entry);
    assert.equal(seen[0].options.serviceName, 'Vigil Engine #1');
    assert.equal(seen[0].options.stdio, 'pipe');
    assert.ok(typeof channel.pid === 'number');

    const reply = new Promise<unknown>((resolve) => channel.on('message', resolve));
    channel.postMessage({ op: 'analyze_frame', frame: new Uint8Array(640 * 360 * 3) });
    assert.deepEqual(await reply, { echo: { op: 'analyze_frame', frame: new Uint8Array(640 * 360 * 3) }, bytes: 640 * 360 * 3 });

    const exit = new Promise<[number | null, string | null]>((resolve) => channel.on('exit', (code, signal) => resolve([code, signal])));
    channel.kill();
    // Electron reports the kill as child-process-gone for this service.
    gone.fire({ type: 'Utility', reason: 'killed', exitCode: 9, serviceName: 'Vigil Engine #1' });
    const [, signal] = await exit;
    assert.equal(signal, 'killed');
    assert.equal(gone.count(), 0, 'the app listener is removed after exit');
    assert.ok(lines.some((l) => l.msg === 'engine up on electron-utility' && l.obj.stream === 'stdout' && l.obj.service === 'Vigil Engine #1'));
    assert.ok(lines.some((l) => l.msg === 'warming up' && l.level === 'warn'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A scripted utility process for event-order cases (each launch gets its own). */
function scripted() {
  const procs: Array<EventEmitter & { killed: number; posted: unknown[] }> = [];
  const fork = (): UtilityProcessLike => {
    const p = Object.assign(new EventEmitter(), { killed: 0, posted: [] as unknown[] });
    procs.push(p);
    return {
      pid: 1000 + procs.length, stdout: new PassThrough(), stderr: new PassThrough(),
      postMessage: (m) => { p.posted.push(m); },
      on: ((event: string, l: (...a: unknown[]) => void) => { p.on(event, l); }) as UtilityProcessLike['on'],
      kill: () => { p.killed++; return true; },
    };
  };
  return { procs, fork };
}

test('crash reasons are matched by service name, in either order, and reach the crash log', async () => {
  const { procs, fork } = scripted();
  const gone = goneEvents();
  const { log } = recorder();
  const crashes: unknown[] = [];
  const launcher = new UtilityEngineLauncher({ entry: '/app/engine.js', log, fork, ...gone, reasonGraceMs: 30, reportCrash: (r) => crashes.push(r) });
  const a = launcher.launch();
  const b = launcher.launch(); // two engines overlap during a model switch
  const exits: Array<[string, number | null, string | null]> = [];
  a.on('exit', (c, s) => exits.push(['a', c, s]));
  b.on('exit', (c, s) => exits.push(['b', c, s]));

  // b crashes: Electron's report first, then the exit event.
  procs[1].emit('error', 'FatalError', 'v8::ToLocalChecked', 'stack...');
  gone.fire({ type: 'Utility', reason: 'crashed', exitCode: 139, serviceName: 'Vigil Engine #2' });
  assert.equal(exits.length, 0, 'waits for the exit event');
  procs[1].emit('exit', 139);
  assert.deepEqual(exits, [['b', 139, 'crashed']]);
  assert.deepEqual(crashes, [{ process: 'Vigil Engine #2', reason: 'crashed', exitCode: 139, detail: 'FatalError at v8::ToLocalChecked\nstack...' }]);

  // a ends cleanly: exit first; a GPU process going away at the same time is not ours.
  gone.fire({ type: 'GPU', reason: 'crashed', exitCode: 1 });
  procs[0].emit('exit', 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(exits[1], ['a', 0, null]);
  assert.equal(crashes.length, 1);

  // Once exited, the channel ignores posts and kills.
  a.postMessage({ op: 'x' });
  a.kill();
  assert.equal(procs[0].posted.length, 0);
  assert.equal(procs[0].killed, 0);

  // A process that never started reports no 'exit': the launch failure alone ends the channel.
  const c = launcher.launch();
  const failed = new Promise<string | null>((resolve) => c.on('exit', (_code, s) => resolve(s)));
  gone.fire({ type: 'Utility', reason: 'launch-failed', exitCode: 1, serviceName: 'Vigil Engine #3' });
  assert.equal(await failed, 'launch-failed');
  assert.equal(gone.count(), 0);
});

test('inside the utility process, process.send/on("message") ride on parentPort', async () => {
  const { adaptParentPort } = await import('./parent-port-shim.ts');
  const proc = new EventEmitter() as EventEmitter & { send?: (...a: never[]) => boolean; connected?: boolean };
  const port = new EventEmitter() as EventEmitter & { posted: unknown[]; postMessage(m: unknown): void };
  port.posted = [];
  port.postMessage = (m) => { port.posted.push(m); };
  adaptParentPort(proc as never, port as never);
  const received: unknown[] = [];
  proc.on('message', (m) => received.push(m));
  port.emit('message', { data: { op: 'init' } });
  assert.deepEqual(received, [{ op: 'init' }]);
  let acked: Error | null | undefined;
  const send = proc.send as unknown as (m: unknown, cb: (e: Error | null) => void) => boolean;
  assert.equal(send({ kind: 'ready' }, (e) => { acked = e; }), true);
  assert.deepEqual(port.posted, [{ kind: 'ready' }]);
  await Promise.resolve();
  assert.equal(acked, null);
  assert.equal(proc.connected, true);
});
