// The tracker's cosine constants follow the running embedder (issue 16, walk-by with dlib): with arcface's numbers
// dlib's different-person cosines (~0.85) pass the re-link gate, so a second person re-links to the first one's
// lost track (one visit for two people). Real dlib embeddings of two people (in-process engine, real ONNX).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Engine } from '../../src-engine/in-process.ts';
import { farForThreshold, loadManifest, type CalibrationPoint } from '../../src-engine/public.ts';
import { SAMPLES_DIR } from '../demo/demo-assets.ts';
import { CameraTracker, DEFAULT_TRACKER_OPTIONS } from './camera-tracker.ts';
import { TRACKER_TUNED_ON, scaleTrackerCosines } from './embedder-scale.ts';
import type { Box } from './types.ts';

const DLIB = 'dlib-resnet-v1-150';

async function calibrations(): Promise<{ ref: CalibrationPoint[]; dlib: CalibrationPoint[] }> {
  const m = await loadManifest();
  const cal = (id: string) => {
    const e = m.models.find((x) => x.id === id);
    assert.ok(e && e.format === 'aligned-embedding');
    return e.params.calibration;
  };
  return { ref: cal(TRACKER_TUNED_ON), dlib: cal(DLIB) };
}

test('the reference embedder keeps the defaults; another embedder gets gates of the same false-accept rate', async () => {
  const { ref, dlib } = await calibrations();
  assert.deepEqual(scaleTrackerCosines(DEFAULT_TRACKER_OPTIONS, ref, ref), { appearance: DEFAULT_TRACKER_OPTIONS.appearance, voting: { marginRef: DEFAULT_TRACKER_OPTIONS.voting.marginRef } });
  const s = scaleTrackerCosines(DEFAULT_TRACKER_OPTIONS, ref, dlib);
  for (const k of ['rejectBelow', 'relinkMin'] as const) {
    const want = farForThreshold(DEFAULT_TRACKER_OPTIONS.appearance[k], ref);
    const got = farForThreshold(s.appearance[k], dlib);
    assert.ok(Math.abs(Math.log10(got) - Math.log10(want)) < 0.01, `${k}: FAR ${got} vs ${want}`);
  }
  assert.ok(s.appearance.relinkMin > 0.95 && s.appearance.relinkMargin < DEFAULT_TRACKER_OPTIONS.appearance.relinkMargin, JSON.stringify(s));
  assert.ok(s.voting.marginRef < DEFAULT_TRACKER_OPTIONS.voting.marginRef && s.voting.marginRef > 0);
});

test('with dlib embeddings a second person re-links to the first one\'s lost track unless the constants are scaled (real ONNX)', { timeout: 60_000 }, async () => {
  const engine = await Engine.create({ threads: 1, warmupIterations: 0, models: { embedder: DLIB, liveness: null } });
  try {
    const embed = async (x: number, y: number, w: number): Promise<Float32Array> => {
      const k = 2;
      const jpeg = await sharp(join(SAMPLES_DIR, 'sample1.jpg')).extract({ left: Math.round(x - k * w / 2), top: Math.round(y - k * w / 2), width: Math.round(k * w), height: Math.round(k * w) }).jpeg().toBuffer();
      const r = await engine.analyzeImage(jpeg, { embeddings: true, match: false });
      const f = [...r.faces].filter((f) => f.embedding).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
      assert.ok(f?.embedding, 'an embedded face');
      return Float32Array.from(f.embedding);
    };
    const a = await embed(420, 402, 191);
    const b = await embed(849, 464, 185);
    let dot = 0;
    for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
    assert.ok(dot > DEFAULT_TRACKER_OPTIONS.appearance.relinkMin, `two people's dlib cosine ${dot.toFixed(3)} is above arcface's re-link gate`);

    const { ref, dlib } = await calibrations();
    const scaled = scaleTrackerCosines(DEFAULT_TRACKER_OPTIONS, ref, dlib);
    const run = (options: ConstructorParameters<typeof CameraTracker>[2]) => {
      const t = new CameraTracker('cam', { minFacePx: 20, minDetectionConfidence: 0.5, recognitionThreshold: 0.99 }, options);
      const ids = new Set<string>();
      const face = (box: Box, embedding: Float32Array) => ({ box, score: 0.9, quality: { passed: true }, candidates: [], embedding });
      // Person A walks left to right for 1.5 s, leaves; 3 s later person B enters at the other side.
      for (let i = 0; i < 8; i++) ids.add(t.update({ frameId: `a${i}`, at: i * 200, faces: [face([40 + i * 30, 100, 60, 60], a)] }).faces[0].trackId ?? '');
      for (let i = 0; i < 8; i++) ids.add(t.update({ frameId: `b${i}`, at: 4600 + i * 200, faces: [face([560 - i * 30, 120, 60, 60], b)] }).faces[0].trackId ?? '');
      ids.delete('');
      return ids.size;
    };
    assert.equal(run({ visitGapMs: 30_000 }), 1, 'with arcface\'s constants B re-links to A (the defect)');
    assert.equal(run({ visitGapMs: 30_000, appearance: scaled.appearance, voting: { ...DEFAULT_TRACKER_OPTIONS.voting, ...scaled.voting } }), 2, 'scaled: two people, two tracks');
  } finally {
    await engine.dispose();
  }
});
