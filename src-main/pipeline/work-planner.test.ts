import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MotionGate, mergeOverlapping } from './motion-gate.ts';
import { WorkPlanner, cropRgb, fitRect, offsetFaces } from './work-planner.ts';

const W = 640;
const H = 360;

/** A textured static scene with camera-like noise (±3 grey levels), plus optional bright squares. */
function frame(seed: number, squares: Array<[number, number, number]> = [], flicker?: [number, number, number, number, number]): Uint8Array {
  const d = new Uint8Array(W * H * 3);
  let s = seed * 2654435761 >>> 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const noise = (s >>> 16) % 7 - 3;
      const v = 60 + ((x >> 4) + (y >> 4)) % 2 * 40 + noise;
      const i = (y * W + x) * 3;
      d[i] = d[i + 1] = d[i + 2] = v;
    }
  }
  const paint = (x0: number, y0: number, w: number, h: number, v: number) => {
    for (let y = y0; y < Math.min(H, y0 + h); y++) for (let x = x0; x < Math.min(W, x0 + w); x++) d.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
  };
  for (const [x, y, side] of squares) paint(x, y, side, side, 230);
  if (flicker) paint(flicker[0], flicker[1], flicker[2], flicker[3], flicker[4]);
  return d;
}

test('motion gate: noise is not motion, a moving 40 px face-sized patch is, and its region is where it moved', () => {
  const g = new MotionGate();
  assert.equal(g.observe(frame(1), W, H).motion, true, 'the first frame counts as motion (no background yet)');
  for (let i = 2; i < 8; i++) assert.equal(g.observe(frame(i), W, H).motion, false, `static frame ${i}`);
  const m = g.observe(frame(9, [[300, 100, 40]]), W, H);
  assert.equal(m.motion, true);
  assert.equal(m.regions.length, 1);
  const [x, y, w, h] = m.regions[0];
  assert.ok(x <= 300 && y <= 100 && x + w >= 340 && y + h >= 140 && w < 80 && h < 80, JSON.stringify(m.regions));
});

test('motion gate: a masked busy region (a clock) never counts', () => {
  const g = new MotionGate({ masks: [[0.8, 0, 0.2, 0.2]] });
  g.observe(frame(1), W, H);
  for (let i = 0; i < 6; i++) {
    const r = g.observe(frame(2 + i, [], [560, 10, 60, 50, i % 2 ? 250 : 10]), W, H);
    assert.equal(r.motion, false, `flicker ${i} inside the mask`);
  }
  const unmasked = new MotionGate();
  unmasked.observe(frame(1), W, H);
  assert.equal(unmasked.observe(frame(2, [], [560, 10, 60, 50, 250]), W, H).motion, true, 'the same flicker without a mask is motion');
});

test('planner: masks from the camera config apply at run time; the background learnt so far is kept', () => {
  const p = new WorkPlanner({ fullCheckMs: 60_000 });
  let t = 0;
  p.plan({ data: frame(1), width: W, height: H }, [], t);
  const flicker = (i: number) => frame(2 + i, [], [560, 10, 60, 50, i % 2 ? 250 : 10]);
  assert.notEqual(p.plan({ data: flicker(1), width: W, height: H }, [], (t += 200)).kind, 'skip', 'the flicker is motion without a mask');
  p.setMasks([[0.8, 0, 0.2, 0.2]]);
  for (let i = 2; i < 6; i++) assert.equal(p.plan({ data: flicker(i), width: W, height: H }, [], (t += 200)).kind, 'skip', `flicker ${i} masked`);
  const walker = p.plan({ data: frame(9, [[100, 120, 40]]), width: W, height: H }, [], (t += 200));
  assert.equal(walker.kind, 'roi', 'motion outside the mask is still seen at once (no re-learning after the change)');
  p.setMasks([]);
  assert.notEqual(p.plan({ data: flicker(7), width: W, height: H }, [], (t += 200)).kind, 'skip', 'mask removed: motion again');
});

test('planner: static frames skip, a full check every few seconds, motion gets a crop, a live track keeps frames analysed', () => {
  const p = new WorkPlanner({ fullCheckMs: 3000 });
  let t = 0;
  assert.deepEqual(p.plan({ data: frame(1), width: W, height: H }, [], t), { kind: 'full', reason: 'first', newActivity: true });
  const kinds: string[] = [];
  for (let i = 0; i < 16; i++) kinds.push(p.plan({ data: frame(2 + i), width: W, height: H }, [], (t += 200)).kind);
  assert.equal(kinds.filter((k) => k === 'full').length, 1, 'one full check in 3.2 quiet seconds finds a face that never moved');
  assert.equal(kinds.filter((k) => k === 'skip').length, 15);
  const moving = p.plan({ data: frame(20, [[100, 120, 40]]), width: W, height: H }, [], (t += 200));
  assert.equal(moving.kind, 'roi');
  if (moving.kind === 'roi') {
    const [x, y, w, h] = moving.rect;
    assert.ok(x <= 100 && y <= 120 && x + w >= 140 && y + h >= 160, `crop ${moving.rect} holds the patch`);
    assert.ok(w * h < W * H * 0.5);
  }
  // The person leaves; the scene is static again but a track is still alive: analysed around the track.
  const held = p.plan({ data: frame(21), width: W, height: H }, [[100, 120, 40, 40]], (t += 200));
  assert.ok(held.kind === 'roi' && !held.newActivity, 'only the tracked face area is active: no new activity');
  const elsewhere = p.plan({ data: frame(22, [[400, 200, 40]]), width: W, height: H }, [[100, 120, 40, 40]], (t += 200));
  assert.ok(elsewhere.kind !== 'skip' && elsewhere.newActivity, 'motion away from every track is new activity (embed)');
  assert.deepEqual(p.counters, { skipped_static: 15, active: 4, full_checks: 1, roi_frames: 3, roi_pixels_saved: p.counters.roi_pixels_saved, embeddings_skipped: 0 });
  assert.ok(p.counters.roi_pixels_saved > W * H);
});

test('planner: activity all over the frame is analysed whole; roi off means whole frames', () => {
  const p = new WorkPlanner();
  p.plan({ data: frame(1), width: W, height: H }, [], 0);
  const spread = p.plan({ data: frame(2, [[10, 10, 40], [590, 310, 40]]), width: W, height: H }, [], 200);
  assert.deepEqual(spread, { kind: 'full', reason: 'activity', newActivity: true });
  const off = new WorkPlanner({ roi: false });
  off.plan({ data: frame(1), width: W, height: H }, [], 0);
  assert.deepEqual(off.plan({ data: frame(2, [[100, 100, 40]]), width: W, height: H }, [], 200), { kind: 'full', reason: 'activity', newActivity: true });
});

test('crop and offset: rectangles are clamped, even and at least the minimum; faces map back to frame pixels', () => {
  assert.deepEqual(fitRect([-10, -10, 30, 30], W, H, 128), [0, 0, 128, 128]);
  assert.deepEqual(fitRect([600, 300, 30, 30], W, H, 128), [512, 232, 128, 128]);
  const r = fitRect([101, 51, 201, 101], W, H, 64);
  assert.ok(r.every((v) => v % 2 === 0));
  const d = frame(1, [[200, 100, 10]]);
  const c = cropRgb(d, W, [200, 100, 10, 10]);
  assert.equal(c.length, 300);
  assert.ok(c.every((v) => v === 230));
  const faces = offsetFaces([{ box: [1, 2, 3, 4] as [number, number, number, number], landmarks5: [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]] as Array<[number, number]> }], 100, 50);
  assert.deepEqual(faces[0].box, [101, 52, 3, 4]);
  assert.deepEqual(faces[0].landmarks5[4], [105, 55]);
  assert.deepEqual(mergeOverlapping([[0, 0, 10, 10], [5, 5, 10, 10], [50, 50, 1, 1]]), [[0, 0, 15, 15], [50, 50, 1, 1]]);
});
