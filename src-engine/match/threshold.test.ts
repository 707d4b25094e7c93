// Threshold plumbing: FAR -> cosine through the calibration, and configured thresholds below 0.5 really
// apply (detection score and match threshold): no hidden 0.5 floor anywhere.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { calibrateFromImpostors, farForThreshold, searchThreshold, thresholdForFar } from './threshold.ts';
import { Engine } from '../engine.ts';
import { composeFrame } from '../testing/compose.ts';

const CAL = [
  { far: 1e-1, threshold: 0.1 },
  { far: 1e-2, threshold: 0.3 },
  { far: 1e-3, threshold: 0.4 },
];

test('FAR <-> threshold interpolates in log FAR and clamps at the ends', () => {
  assert.equal(thresholdForFar(1e-2, CAL), 0.3);
  assert.ok(Math.abs(thresholdForFar(10 ** -2.5, CAL) - 0.35) < 1e-12);
  assert.equal(thresholdForFar(1e-6, CAL), 0.4);
  assert.equal(thresholdForFar(0.5, CAL), 0.1);
  assert.ok(Math.abs(farForThreshold(0.35, CAL) - 10 ** -2.5) < 1e-12);
  assert.equal(searchThreshold(1e-1, 10, CAL), 0.3, 'open-set FAR is spread over the enrolled persons');
  assert.throws(() => thresholdForFar(0, CAL), /false-accept rate/);
});

test('calibration from impostor scores: empirical quantiles, monotone, tail beyond the data', () => {
  const scores = Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 0.15); // |s| <= 0.15
  const cal = calibrateFromImpostors(scores, [1e-1, 1e-2, 1e-3, 1e-5]);
  const sorted = [...scores].sort((a, b) => b - a);
  assert.equal(cal[0].threshold, Math.round(sorted[199] * 1000) / 1000);
  for (let i = 1; i < cal.length; i++) assert.ok(cal[i].threshold >= cal[i - 1].threshold);
  assert.ok(cal[3].threshold > 0.15, 'beyond the data the fitted tail extrapolates');
});

let engine: Engine;
before(async () => {
  engine = await Engine.create({ warmupIterations: 0, models: { liveness: null } });
});
after(() => engine.dispose());

test('a detection threshold below 0.5 really applies', async () => {
  const { frame } = await composeFrame(320, 240, [{ face: 0, size: 12, x: 150, y: 100 }]);
  const strict = await engine.analyzeFrame(frame, { embeddings: false, detection: { minFaceSize: 8 } });
  assert.ok(strict.faces.every((f) => f.score >= engine.config.detection.scoreThreshold));
  const loose = await engine.analyzeFrame(frame, { embeddings: false, detection: { minFaceSize: 8, scoreThreshold: 0.3 } });
  const low = loose.faces.filter((f) => f.score < engine.config.detection.scoreThreshold);
  assert.ok(low.length > 0, `faces scored in [0.3, default) are reported: ${loose.faces.map((f) => f.score)}`);
  assert.ok(loose.faces.length > strict.faces.length);
  assert.ok(loose.faces.every((f) => f.score >= 0.3));
  // The quality gate's confidence threshold is separate: low-score faces are reported as not enrolment-grade.
  assert.ok(low.every((f) => f.quality.reason === 'low_confidence'));
});

test('a match threshold below 0.5 really applies (compare and gallery search)', () => {
  const dim = engine.embeddingDim;
  const a = new Float32Array(dim);
  const b = new Float32Array(dim);
  a[0] = 1;
  b[0] = 0.35;
  b[1] = Math.sqrt(1 - 0.35 ** 2); // cosine 0.35
  const before = engine.compare(a, b);
  assert.ok(Math.abs(before.similarity - 0.35) < 1e-6);
  assert.equal(before.same, false, "rejected at the default (FAR 1e-3) threshold");
  engine.setConfig({ match: { threshold: 0.3 } });
  try {
    assert.equal(engine.compare(a, b).same, true);
    assert.equal(engine.verifyThreshold(), 0.3);
    engine.gallery.add('ann', a);
    assert.equal(engine.gallery.search(b, 1, engine.searchThreshold()).identity?.person_id, 'ann');
    engine.setConfig({ match: { threshold: null, far: 1e-3 } });
    assert.ok(engine.verifyThreshold() > 0.35, 'the calibrated threshold for FAR 1e-3 rejects this pair');
    assert.equal(engine.compare(a, b).same, false);
  } finally {
    engine.gallery.clear();
    engine.setConfig({ match: { threshold: null } });
  }
});
