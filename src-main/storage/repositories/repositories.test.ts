import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { openStore, DATABASE_FILE, type HostStore } from '../host-store.ts';
import { tempDataDir } from '../testing/temp-data-dir.ts';

async function store(t: TestContext): Promise<HostStore> {
  const s = await openStore(tempDataDir(t));
  t.after(() => s.close());
  return s;
}

const rtsp = (over: Record<string, unknown> = {}) => ({
  name: 'Main Entrance', location: 'HQ - Lobby', role: 'entry' as const,
  source: { type: 'rtsp' as const, url: 'rtsp://10.0.0.5:554/stream1', username: 'admin', password: 'S3cret-Pw!', ...over },
});

test('camera passwords are sealed at rest, never returned, and only given to the runtime on request', async (t) => {
  const s = await store(t);
  const cam = s.cameras.create(rtsp());
  assert.match(cam.config.id, /^cam_/);
  assert.equal(cam.hasPassword, true);
  assert.equal('password' in cam.config.source, false);
  assert.equal(s.cameras.get(cam.config.id)!.config.detection.fps_limit, 5, 'schema defaults applied');
  assert.equal((s.cameras.getWithSecret(cam.config.id).source as { password?: string }).password, 'S3cret-Pw!');

  // A password typed into the URL is moved out of it.
  const cam2 = s.cameras.create({ ...rtsp(), id: 'door-2', source: { type: 'rtsp', url: 'rtsp://bob:Pa%24%24w0rd@10.0.0.6/live' } });
  assert.equal((cam2.config.source as { url: string }).url, 'rtsp://bob@10.0.0.6/live');
  assert.equal((cam2.config.source as { username?: string }).username, 'bob');
  assert.equal((s.cameras.getWithSecret('door-2').source as { password?: string }).password, 'Pa$$w0rd');

  // Update: omitted password keeps it, '' clears it, a new one replaces it.
  assert.equal(s.cameras.update(cam.config.id, { name: 'Lobby', source: rtsp({ password: undefined }).source }).hasPassword, true);
  assert.equal((s.cameras.getWithSecret(cam.config.id).source as { password?: string }).password, 'S3cret-Pw!');
  s.cameras.update(cam.config.id, { source: rtsp({ password: 'N3w-Pw' }).source });
  assert.equal((s.cameras.getWithSecret(cam.config.id).source as { password?: string }).password, 'N3w-Pw');
  assert.equal(s.cameras.update(cam.config.id, { source: rtsp({ password: '' }).source }).hasPassword, false);
  assert.equal(s.cameras.update(cam.config.id, { source: { type: 'file', path: '/v.mp4' } }).hasPassword, false);

  // The clear text appears nowhere in the database files.
  s.queue.flushSync();
  for (const f of readdirSync(s.dataDir).filter((n) => n.startsWith(DATABASE_FILE))) {
    const bytes = readFileSync(join(s.dataDir, f));
    for (const secret of ['S3cret-Pw!', 'N3w-Pw', 'Pa$$w0rd', 'Pa%24%24w0rd']) assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} in ${f}`);
  }
  assert.deepEqual(s.cameras.list().map((c) => c.config.name), ['Lobby', 'Main Entrance']);
  s.cameras.update('door-2', { enabled: false });
  assert.deepEqual(s.cameras.list({ enabledOnly: true }).map((c) => c.config.id), [cam.config.id]);
  assert.throws(() => s.cameras.create({ ...rtsp(), id: 'door-2' }), ConflictError);
  assert.throws(() => s.cameras.create({ name: '', source: { type: 'rtsp', url: 'http://x' } } as never), InvalidInputError);
  assert.throws(() => s.cameras.update('nope', {}), NotFoundError);
});

test('persons: unique employee id, search, keyset pages, typed errors', async (t) => {
  const s = await store(t);
  const names = ['Alice', 'Bob', 'Carol', 'Dan', 'Eve'];
  for (const [i, name] of names.entries()) s.persons.create({ employee_id: `E${i}`, name, department: i % 2 ? 'Ops' : 'IT' });
  assert.throws(() => s.persons.create({ employee_id: 'E1', name: 'Dup' }), (e) => e instanceof ConflictError && e.field === 'employee_id');
  assert.throws(() => s.persons.create({ employee_id: '', name: 'x' }), InvalidInputError);
  const p1 = s.persons.list({ limit: 2 });
  const p2 = s.persons.list({ limit: 2, cursor: p1.nextCursor });
  const p3 = s.persons.list({ limit: 2, cursor: p2.nextCursor });
  assert.deepEqual([...p1.items, ...p2.items, ...p3.items].map((p) => p.name), names);
  assert.equal(p3.nextCursor, null);
  assert.throws(() => s.persons.list({ cursor: 'garbage' }), InvalidInputError);
  assert.deepEqual(s.persons.list({ query: 'ar' }).items.map((p) => p.name), ['Carol']);
  assert.deepEqual(s.persons.list({ query: '%' }).items, [], 'LIKE wildcards are literal');
  assert.deepEqual(s.persons.list({ department: 'Ops' }).items.map((p) => p.name), ['Bob', 'Dan']);
  const bob = s.persons.getByEmployeeId('E1')!;
  const upd = s.persons.update(bob.id, { status: 'inactive', watchlist: true });
  assert.equal(upd.status, 'inactive');
  assert.equal(upd.watchlist, true);
  assert.equal(upd.name, 'Bob');
  assert.throws(() => s.persons.update(bob.id, { employee_id: 'E0' }), ConflictError);
  assert.throws(() => s.persons.update(bob.id, { shift_id: 'shf_missing' }), ConflictError);
});

test('face templates round-trip exactly and pack into a gallery of active people', async (t) => {
  const s = await store(t);
  const a = s.persons.create({ employee_id: 'A', name: 'Alice' });
  const b = s.persons.create({ employee_id: 'B', name: 'Bob' });
  const emb = (seed: number) => Float32Array.from({ length: 512 }, (_, i) => Math.sin(seed * 7.3 + i) / 16);
  const t1 = s.templates.add({ personId: a.id, embedding: emb(1), sourceKind: 'photo', sourcePath: 'enrolment/a1.jpg', quality: { passed: true, sharpness: 80 }, createdBy: 'admin' });
  s.templates.add({ personId: a.id, embedding: emb(2), sourceKind: 'camera' });
  const tb = s.templates.add({ personId: b.id, embedding: emb(3), sourceKind: 'photo' });
  assert.deepEqual(s.templates.embedding(t1.id), emb(1));
  assert.deepEqual(s.templates.listForPerson(a.id).map((x) => x.sourceKind), ['photo', 'camera']);
  assert.equal(s.persons.get(a.id)!.templateCount, 2);

  let g = s.templates.loadGallery();
  assert.equal(g.dim, 512);
  assert.equal(g.personIds.length, 3);
  assert.deepEqual(g.embeddings.subarray(g.templateIds.indexOf(tb.id) * 512, g.templateIds.indexOf(tb.id) * 512 + 512), emb(3));
  s.persons.update(b.id, { status: 'inactive' });
  s.templates.setOutlier(t1.id, true);
  g = s.templates.loadGallery();
  assert.deepEqual(g.personIds, [a.id], 'inactive people and outliers do not match');

  assert.throws(() => s.templates.add({ personId: a.id, embedding: new Float32Array([1, Number.NaN]), sourceKind: 'photo' }), InvalidInputError);
  assert.throws(() => s.templates.add({ personId: a.id, embedding: [1, 2] as unknown as Float32Array, sourceKind: 'photo' }), InvalidInputError);
  assert.throws(() => s.templates.add({ personId: 'per_nobody', embedding: emb(4), sourceKind: 'photo' }), ConflictError);
  s.persons.remove(a.id);
  assert.equal(s.templates.count(), 1, 'templates go with their person');
});

test('detection events: pending → decided → better face → ended → corrected, with filters and pages', async (t) => {
  const s = await store(t);
  const cam = s.cameras.create({ id: 'cam-a', name: 'Door A', source: { type: 'file', path: '/x.mp4' } });
  const alice = s.persons.create({ employee_id: 'A', name: 'Alice', watchlist: true });
  const bob = s.persons.create({ employee_id: 'B', name: 'Bob' });
  const base = Date.UTC(2025, 10, 6, 12);
  await s.write(() => {
    for (let i = 0; i < 5; i++) {
      s.events.insertPending({ id: `trk_${i}`, cameraId: cam.config.id, cameraName: 'Door A', startedAt: base + i * 1000, box: [10, 20, 80, 90], score: 0.9, frameWidth: 1280, frameHeight: 720, model: 'ultraface' });
    }
  });
  await s.write(() => s.events.applyDecision('trk_0', { decision: 'recognized', personId: alice.id, confidence: 0.71, distance: 0.29, margin: 0.3, votes: [{ personId: alice.id, count: 4 }], decidedAt: base + 500, flags: ['watchlist'] }));
  await s.write(() => s.events.applyDecision('trk_1', { decision: 'unknown', personId: null, confidence: null, distance: null, margin: null, votes: [], decidedAt: base + 1500 }));
  await s.write(() => s.events.updateBest('trk_0', { box: [12, 22, 100, 110], score: 0.95, frameWidth: 1280, frameHeight: 720, faceSnapshot: 'snapshots/a-face.jpg', frameSnapshot: 'snapshots/a-frame.jpg' }));
  await s.write(() => s.events.updateBest('trk_0', { box: [12, 22, 120, 130], score: 0.97, frameWidth: 1280, frameHeight: 720, faceSnapshot: 'snapshots/b-face.jpg' }));
  await s.write(() => s.events.end('trk_0', { endedAt: base + 4000, frameCount: 12, timings: { detect_ms: 8 } }));
  assert.deepEqual(s.fileDeletions.next(10).map((d) => d.path), ['snapshots/a-face.jpg'], 'the replaced face crop is queued for deletion');

  const e0 = s.events.get('trk_0')!;
  assert.equal(e0.decision, 'recognized');
  assert.equal(e0.personName, 'Alice');
  assert.equal(e0.watchlist, true);
  assert.deepEqual(e0.box, [12, 22, 120, 130]);
  assert.equal(e0.faceSnapshot, 'snapshots/b-face.jpg');
  assert.equal(e0.frameSnapshot, 'snapshots/a-frame.jpg');
  assert.equal(e0.frameCount, 12);
  assert.deepEqual(e0.flags, ['watchlist']);

  const c1 = await s.write(() => s.events.correct('trk_0', { personId: bob.id, by: 'admin', reason: 'was Bob' }));
  const c2 = await s.write(() => s.events.correct('trk_0', { personId: null, by: 'admin2' }));
  assert.equal(c1.personName, 'Bob');
  assert.equal(c2.decision, 'unknown');
  assert.equal(c2.correction!.from_person_id, alice.id, 'the original decision is kept across corrections');
  assert.equal(c2.correction!.from_decision, 'recognized');
  assert.equal(c2.correction!.history.length, 2);
  await assert.rejects(s.write(() => s.events.correct('trk_1', { personId: 'per_nobody', by: 'x' })), NotFoundError);

  const all = [];
  let cursor: string | null = null;
  do {
    const page = s.events.list({ limit: 2, cursor });
    all.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor);
  assert.deepEqual(all, ['trk_4', 'trk_3', 'trk_2', 'trk_1', 'trk_0'], 'newest first across pages');
  assert.deepEqual(s.events.list({ decision: 'unknown' }).items.map((e) => e.id), ['trk_1', 'trk_0']);
  assert.deepEqual(s.events.list({ from: base + 1000, to: base + 3000 }).items.map((e) => e.id), ['trk_2', 'trk_1']);
  assert.deepEqual(s.events.counts(base, base + 10_000), { pending: 3, recognized: 0, unknown: 2 });
  assert.throws(() => s.events.list({ minConfidence: 2 }), InvalidInputError);

  s.cameras.remove('cam-a');
  const orphan = s.events.get('trk_2')!;
  assert.equal(orphan.cameraId, null);
  assert.equal(orphan.cameraName, 'Door A', 'events keep the camera name after the camera is deleted');
});

test('event log, settings, shifts, camera sessions', async (t) => {
  const s = await store(t);
  await s.write(() => {
    s.eventLog.append({ type: 'camera_connection', cameraName: 'Door', payload: { status: 'connected', connection_attempt: 1, latency_ms: 45 } });
    s.eventLog.append({ type: 'model_fallback', severity: 'warning', frameId: 'f1', payload: { primary_model: 'a', fallback_model: 'b', reason: 'timeout' } });
  });
  const log = s.eventLog.list({ minSeverity: 'warning' }).items;
  assert.equal(log.length, 1);
  assert.equal(log[0].payload.reason, 'timeout');
  assert.equal(s.eventLog.list().items[1].type, 'camera_connection');

  const def = s.settings.get();
  assert.equal(def.retention_days.unknown_snapshots < def.retention_days.events, true, 'unknown snapshots are kept for less time');
  const upd = s.settings.update({ timezone: 'Europe/Berlin', attendance: { min_punch_gap_minutes: 10, any_camera_quiet_minutes: 60 } }, 'admin');
  assert.equal(upd.timezone, 'Europe/Berlin');
  assert.equal(upd.attendance.min_punch_gap_minutes, 10);
  assert.throws(() => s.settings.update({ timezone: 'Mars/Olympus' }), InvalidInputError);
  assert.throws(() => s.settings.update({ retention_days: { events: 0, unknown_snapshots: 1, audit: 30 } }), InvalidInputError);
  assert.throws(() => s.settings.update({ nope: 1 } as never), InvalidInputError);
  s.db.writer.prepare("UPDATE settings SET value_json = '\"x\"' WHERE key = 'attendance'").run();
  assert.equal(s.settings.get().attendance.min_punch_gap_minutes, 5, 'an invalid stored value falls back to the default');

  const night = s.shifts.upsert({ name: 'Night', start: '22:00', end: '06:00', grace_minutes: 10, days: [5, 1, 1] });
  assert.deepEqual(night.days, [1, 5]);
  assert.equal(s.shifts.upsert({ id: night.id, name: 'Night', start: '21:00', end: '05:00', days: [1] }).start, '21:00');
  assert.throws(() => s.shifts.upsert({ name: 'Bad', start: '25:00', end: '06:00', days: [1] }), InvalidInputError);
  assert.throws(() => s.shifts.upsert({ name: 'Night', start: '08:00', end: '16:00', days: [1] }), ConflictError);

  const cam = s.cameras.create({ id: 'c1', name: 'C1', source: { type: 'file', path: '/v.mp4' } });
  const sess = s.sessions.start(cam.config.id, 'connecting', 1000);
  s.sessions.update(sess, { state: 'live', stats: { frames_captured: 10 }, lastFrameAt: 2000 }, 2000);
  assert.equal(s.sessions.closeDangling(), 1);
  const [row] = s.sessions.listForCamera('c1');
  assert.equal(row.endedAt, 2000);
  assert.equal(row.stats.frames_captured, 10);
});
