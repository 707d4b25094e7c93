// Quality figures and the gate: pose from landmarks (checked against projected rotations), sharpness
// and brightness on a real face crop, each threshold configurable and each failure named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { faceCrop } from '../testing/compose.ts';
import { estimatePose } from './pose.ts';
import { DEFAULT_QUALITY, gate, measureFace } from './quality.ts';

// Project a generic face rotated by yaw (about the vertical axis), pitch, roll: weak perspective.
function project(yawDeg: number, pitchDeg: number, rollDeg: number): Float32Array {
  const pts = [[-188, -223, -190], [188, -223, -190], [0, 0, 0], [-161, 136, -135], [161, 136, -135]];
  const [y, p, r] = [yawDeg, pitchDeg, rollDeg].map((d) => (d * Math.PI) / 180);
  const out = new Float32Array(10);
  pts.forEach(([X, Y, Z], i) => {
    const x1 = Math.cos(y) * X + Math.sin(y) * Z; // yaw
    const z1 = -Math.sin(y) * X + Math.cos(y) * Z;
    const y2 = Math.cos(p) * Y - Math.sin(p) * z1; // pitch
    const x3 = Math.cos(r) * x1 - Math.sin(r) * y2; // roll
    const y3 = Math.sin(r) * x1 + Math.cos(r) * y2;
    out[2 * i] = 500 + 0.2 * x3;
    out[2 * i + 1] = 300 + 0.2 * y3;
  });
  return out;
}

test('pose: frontal reads ~0, known rotations come back, a mirrored face flips yaw and roll', () => {
  const f = estimatePose(project(0, 0, 0));
  assert.ok(Math.abs(f.yaw) < 0.5 && Math.abs(f.pitch) < 0.5 && Math.abs(f.roll) < 0.5, JSON.stringify(f));
  for (const [yw, pt, rl] of [[30, 0, 0], [-45, 0, 0], [0, 20, 0], [0, 0, 25], [25, -15, 10]]) {
    const e = estimatePose(project(yw, pt, rl));
    assert.ok(Math.abs(e.yaw - yw) < 2 && Math.abs(e.pitch - pt) < 2 && Math.abs(e.roll - rl) < 2, `${[yw, pt, rl]} -> ${JSON.stringify(e)}`);
  }
  const p = project(30, 10, 5);
  const m = new Float32Array(10);
  // Mirror: x -> -x, and the left/right points swap places.
  [[0, 1], [1, 0], [2, 2], [3, 4], [4, 3]].forEach(([dst, src]) => {
    m[2 * dst] = -p[2 * src];
    m[2 * dst + 1] = p[2 * src + 1];
  });
  const a = estimatePose(p);
  const b = estimatePose(m);
  assert.ok(Math.abs(a.yaw + b.yaw) < 0.2 && Math.abs(a.pitch - b.pitch) < 0.2 && Math.abs(a.roll + b.roll) < 0.2);
});

test('sharpness drops on a blurred real face; brightness is the mean luma', async () => {
  const c = await faceCrop(9, 112, 0);
  const chip = await sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } }).resize(112, 112, { fit: 'fill' }).raw().toBuffer();
  const blurred = await sharp(chip, { raw: { width: 112, height: 112, channels: 3 } }).blur(3).raw().toBuffer();
  const sharpM = measureFace(chip, 112, 112);
  const blurM = measureFace(blurred, 112, 112);
  assert.ok(sharpM.sharpness > 5 * blurM.sharpness, `${sharpM.sharpness} vs ${blurM.sharpness}`);
  const flat = new Uint8Array(112 * 112 * 3).fill(77);
  assert.deepEqual(measureFace(flat, 112, 112), { sharpness: 0, brightness: 77 });
});

test('the gate names the first failing check and every threshold is configurable', () => {
  const good = { sharpness: 100, brightness: 120 };
  const frontal = { yaw: 5, pitch: -3, roll: 2 };
  assert.equal(gate(0.9, 80, good, frontal, DEFAULT_QUALITY).passed, true);
  assert.equal(gate(0.5, 80, good, frontal, DEFAULT_QUALITY).reason, 'low_confidence');
  assert.equal(gate(0.9, 10, good, frontal, DEFAULT_QUALITY).reason, 'too_small');
  assert.equal(gate(0.9, 80, { sharpness: 1, brightness: 120 }, frontal, DEFAULT_QUALITY).reason, 'blurry');
  assert.equal(gate(0.9, 80, { sharpness: 100, brightness: 10 }, frontal, DEFAULT_QUALITY).reason, 'too_dark');
  assert.equal(gate(0.9, 80, { sharpness: 100, brightness: 250 }, frontal, DEFAULT_QUALITY).reason, 'too_bright');
  assert.equal(gate(0.9, 80, good, { yaw: 75, pitch: 0, roll: 0 }, DEFAULT_QUALITY).reason, 'pose');
  assert.equal(gate(0.9, 80, good, { yaw: 75, pitch: 0, roll: 0 }, { ...DEFAULT_QUALITY, maxYaw: 90 }).passed, true);
  assert.equal(gate(0.5, 80, good, frontal, { ...DEFAULT_QUALITY, minScore: 0.4 }).passed, true);
});

test('quality bands: enrolment (strict gate, passed), decision, low; embeddable from minEmbedSize', () => {
  const pose = { yaw: 0, pitch: 0, roll: 0 };
  const sharp = { sharpness: 20, brightness: 120 };
  const enrol = gate(0.9, 60, sharp, pose, DEFAULT_QUALITY);
  assert.deepEqual([enrol.band, enrol.passed, enrol.low_quality, enrol.embeddable], ['enrolment', true, false, true]);
  // Soft but big enough: not for enrolment (blurry), still decides at the normal threshold.
  const soft = gate(0.9, 60, { sharpness: 3, brightness: 120 }, pose, DEFAULT_QUALITY);
  assert.deepEqual([soft.band, soft.passed, soft.reason], ['decision', false, 'blurry']);
  // 20 px: below the enrolment and decision sizes, above minEmbedSize: low quality, embedded.
  const small = gate(0.9, 20, sharp, pose, DEFAULT_QUALITY);
  assert.deepEqual([small.band, small.low_quality, small.reason, small.embeddable], ['low', true, 'too_small', true]);
  const tiny = gate(0.9, 12, sharp, pose, DEFAULT_QUALITY);
  assert.equal(tiny.embeddable, false);
  const dark = gate(0.9, 60, { sharpness: 20, brightness: 10 }, pose, DEFAULT_QUALITY);
  assert.equal(dark.band, 'low');
  assert.equal(gate(0.9, 20, sharp, pose, { ...DEFAULT_QUALITY, decisionMinSize: 16 }).band, 'decision');
});
