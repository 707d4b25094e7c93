import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { InvalidInputError } from './errors.ts';
import { openStore } from './host-store.ts';
import { tempDataDir } from './testing/temp-data-dir.ts';

const DAY = 86_400_000;

function gradient(width: number, height: number): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x % 256, y % 256, (x + y) % 256], (y * width + x) * 3);
  return { data, width, height, channels: 3 };
}

test('snapshots are real JPEGs under snapshots/YYYY/MM/DD, written atomically, and cannot escape the folder', async (t) => {
  const s = await openStore(tempDataDir(t));
  t.after(() => s.close());
  const at = Date.UTC(2025, 10, 6, 23, 59);
  const frame = gradient(1920, 1080);
  const face = await s.snapshots.writeFaceCrop('trk_1', frame, [1800, 1000, 200, 200], at); // box runs off the frame: clamped
  const full = await s.snapshots.writeFrame('trk_1', frame, at);
  assert.equal(face, 'snapshots/2025/11/06/trk_1-face.jpg');
  assert.equal(full, 'snapshots/2025/11/06/trk_1-frame.jpg');
  const fm = await sharp(s.snapshots.resolve(face)).metadata();
  assert.equal(fm.format, 'jpeg');
  assert.deepEqual([fm.width, fm.height], [170, 130], 'crop with 25% margin, clamped to the frame edge');
  const wm = await sharp(s.snapshots.resolve(full)).metadata();
  assert.deepEqual([wm.width, wm.height], [1280, 720], 'full frames are scaled to 1280 on the long side');
  assert.deepEqual(readdirSync(join(s.dataDir, 'snapshots/2025/11/06')).sort(), ['trk_1-face.jpg', 'trk_1-frame.jpg'], 'no temp files left');

  await assert.rejects(s.snapshots.writeJpeg('../evil', 'face', Buffer.from([0xff, 0xd8, 0, 0]), at), InvalidInputError);
  await assert.rejects(s.snapshots.writeJpeg('ok', 'face', Buffer.from('not a jpeg'), at), InvalidInputError);
  assert.throws(() => s.snapshots.resolve('snapshots/../vigil.sqlite'), InvalidInputError);
  assert.throws(() => s.snapshots.resolve('/etc/passwd'), InvalidInputError);
  await assert.rejects(s.snapshots.writeFaceCrop('x', frame, [0, 0, 0, 10], at), InvalidInputError);
});

test('retention deletes old events and their files; unknown-face pictures go sooner; enrolled snapshots stay', async (t) => {
  const dir = tempDataDir(t);
  const s = await openStore(dir);
  t.after(() => s.close());
  s.settings.update({ retention_days: { events: 30, unknown_snapshots: 3, audit: 365 } });
  const now = Date.UTC(2025, 10, 30);
  const alice = s.persons.create({ employee_id: 'A', name: 'Alice' });
  s.cameras.create({ id: 'x', name: 'X', source: { type: 'file', path: '/v.mp4' } });
  const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).jpeg().toBuffer();
  const make = async (id: string, ageDays: number, decision: 'recognized' | 'unknown') => {
    const at = now - ageDays * DAY;
    const face = await s.snapshots.writeJpeg(id, 'face', tiny, at);
    const frame = await s.snapshots.writeJpeg(id, 'frame', tiny, at);
    await s.write(() => {
      s.events.insertPending({ id, cameraId: 'x', cameraName: 'X', startedAt: at, box: [0, 0, 8, 8], score: 1, frameWidth: 8, frameHeight: 8 });
      s.events.applyDecision(id, { decision, personId: decision === 'recognized' ? alice.id : null, confidence: null, distance: null, margin: null, votes: [], decidedAt: at });
      s.events.updateBest(id, { box: [0, 0, 8, 8], score: 1, frameWidth: 8, frameHeight: 8, faceSnapshot: face, frameSnapshot: frame });
    });
    return { face, frame };
  };
  const oldRec = await make('trk_old_rec', 40, 'recognized');
  const oldUnk = await make('trk_old_unk', 40, 'unknown');
  const midUnk = await make('trk_mid_unk', 10, 'unknown');
  const midRec = await make('trk_mid_rec', 10, 'recognized');
  const newUnk = await make('trk_new_unk', 1, 'unknown');
  const enrolled = await make('trk_enrolled', 40, 'recognized');
  s.templates.add({ personId: alice.id, embedding: new Float32Array(4).fill(0.5), sourceKind: 'correction', sourcePath: enrolled.face });
  await s.write(() => s.eventLog.append({ type: 'detection', at: now - 40 * DAY }));
  await s.write(() => s.eventLog.append({ type: 'detection', at: now - 1 * DAY }));

  const report = await s.retention.run(now);
  assert.equal(report.rows.events, 3);
  assert.equal(report.rows.unknown_snapshots, 2, 'old + mid unknown (old one before its row went)');
  assert.equal(report.rows.event_log, 1);
  assert.equal(report.filesFailed, 0);
  const exists = (p: string) => existsSync(join(dir, p));
  assert.equal(s.events.get('trk_old_rec'), null);
  assert.equal(exists(oldRec.face) || exists(oldRec.frame) || exists(oldUnk.face), false);
  assert.equal(s.events.get('trk_mid_unk')!.faceSnapshot, null, 'unknown row kept for statistics, picture gone');
  assert.equal(exists(midUnk.face) || exists(midUnk.frame), false);
  assert.equal(exists(midRec.face) && exists(newUnk.face), true);
  assert.equal(exists(enrolled.face), true, 'a snapshot used as a template source is not deleted');
  assert.equal(exists(enrolled.frame), false);
  assert.equal(s.fileDeletions.count(), 0);
  const again = await s.retention.run(now);
  assert.deepEqual(Object.values(again.rows).reduce((a, b) => a + b, 0), 0, 'a second pass finds nothing');
});

test('file deletions interrupted by a crash resume when the store is opened again', async (t) => {
  const dir = tempDataDir(t);
  const s = await openStore(dir);
  mkdirSync(join(dir, 'snapshots/2025/01/01'), { recursive: true });
  const files = ['a', 'b', 'c'].map((n) => `snapshots/2025/01/01/${n}.jpg`);
  for (const f of files) writeFileSync(join(dir, f), 'x');
  writeFileSync(join(dir, 'keep.txt'), 'x');
  // The deleting transaction committed, then the process died before unlinking.
  await s.write(() => s.fileDeletions.enqueue([...files, 'snapshots/2025/01/01/already-gone.jpg', '../outside.txt'], 'erasure'));
  await s.close();
  const today = new Date();
  const tmpDir = join(dir, 'snapshots', String(today.getUTCFullYear()), String(today.getUTCMonth() + 1).padStart(2, '0'), String(today.getUTCDate()).padStart(2, '0'));
  mkdirSync(tmpDir, { recursive: true });
  writeFileSync(join(tmpDir, 'trk_9-face.jpg.123.abcd.tmp'), 'half');

  const s2 = await openStore(dir);
  t.after(() => s2.close());
  assert.deepEqual(files.filter((f) => existsSync(join(dir, f))), []);
  assert.equal(existsSync(join(dir, 'keep.txt')), true);
  assert.deepEqual(readdirSync(tmpDir), [], 'half-written temp snapshots are swept');
  const left = s2.fileDeletions.next(10);
  assert.deepEqual(left.map((d) => d.path), ['../outside.txt'], 'a path leaving the data dir is never unlinked, and stays flagged');
  assert.equal(left[0].attempts, 1);
});
