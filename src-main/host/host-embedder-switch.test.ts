// The embedder choice through the real host (SQLite in a temp dir, the engine child process): the selectable
// list (installed embedders with their provenance warnings), strict/unknown input refused, admins only, the
// choice audited, and a switch that restarts the engine on dlib, re-embeds every enrolment photo and leaves the
// engine matching with dlib vectors only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createHost } from './host.ts';
import type { Host } from './host.ts';
import type { Caller } from '../core/dispatcher.ts';
import type { MethodOutput } from '../../src-contract/api.ts';
import type { EngineAnalysis } from '../engine-host/engine-wire.ts';
import { createLogger } from '../logging/logger.ts';
import { SAMPLES_DIR } from '../demo/demo-assets.ts';

const ADMIN: Caller = { user: { id: 'u-test', username: 'tester', role: 'admin' }, origin: 'test' };
const GUARD: Caller = { user: { id: 'u-guard', username: 'guard', role: 'guard' }, origin: 'test' };
// Two people of the same sample photo (centre x, y, face width).
const FACES: [number, number, number][] = [[420, 402, 191], [849, 464, 185]];
const DLIB = 'dlib-resnet-v1-150';

let host: Host;
let dataDir: string;
const ids: string[] = [];
const call = <T>(method: string, input: unknown, caller = ADMIN) => host.dispatcher.dispatch(method, input, caller) as Promise<T>;
const crop = (x: number, y: number, w: number, k: number) =>
  sharp(join(SAMPLES_DIR, 'sample1.jpg')).extract({ left: Math.round(x - k * w / 2), top: Math.round(y - k * w / 2), width: Math.round(k * w), height: Math.round(k * w) }).jpeg().toBuffer();

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigil-embedder-'));
  host = await createHost({
    dataDir, demo: false, logger: createLogger({ level: 'warn' }),
    engineOptions: { threads: 1, warmupIterations: 0, models: { liveness: null } },
    waitForEngineMs: 60_000,
  });
  assert.ok(host.engine.ready, 'engine ready');
  for (const [k, [x, y, w]] of FACES.entries()) {
    const p = await call<{ id: string }>('persons.create', { employee_id: `E${k}`, name: `Person ${k}` });
    await call('persons.setConsent', { id: p.id, consent: { type: 'biometric_recognition', status: 'granted', granted_at: null, expires_at: null, document_version: 'test' } });
    const r = await call<{ verdicts: Array<{ accepted: boolean; reason: string | null }> }>('persons.enrolPhotos', { id: p.id, photos: [{ name: `p${k}.jpg`, data_base64: (await crop(x, y, w, 2)).toString('base64') }] });
    assert.ok(r.verdicts[0].accepted, r.verdicts[0].reason ?? '');
    ids.push(p.id);
  }
});

after(async () => {
  await host?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('embedders.status lists installed embedders with their provenance; bad input and non-admins are refused', async () => {
  const s = await call<MethodOutput<'embedders.status'>>('embedders.status', {});
  assert.equal(s.selected, 'arcface-mbf-112');
  assert.equal(s.running, 'arcface-mbf-112');
  assert.equal(s.switching, false);
  assert.equal(s.job, null, 'the start-up check found nothing to re-embed');
  const byId = new Map(s.embedders.map((e) => [e.id, e]));
  assert.match(byId.get('arcface-mbf-112')!.warning ?? '', /origin of weights not stated/);
  assert.equal(byId.get(DLIB)!.warning, null);
  assert.match(byId.get(DLIB)!.license, /public domain/i);
  assert.equal(byId.get(DLIB)!.dims, 128);
  assert.ok(!byId.has('sface-2021dec'), 'a manifest embedder whose file is not installed is not selectable');
  assert.deepEqual(byId.get('arcface-mbf-112')!.coverage, { total: 2, ready: 2, failed: 0 });
  await assert.rejects(call('embedders.select', { id: DLIB, force: true }), (e: Error & { code?: string }) => /INVALID|invalid/.test(`${e.code} ${e.message}`));
  await assert.rejects(call('embedders.select', { id: 'sface-2021dec' }), /no installed embedder/);
  await assert.rejects(call('embedders.select', { id: DLIB }, GUARD), (e: Error & { code?: string }) => /DENIED|FORBIDDEN|PERMISSION/i.test(`${e.code} ${e.name} ${e.message}`));
  assert.equal((await call<MethodOutput<'settings.get'>>('settings.get', {})).engine.embedder, undefined, 'nothing changed');
});

test('embedders.select switches the engine to dlib, re-embeds every enrolment photo, matches with dlib vectors only', { timeout: 60_000 }, async () => {
  // The Settings panel follows the switch on the embedders.progress topic (payload = embedders.status).
  const pushed: Array<MethodOutput<'embedders.status'>> = [];
  const off = host.bus.subscribe('embedders.progress', {}, (p) => pushed.push(p));
  const first = await call<MethodOutput<'embedders.select'>>('embedders.select', { id: DLIB });
  assert.equal(first.selected, DLIB);
  assert.equal(first.switching, true, 'the new engine is still starting');
  assert.equal((await call<MethodOutput<'settings.get'>>('settings.get', {})).engine.embedder, DLIB);
  const t0 = Date.now();
  let s = first;
  while (!(s.job?.model === DLIB && s.job.state !== 'running' && host.engine.ready)) {
    if (Date.now() - t0 > 45_000) throw new Error(`switch not finished: ${JSON.stringify(s.job)}`);
    await new Promise((r) => setTimeout(r, 200));
    s = await call<MethodOutput<'embedders.status'>>('embedders.status', {});
  }
  assert.deepEqual([s.job!.state, s.job!.total, s.job!.done, s.job!.failed], ['done', 2, 2, 0]);
  // Pushed live: the switch starting, then the job's steps in order, ending with what embedders.status says.
  await new Promise((r) => setTimeout(r, 200));
  off();
  assert.ok(pushed.length >= 2, `progress pushed: ${pushed.length}`);
  assert.equal(pushed[0].selected, DLIB);
  assert.equal(pushed[0].switching, true, 'the first push says the engine is starting');
  const steps = pushed.flatMap((p) => (p.job?.model === DLIB ? [p.job.done + p.job.failed] : []));
  assert.deepEqual(steps, [...steps].sort((a, b) => a - b), `steps never go back: ${steps}`);
  const last = pushed.at(-1)!;
  assert.deepEqual([last.switching, last.job?.state, last.job?.done], [false, 'done', 2], JSON.stringify(last));
  assert.deepEqual(s.embedders.find((e) => e.id === DLIB)!.coverage, { total: 2, ready: 2, failed: 0 });
  // The running engine embeds with dlib (128-d) and recognises each person from the dlib gallery.
  for (const [k, [x, y, w]] of FACES.entries()) {
    const a = (await host.engine.call({ op: 'analyze_image', bytes: await crop(x, y, w, 2.6), options: { embeddings: true, match: true } }, { wait: true })) as EngineAnalysis;
    const face = a.faces.find((f) => f.embedding)!;
    assert.equal(face.embedding!.length, 128);
    assert.equal(face.match?.identity?.person_id, ids[k], `person ${k} recognised with dlib vectors`);
  }
  const audit = await call<{ items: Array<{ action: string; result: string }> }>('audit.list', { action: 'embedders.select', limit: 20 });
  assert.ok(audit.items.some((r) => r.action === 'embedders.select' && r.result === 'success'), 'the choice is audited');
  // The enrolment rows commit with the first stored template: they state what is known then (the photos sent), not
  // a count of accepted photos that is not known yet (it used to read "accepted: 0" for an accepted photo).
  const enrolRows = (await call<{ items: Array<{ action: string; person_id: string | null; details: Record<string, unknown> | null }> }>('audit.list', { action: 'persons.enrolPhotos', limit: 20 })).items;
  assert.equal(enrolRows.length, 2);
  for (const r of enrolRows) assert.deepEqual(r.details, { photos: 1 }, JSON.stringify(r));
  assert.deepEqual(enrolRows.map((r) => r.person_id).sort(), [...ids].sort());
});
