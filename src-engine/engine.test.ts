// The whole pipeline on real faces (sample photos cut out and pasted with sharp): boxes, landmarks,
// quality, embeddings that tell the same person from another one across size, position, brightness and
// colour; grey frames; tight crops; health; dispose.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { Engine, type FaceResult } from './engine.ts';
import { EngineError } from './errors.ts';
import { composeFrame, faceCrop } from './testing/compose.ts';
import { SAMPLE_FACES } from './testing/face-samples.ts';

let engine: Engine;
before(async () => {
  engine = await Engine.create({ warmupIterations: 1, detection: { minFaceSize: 40 } });
});
after(() => engine.dispose());

const iou = (a: number[], b: number[]): number => {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h) : 0;
};
const find = (faces: FaceResult[], truth: number[]): FaceResult | undefined => faces.find((f) => iou(f.box, truth) > 0.5);
const ANN = 9; // sample4, frontal
const BOB = 18; // sample6, a different woman

test('two people in a frame: boxes, ordered landmarks, quality, unit embeddings; same person matches across changes', async () => {
  const a = await composeFrame(640, 360, [
    { face: ANN, size: 90, x: 80, y: 100 },
    { face: BOB, size: 110, x: 400, y: 80 },
  ]);
  const r = await engine.analyzeFrame(a.frame, { liveness: true });
  assert.equal(r.faces.length, 2, JSON.stringify(r.faces.map((f) => f.box)));
  for (const [i, truth] of a.boxes.entries()) {
    const f = find(r.faces, truth);
    assert.ok(f, `face ${i} found`);
    const [x, y, w, h] = f.box;
    for (const [px, py] of f.landmarks5) assert.ok(px > x && px < x + w && py > y && py < y + h, 'landmarks inside the box');
    const [le, re, nose, ml, mr] = f.landmarks5;
    assert.ok(le[0] < re[0] && ml[0] < mr[0], 'left/right in image order');
    assert.ok(le[1] < nose[1] && nose[1] < ml[1], 'eyes above nose above mouth');
    assert.equal(f.quality.passed, true, JSON.stringify(f.quality));
    assert.ok(Math.abs(f.quality.size - truth[2]) < truth[2] * 0.25);
    assert.ok(f.liveness !== undefined && f.liveness >= 0 && f.liveness <= 1);
    const norm = Math.hypot(...f.embedding!);
    assert.ok(Math.abs(norm - 1) < 1e-4);
  }
  assert.ok(r.stages.detect_ms > 0 && r.stages.embed_ms > 0 && r.ms >= r.stages.detect_ms);

  // The same two people again: smaller, elsewhere, darker and warmer.
  const b = await composeFrame(640, 360, [
    { face: BOB, size: 70, x: 60, y: 200 },
    { face: ANN, size: 130, x: 380, y: 60 },
  ]);
  const shifted = await sharp(b.frame.data, { raw: { width: 640, height: 360, channels: 3 } }).linear([0.8, 0.7, 0.6], [10, 0, 0]).raw().toBuffer();
  const r2 = await engine.analyzeFrame({ width: 640, height: 360, channels: 3, data: shifted });
  const annA = find(r.faces, a.boxes[0])!.embedding!;
  const bobA = find(r.faces, a.boxes[1])!.embedding!;
  const bobB = find(r2.faces, b.boxes[0])?.embedding;
  const annB = find(r2.faces, b.boxes[1])?.embedding;
  assert.ok(annB && bobB, "both found again");
  assert.equal(engine.compare(annA, annB).same, true, `ann vs ann ${engine.compare(annA, annB).similarity}`);
  assert.equal(engine.compare(bobA, bobB).same, true, `bob vs bob ${engine.compare(bobA, bobB).similarity}`);
  assert.equal(engine.compare(annA, bobB).same, false, `ann vs bob ${engine.compare(annA, bobB).similarity}`);

  // Gallery in the loop: enrol ann, the next frame says who is who (and that bob is unknown).
  engine.gallery.upsertPerson('ann', [annA]);
  try {
    const r3 = await engine.analyzeFrame({ width: 640, height: 360, channels: 3, data: shifted });
    assert.equal(find(r3.faces, b.boxes[1])?.match?.identity?.person_id, 'ann');
    assert.equal(find(r3.faces, b.boxes[0])?.match?.decision, 'unknown');
  } finally {
    engine.gallery.clear();
  }
});

test('grey frames (1 channel) and tight crops work', async () => {
  const a = await composeFrame(480, 320, [{ face: ANN, size: 100, x: 190, y: 100 }]);
  const grey = new Uint8Array(480 * 320);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * a.frame.data[3 * i] + 0.587 * a.frame.data[3 * i + 1] + 0.114 * a.frame.data[3 * i + 2]);
  const g = await engine.analyzeFrame({ width: 480, height: 320, channels: 1, data: grey });
  assert.ok(find(g.faces, a.boxes[0])?.embedding, 'grey face found and embedded');

  // A crop with 5% margin: the face fills the image (needs the padded view).
  const c = await faceCrop(BOB, SAMPLE_FACES[BOB].box[2], 0.05);
  const jpeg = await sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } }).jpeg().toBuffer();
  const t = await engine.analyzeImage(jpeg);
  assert.equal(t.faces.length, 1);
  assert.ok(iou(t.faces[0].box, [c.offsetX, c.offsetY, SAMPLE_FACES[BOB].box[2], SAMPLE_FACES[BOB].box[2]]) > 0.5);
});

test('health reports providers, warm-up and per-model latency; dispose is final', async () => {
  const h = engine.health();
  assert.equal(h.ready, true);
  assert.equal(h.providers[h.providers.length - 1], 'cpu');
  for (const id of Object.values(h.roles)) {
    if (!id) continue;
    const m = h.models[id];
    assert.ok(m.provider, `${id} has a provider`);
    assert.ok(m.warmup_ms !== null && m.warmup_ms > 0);
  }
  assert.ok(h.frames.analyzed >= 3 && h.frames.p50_ms! > 0);
  const e2 = await Engine.create({ warmupIterations: 0, models: { liveness: null, landmarks: null } });
  await e2.dispose();
  await assert.rejects(e2.analyzeFrame({ width: 2, height: 2, channels: 3, data: new Uint8Array(12) }), (e: unknown) => e instanceof EngineError && e.code === 'ENGINE_DISPOSED');
});
