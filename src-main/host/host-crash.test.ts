// kill -9 of a running `vigil serve` while it records tracks: the database opens cleanly afterwards and every
// event the host acknowledged (logged after its commit) is there with at least the state it reported; the
// orphaned engine process exits by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHost } from './host.ts';
import type { Caller } from '../core/dispatcher.ts';
import { createLogger } from '../logging/logger.ts';
import { openStore } from '../storage/host-store.ts';
import { ACCESS_MIGRATIONS } from './access-control.ts';
import { testScene } from './testing/test-scene.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN: Caller = { user: { id: 'u-test', username: 'tester', role: 'admin' }, origin: 'test' };

test('kill -9 of the host during writes: database opens cleanly with every acknowledged event', { timeout: 150_000 }, async () => {
  const scene = await testScene();
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
  try {
    // Prepare the site in-process: one enrolled person and a camera playing the scene.
    const setup = await createHost({ dataDir, logger: createLogger({ level: 'warn' }), engineOptions: { warmupIterations: 1, models: { liveness: null } }, waitForEngineMs: 90_000 });
    const ava = scene.manifest.people.find((p) => p.enrolled)!;
    const person = (await setup.dispatcher.dispatch('persons.create', { employee_id: ava.employee_id, name: ava.name }, ADMIN)) as { id: string };
    const enrol = (await setup.dispatcher.dispatch('persons.enrolPhotos', { id: person.id, photos: [{ name: 'ava.jpg', data_base64: readFileSync(join(scene.dir, ava.photo!)).toString('base64') }] }, ADMIN)) as { verdicts: Array<{ accepted: boolean }> };
    assert.ok(enrol.verdicts[0].accepted);
    await setup.dispatcher.dispatch('cameras.create', {
      id: 'corridor', name: 'Corridor', enabled: true, source: { type: 'file', path: scene.video, loop: true, realtime: true },
      detection: { fps_limit: 3, detect_width: scene.manifest.width },
    }, ADMIN);
    await setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/vigil.ts', 'serve', '--data', dataDir, '--port', '0', '--no-demo'], {
      cwd: ROOT, env: { ...process.env, VIGIL_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged = new Map<string, string>();
    let enginePid: number | null = null;
    let stdout = '';
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    const killed = new Promise<void>((resolveKill, reject) => {
      const timer = setTimeout(() => reject(new Error(`no track events in time; stdout: ${stdout}`)), 120_000);
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const line of lines) {
          if (!line.startsWith('{')) continue;
          const rec = JSON.parse(line) as { event_type?: string; kind?: string; event_id?: string; pid?: number };
          if (rec.event_type === 'engine_ready') enginePid = rec.pid ?? null;
          if (rec.event_type !== 'track_event' || !rec.event_id) continue;
          const prev = acknowledged.get(rec.event_id);
          if (!prev || prev === 'face_detected') acknowledged.set(rec.event_id, rec.kind!);
          // After a decision, more writes follow at once (snapshots, attendance, track end): kill in the middle.
          if (rec.kind === 'recognized' && child.exitCode === null) {
            child.kill('SIGKILL');
            clearTimeout(timer);
            resolveKill();
          }
        }
      });
    });
    await killed;
    await new Promise((r) => child.once('exit', r));
    assert.match(stdout, /^Vigil listening on http:\/\/127\.0\.0\.1:\d+\n$/, 'exactly one line on stdout');
    assert.ok(acknowledged.size >= 1);

    const store = await openStore(dataDir, { migrations: ACCESS_MIGRATIONS });
    try {
      for (const [id, kind] of acknowledged) {
        const row = store.events.get(id);
        assert.ok(row, `acknowledged event ${id} (${kind}) is in the database`);
        if (kind !== 'face_detected') assert.equal(row.decision, kind);
      }
      const integrity = store.db.reader.pragma('integrity_check', { simple: true });
      assert.equal(integrity, 'ok');
    } finally {
      await store.close();
    }
    // The engine child notices its host is gone and exits.
    assert.ok(enginePid, 'engine pid logged');
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000) {
      try { process.kill(enginePid!, 0); } catch { break; }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.throws(() => process.kill(enginePid!, 0), /ESRCH/, 'orphaned engine exited');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
