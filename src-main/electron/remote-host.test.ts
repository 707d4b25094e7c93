// The desktop seam with the host core out of process, under plain Node: RemoteDesktopHost forks the real host
// process (host-process-main.ts: real SQLite in a temp dir, real engine child) with child_process, as Electron's
// utilityProcess.fork does in the app, and the shell's parts talk to it only through the DesktopHost interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IpcCallContext } from './desktop-host.ts';
import { ForkHostLauncher } from './host-launcher.ts';
import { RemoteDesktopHost } from './remote-host.ts';
import type { ShellLog } from './shell-log.ts';

const win = (sessionId: string): IpcCallContext => ({ origin: 'ipc', sessionId });
const quiet: ShellLog = { info: () => {}, warn: () => {}, error: () => {} };

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const reader = body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return Buffer.concat(parts);
}

test('host core in its own process: calls, sessions, subscriptions, media, crash restart, close', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-remote-host-'));
  const dataDir = path.join(dir, 'data');
  const gone: Array<{ code: number | null; reason: string | null }> = [];
  const host = new RemoteDesktopHost({
    launcher: new ForkHostLauncher({ stdio: 'ignore' }),
    init: { dataDir, logFile: path.join(dir, 'host.log'), logLevel: 'warn', engineOptions: { threads: 1 } },
    log: quiet,
    onGone: (info) => gone.push(info),
  });
  try {
    await host.start();
    assert.ok(host.pid && host.pid !== process.pid, 'the host runs in another process');

    // Contract calls and window sessions (the session secret never leaves the host process).
    assert.equal(((await host.dispatch('auth.status', {}, win('A'))) as { setup_required: boolean }).setup_required, true);
    const setup = (await host.dispatch('auth.setup', { username: 'admin', password: 'a long enough password' }, win('A'))) as { token?: string };
    assert.equal(typeof setup.token, 'string');
    assert.equal(((await host.dispatch('users.list', {}, win('A'))) as unknown[]).length, 1);
    await assert.rejects(host.dispatch('users.list', {}, win('B')), { name: 'VigilError', code: 'UNAUTHENTICATED' });
    await assert.rejects(host.dispatch('cameras.get', { id: 'nope' }, win('A')), { code: 'NOT_FOUND' });

    // A refused subscription is reported through onError (the host answers asynchronously).
    const refused = await new Promise<unknown>((resolve) => host.subscribe('live.frame', {}, win('B'), () => {}, resolve));
    assert.equal((refused as { code: string }).code, 'UNAUTHENTICATED');
    // An accepted one delivers events published in the host process (a camera created there → cameras topic).
    const events: unknown[] = [];
    let subError: unknown = null;
    const off = host.subscribe('cameras.status', {}, win('A'), (p) => events.push(p), (e) => { subError = e; });
    await host.dispatch('cameras.create', { id: 'c1', name: 'Door', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/none' } }, win('A'));
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(events.length > 0, 'a camera status event crossed from the host process');
    off();

    // Media: a snapshot file streams over the channel with credits; hidden files and unknown refs are refused.
    mkdirSync(path.join(dataDir, 'snapshots'), { recursive: true });
    const jpeg = Buffer.alloc(300_000, 7);
    writeFileSync(path.join(dataDir, 'snapshots', 'e1.jpg'), jpeg);
    const media = await host.openMedia('snapshots/e1.jpg', win('A'));
    assert.equal(media?.mime, 'image/jpeg');
    assert.deepEqual(await readAll(media!.body), jpeg);
    assert.equal(await host.openMedia('snapshots/missing.jpg', win('A')), null);
    await assert.rejects(host.openMedia('snapshots/e1.jpg', win('B')), { code: 'UNAUTHENTICATED' });
    // A live stream of a camera that has none is a typed error, not a hang.
    const ac = new AbortController();
    await assert.rejects(host.openLive('nope', 'mjpeg', win('A'), ac.signal), (err: { code?: string }) => typeof err.code === 'string');

    const health = await host.health();
    assert.equal(typeof health.engine.ready, 'boolean');
    assert.ok(Array.isArray(health.cameras));

    // The host process dies: in-flight work fails, subscriptions end, a new host process takes over.
    const ended = new Promise<unknown>((resolve) => host.subscribe('cameras.status', {}, win('A'), () => {}, resolve));
    await new Promise((r) => setTimeout(r, 200));
    const oldPid = host.pid!;
    process.kill(oldPid, 'SIGKILL');
    assert.equal(((await ended) as { code: string }).code, 'UNAUTHENTICATED');
    assert.equal(subError, null, 'an unsubscribed subscription is not told');
    // The next call waits for the restarted host; the window's session died with the old process.
    await assert.rejects(host.dispatch('users.list', {}, win('A')), { code: 'UNAUTHENTICATED' });
    assert.notEqual(host.pid, oldPid);
    assert.equal(gone.length, 1);
    await host.dispatch('auth.login', { username: 'admin', password: 'a long enough password' }, win('A'));
    assert.equal(((await host.dispatch('cameras.list', {}, win('A'))) as unknown[]).length, 1, 'the database survived');

    const pid = host.pid!;
    await host.close();
    assert.throws(() => process.kill(pid, 0), 'the host process has exited');
    assert.equal(gone.length, 1, 'a requested stop is not a crash');
    await assert.rejects(host.dispatch('auth.status', {}, win('A')), { code: 'INTERNAL' });
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a host that cannot start reports why', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-remote-host-'));
  try {
    // A data directory that is a file.
    writeFileSync(path.join(dir, 'data'), 'not a folder');
    const host = new RemoteDesktopHost({
      launcher: new ForkHostLauncher({ stdio: 'ignore' }),
      init: { dataDir: path.join(dir, 'data'), logFile: path.join(dir, 'host.log'), logLevel: 'fatal' },
      log: quiet,
    });
    await assert.rejects(host.start(), (err: { code?: string; message: string }) => err.code === 'INTERNAL' && err.message.length > 0);
    await host.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
