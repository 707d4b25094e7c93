// The supervisor against the real engine child (src-engine/process-main.ts): handshake, crash (kill -9) with
// requests in flight, a second crash during the retries, a hang (SIGSTOP), gallery re-sync and a run-time switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { EngineSupervisor, defaultWorkerCount } from './engine-supervisor.ts';
import { ForkEngineLauncher } from './launcher.ts';
import { engineWire } from './engine-wire.ts';
import type { EngineAnalysis, EngineHealth } from './engine-wire.ts';
import { EngineUnavailableError } from './engine-errors.ts';
import { SAMPLES_DIR } from '../demo/demo-assets.ts';

const ENGINE_OPTIONS = { threads: 1, warmupIterations: 1, models: { liveness: null } };

async function sampleFrame() {
  const { data, info } = await sharp(join(SAMPLES_DIR, 'sample6.jpg')).resize(640).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3 as const, data: new Uint8Array(data) };
}

function supervisor(extra: Partial<ConstructorParameters<typeof EngineSupervisor>[0]> = {}) {
  return new EngineSupervisor({
    launcher: new ForkEngineLauncher(), wire: engineWire, engineOptions: ENGINE_OPTIONS,
    maxInFlight: 8, backoffInitialMs: 100, pingIntervalMs: 300, hangTimeoutMs: 2000, readyTimeoutMs: 60_000, ...extra,
  });
}

const once = <T>(sup: EngineSupervisor, ev: 'ready' | 'exit') => new Promise<T>((r) => sup.once(ev, ((x: T) => r(x)) as never));

test('ready handshake, kill -9 with frames in flight: every request answered or failed, gallery re-sent', { timeout: 120_000 }, async () => {
  const sup = supervisor();
  try {
    await sup.start();
    assert.equal(sup.state, 'ready');
    const info = sup.info as { providers: string[]; embedding_dim: number };
    assert.ok(info.providers.includes('cpu'));
    const frame = await sampleFrame();
    const first = (await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true } })) as EngineAnalysis;
    assert.equal(first.faces.length, 4, 'sample6 has four people');
    assert.equal(sup.stats().transport, 'frame-channel', 'frames went by the side channel');
    const emb = first.faces[0].embedding!;
    sup.setGallery([{ person_id: 'p1', template_ids: ['t1'], embeddings: [emb] }]);

    // Six frames in flight, then the process dies.
    const calls = Array.from({ length: 6 }, () => sup.call({ op: 'analyze_frame', frame, options: { embeddings: false } }).then(() => 'ok', (e: Error) => e));
    const pid = sup.stats().pid!;
    const exited = once<{ retried: number; failed: number; pending: Array<{ op: { op: string } }> }>(sup, 'exit');
    process.kill(pid, 'SIGKILL');
    const death = await exited;
    assert.equal(sup.state, 'restarting');
    await once(sup, 'ready');
    const outcomes = await Promise.all(calls);
    const ok = outcomes.filter((o) => o === 'ok').length;
    const s = sup.stats();
    assert.equal(s.crashes, 1);
    assert.equal(s.restarts, 1);
    assert.notEqual(s.pid, pid);
    // Nothing silently lost: those the dead process held were retried and answered; the rest were answered before.
    assert.equal(ok, 6);
    // (A gallery update the dead process held is not retried: the whole gallery goes to the next one.)
    assert.equal(death.retried + death.failed, death.pending.filter((p) => p.op.op === 'analyze_frame').length);
    assert.ok(death.retried > 0, 'the kill hit frames in flight');
    assert.equal(s.retried, death.retried);
    assert.equal(s.failed, 0);
    const health = (await sup.call({ op: 'health' })) as EngineHealth;
    assert.deepEqual(health.gallery, { persons: 1, templates: 1 }, 'the new process received the gallery');
    const matched = (await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true, match: true } })) as EngineAnalysis;
    assert.equal(matched.faces[0].match?.matches[0]?.person_id, 'p1');
    assert.equal(sup.stats().transport, 'frame-channel', 'the restarted process got a channel of its own');

    // A second crash while the retries of the first are in flight: those fail (once is enough), counted.
    const again = Array.from({ length: 4 }, () => sup.call({ op: 'analyze_frame', frame }).then(() => 'ok', (e: Error) => e));
    process.kill(sup.stats().pid!, 'SIGKILL');
    await once(sup, 'ready');
    const retriedNow = sup.stats().retried - s.retried;
    const killAgain = once<{ failed: number }>(sup, 'exit');
    process.kill(sup.stats().pid!, 'SIGKILL');
    const second = await killAgain;
    await once(sup, 'ready');
    const res = await Promise.all(again);
    const failed = res.filter((r) => r instanceof EngineUnavailableError).length;
    assert.ok(retriedNow > 0);
    assert.equal(failed, second.failed, 'requests that died twice are reported failed');
    assert.equal(res.filter((r) => r === 'ok').length + failed, 4);
    assert.equal(sup.stats().failed, failed);
  } finally {
    await sup.stop();
  }
});

test('the real engine gives the same faces for a frame by the side channel and by IPC', { timeout: 120_000 }, async () => {
  const bySocket = supervisor();
  const byIpc = supervisor({ launcher: new ForkEngineLauncher({ env: { VIGIL_FRAME_TRANSPORT: 'ipc' } }) });
  try {
    await Promise.all([bySocket.start(), byIpc.start()]);
    const frame = await sampleFrame();
    const [a, b] = (await Promise.all([bySocket, byIpc].map((s) => s.call({ op: 'analyze_frame', frame, options: { embeddings: true } })))) as EngineAnalysis[];
    assert.equal(bySocket.stats().transport, 'frame-channel');
    assert.equal(byIpc.stats().transport, 'ipc');
    assert.equal(a.faces.length, 4);
    assert.deepEqual(a.faces.map((f) => f.box), b.faces.map((f) => f.box));
    assert.deepEqual([...a.faces[0].embedding!], [...b.faces[0].embedding!]);
  } finally {
    await Promise.all([bySocket.stop(), byIpc.stop()]);
  }
});

test('a hung engine (SIGSTOP) is detected by the pings, killed and restarted; a run-time switch keeps serving', { timeout: 120_000 }, async () => {
  const sup = supervisor();
  try {
    await sup.start();
    const frame = await sampleFrame();
    const pid = sup.stats().pid!;
    process.kill(pid, 'SIGSTOP');
    const exit = await once<{ reason: string }>(sup, 'exit');
    assert.equal(exit.reason, 'hung');
    await once(sup, 'ready');
    assert.equal(sup.stats().hangs, 1);

    // Switch engine options while frames keep flowing: no request fails, the process changes.
    const before = sup.stats().pid;
    let failures = 0;
    let answered = 0;
    let switching = true;
    const pump = (async () => {
      while (switching) {
        await sup.call({ op: 'analyze_frame', frame }).then(() => answered++, () => failures++);
      }
    })();
    await sup.switchEngine({ ...ENGINE_OPTIONS, threads: 2 });
    switching = false;
    await pump;
    assert.equal(failures, 0);
    assert.ok(answered > 0);
    assert.notEqual(sup.stats().pid, before);
    assert.equal(sup.stats().modelSwitches, 1);
  } finally {
    await sup.stop();
  }
});

test('two workers: both hold the gallery, cameras stay on their worker, a killed worker is restarted while the other serves', { timeout: 120_000 }, async () => {
  const sup = supervisor({ workers: 2, maxInFlight: 2 });
  try {
    await sup.start();
    await new Promise<void>((r) => { const t = setInterval(() => { if (sup.stats().workers.every((w) => w.state === 'ready')) { clearInterval(t); r(); } }, 50); });
    const frame = await sampleFrame();
    const probe = await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true, match: false } });
    sup.setGallery([{ person_id: 'p1', template_ids: ['t1'], embeddings: [probe.faces[0].embedding!] }]);
    // One request per camera at a time: each camera is answered by its own worker, and both match from the shared gallery.
    for (const cam of ['cam-a', 'cam-b']) {
      const r = await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true, match: true } }, { affinity: cam });
      assert.ok(r.faces.some((f) => f.match?.matches[0]?.person_id === 'p1'), `${cam}: gallery on its worker`);
    }
    const st = sup.stats();
    assert.deepEqual(st.workers.map((w) => w.cameras), [1, 1], 'one camera per worker');
    assert.ok(st.workers.every((w) => w.completed >= 1), JSON.stringify(st.workers.map((w) => w.completed)));
    assert.equal(st.completed, st.workers.reduce((a, w) => a + w.completed, 0));
    // Kill worker 0: the pool stays ready on worker 1 and worker 0 comes back with the gallery.
    const exit = once<{ worker: number }>(sup, 'exit');
    process.kill(st.workers[0].pid!, 'SIGKILL');
    assert.equal((await exit).worker, 0);
    assert.equal(sup.state, 'ready', 'the other worker keeps the engine available');
    const during = await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true, match: true } }, { affinity: 'cam-a' });
    assert.ok(during.faces.some((f) => f.match?.matches[0]?.person_id === 'p1'), 'cam-a served by worker 1 meanwhile');
    await new Promise<void>((r) => { const t = setInterval(() => { if (sup.stats().workers[0].state === 'ready') { clearInterval(t); r(); } }, 50); });
    const back = await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true, match: true } }, { affinity: 'cam-a' });
    assert.ok(back.faces.some((f) => f.match?.matches[0]?.person_id === 'p1'), 'restarted worker got the gallery again');
    assert.equal(sup.stats().crashes, 1);
  } finally {
    await sup.stop();
  }
});

test('resize: a second worker starts with the gallery and takes cameras; shrinking stops it and rebinds its cameras', { timeout: 150_000 }, async () => {
  const sup = supervisor();
  try {
    await sup.start();
    const frame = await sampleFrame();
    const first = (await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true } })) as EngineAnalysis;
    sup.setGallery([{ person_id: 'p1', template_ids: ['t1'], embeddings: [first.faces[0].embedding!] }]);
    await sup.resize(2);
    assert.equal(sup.workerCount, 2);
    const s = sup.stats();
    assert.equal(s.workers.length, 2);
    assert.ok(s.workers.every((w) => w.state === 'ready'), JSON.stringify(s.workers.map((w) => w.state)));
    // a new camera goes to the worker with fewer cameras: the new one; it matches against the gallery it was given
    await sup.call({ op: 'analyze_frame', frame }, { affinity: 'camA' });
    const onB = (await sup.call({ op: 'analyze_frame', frame, options: { embeddings: true, match: true } }, { affinity: 'camB' })) as EngineAnalysis;
    assert.equal(sup.stats().workers[1].cameras, 1);
    assert.equal(onB.faces[0].match?.matches[0]?.person_id, 'p1', 'the added worker holds the gallery');
    const pid2 = sup.stats().workers[1].pid!;
    await sup.resize(1);
    assert.equal(sup.workerCount, 1);
    assert.throws(() => process.kill(pid2, 0), 'the surplus worker process is gone');
    for (const cam of ['camA', 'camB']) {
      const again = (await sup.call({ op: 'analyze_frame', frame }, { affinity: cam })) as EngineAnalysis;
      assert.equal(again.faces.length, 4, `${cam} is served by the remaining worker`);
    }
    assert.deepEqual(sup.stats().workers.map((w) => w.state), ['ready']);
    await assert.rejects(sup.resize(0), RangeError);
  } finally {
    await sup.stop();
  }
});

test('default worker count: the cores shared by the threads of each process, 1 to 4', () => {
  assert.equal(defaultWorkerCount(1, 1), 1);
  assert.equal(defaultWorkerCount(2, 1), 2, 'two single-thread engines on 2 cores (measured in docs/throughput.md)');
  assert.equal(defaultWorkerCount(4, 3), 1);
  assert.equal(defaultWorkerCount(8, 4), 2);
  assert.equal(defaultWorkerCount(32, 1), 4, 'at most 4: each process holds the models and the gallery');
  assert.equal(defaultWorkerCount(2, 0), 2, 'a thread count below 1 counts as 1');
});
