// Colour order of the shipped models, pinned with real faces: feeding the other order (a classic silent
// bug) must visibly hurt. Detectors: small real faces (where colour matters most) score higher with the
// manifest's order. Embedder: the one woman who appears in two different sample photos matches herself
// better with the manifest's order.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { IDENTITY } from './image/affine.ts';
import { decodeDetector } from './detect/detector.ts';
import type { DetectorEntry, InputSpec, Manifest, ModelEntry } from './registry/manifest.ts';
import { loadManifest, readVerifiedModel } from './registry/manifest.ts';
import { ModelSession } from './runtime/model-session.ts';
import { InputBuffer } from './runtime/input-buffer.ts';
import { background, faceCrop } from './testing/compose.ts';
import { Engine } from './engine.ts';
import { SAMPLE_FACES, samplePath } from './testing/face-samples.ts';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODELS_DIR } from './registry/manifest.ts';

let manifest: Manifest;
before(async () => {
  manifest = await loadManifest();
});

const swap = (spec: InputSpec): InputSpec => ({ ...spec, colorOrder: spec.colorOrder === 'RGB' ? 'BGR' : 'RGB' });

/** Best score of a detection centred on a face of `size` px pasted in the middle of the model input. */
async function centreScores(entry: DetectorEntry, size: number, faces: number[]): Promise<{ right: number[]; swapped: number[] }> {
  const model = await ModelSession.load(entry as ModelEntry, await readVerifiedModel(entry), { providers: ['cpu'], threads: 1, timeoutMs: 10_000 });
  const { width: W, height: H } = entry.input;
  const bg = await background(W, H);
  const right: number[] = [];
  const swapped: number[] = [];
  for (const face of faces) {
    const c = await faceCrop(face, size, 0.5);
    const canvas = Uint8Array.from(bg);
    const px = Math.round(W / 2 - size / 2 - c.offsetX);
    const py = Math.round(H / 2 - size / 2 - c.offsetY);
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const X = px + x;
        const Y = py + y;
        if (X >= 0 && Y >= 0 && X < W && Y < H) canvas.set(c.data.subarray((y * c.width + x) * 3, (y * c.width + x) * 3 + 3), (Y * W + X) * 3);
      }
    }
    for (const [spec, into] of [[entry.input, right], [swap(entry.input), swapped]] as const) {
      const input = new InputBuffer(spec);
      input.fill(0, canvas);
      const out = await model.run(input.feeds(1));
      let best = 0;
      for (const d of decodeDetector({ ...entry, input: spec } as DetectorEntry, out, 0.01, IDENTITY, 0)) {
        if (Math.abs((d.x1 + d.x2) / 2 - W / 2) < size / 2 && Math.abs((d.y1 + d.y2) / 2 - H / 2) < size) best = Math.max(best, d.score);
      }
      into.push(best);
    }
  }
  await model.release();
  return { right, swapped };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

test('BlazeFace (keypoint model): a 20 px face is found with the manifest order, mostly not with the swapped one', async () => {
  const entry = manifest.models.find((m) => m.id === manifest.defaults.keypoints) as DetectorEntry;
  assert.equal(entry.input.colorOrder, 'RGB');
  const { right, swapped } = await centreScores(entry, 20, [0, 4, 7, 9, 14, 19]);
  assert.ok(right.filter((s) => s >= 0.6).length >= 5, `manifest order finds the faces: ${right}`);
  assert.ok(swapped.filter((s) => s >= 0.6).length <= 2, `swapped order mostly misses them: ${swapped}`);
});

test('YuNet (default detector): small faces score higher with the manifest order (BGR)', async () => {
  const entry = manifest.models.find((m) => m.id === manifest.defaults.detector) as DetectorEntry;
  assert.equal(entry.format, 'yunet');
  assert.equal(entry.input.colorOrder, 'BGR');
  const { right, swapped } = await centreScores(entry, 28, [0, 1, 4, 7, 9, 14, 17, 19]);
  assert.ok(mean(right) > mean(swapped) + 0.02, `mean ${mean(right)} vs swapped ${mean(swapped)}`);
  assert.ok(right.filter((s, i) => s > swapped[i]).length >= 5, `wins ${right} vs ${swapped}`);
});

test('UltraFace (detector kept loadable by manifest): small faces score higher with the manifest order', async () => {
  const entry = manifest.models.find((m) => m.id === 'ultraface-320x240') as DetectorEntry;
  assert.equal(entry.input.colorOrder, 'RGB');
  const { right, swapped } = await centreScores(entry, 16, [0, 1, 4, 7, 9, 14, 17, 19]);
  assert.ok(mean(right) > mean(swapped) + 0.05, `mean ${mean(right)} vs swapped ${mean(swapped)}`);
  assert.ok(right.filter((s, i) => s > swapped[i]).length >= 6, `wins ${right} vs ${swapped}`);
});

test('embedder: the same woman in two photos matches better with the manifest order (BGR)', async () => {
  const embedder = manifest.models.find((m) => m.id === manifest.defaults.embedder);
  assert.equal(embedder?.input.colorOrder, 'BGR');
  const [a, b] = [2, 6].map((i) => SAMPLE_FACES[i]);
  assert.equal(a.person, b.person);
  const similarity = async (engine: Engine): Promise<number> => {
    const emb: Float32Array[] = [];
    for (const f of [a, b]) {
      const r = await engine.analyzeImage(await readFile(samplePath(f.file)));
      const face = r.faces.find((x) => Math.abs(x.box[0] - f.box[0]) < f.box[2] / 3 && Math.abs(x.box[1] - f.box[1]) < f.box[2] / 3);
      assert.ok(face?.embedding, `face found in ${f.file}`);
      emb.push(face.embedding);
    }
    return engine.compare(emb[0], emb[1]).similarity;
  };
  // The faces are 170-250 px: no need to scan these photos for small ones.
  const opts = { warmupIterations: 0, models: { landmarks: null, liveness: null }, detection: { minFaceSize: 120 } };
  const right = await Engine.create(opts);
  const sRight = await similarity(right);
  assert.ok(sRight >= right.verifyThreshold(), `same person accepted: ${sRight}`);
  await right.dispose();
  // The same engine with only the embedder's channel order flipped (a manifest copy in a temp dir).
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-bgr-'));
  try {
    for (const m of manifest.models) await symlink(path.join(DEFAULT_MODELS_DIR, m.file), path.join(dir, m.file));
    const flipped = { ...manifest, models: manifest.models.map((m) => (m.id === embedder?.id ? { ...m, input: swap(m.input) } : m)) };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(flipped));
    const wrong = await Engine.create({ ...opts, modelsDir: dir });
    const sWrong = await similarity(wrong);
    await wrong.dispose();
    assert.ok(sRight > sWrong + 0.05, `manifest order ${sRight} vs swapped ${sWrong}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
