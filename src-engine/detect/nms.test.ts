// NMS across tiles and scales, and tiling on a real frame: a face on a tile seam is reported once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Candidate } from './candidate.ts';
import { nms } from './nms.ts';
import { planViews } from './plan.ts';
import { Engine } from '../engine.ts';
import { composeFrame } from '../testing/compose.ts';
import { iou } from './candidate.ts';

const box = (x1: number, y1: number, x2: number, y2: number, score: number, view: number, cut = false): Candidate => ({ x1, y1, x2, y2, score, keypoints: null, view, cut });
const OPTS = { iou: 0.4, containment: 0.7, blend: false };

test('one face seen by two overlapping tiles and a coarser scale is kept once, at its best whole box', () => {
  const kept = nms([box(100, 100, 150, 150, 0.9, 0), box(102, 99, 151, 152, 0.95, 1), box(98, 96, 154, 155, 0.8, 7), box(400, 100, 450, 150, 0.7, 1)], OPTS);
  assert.equal(kept.length, 2);
  assert.equal(kept[0].score, 0.95);
  assert.equal(kept[1].x1, 400);
});

test('a box cut by a tile edge loses to the whole face even with a higher score, and survives alone', () => {
  const cut = box(100, 100, 130, 150, 0.99, 0, true); // left half, touching the tile's right edge
  const whole = box(100, 100, 150, 150, 0.8, 1);
  assert.deepEqual(nms([cut, whole], OPTS), [whole]);
  assert.deepEqual(nms([cut], OPTS), [cut]);
});

test('containment removes a part-face box inside a whole face; blending averages whole members only', () => {
  assert.equal(nms([box(0, 0, 100, 100, 0.7, 0), box(20, 50, 80, 100, 0.9, 1)], OPTS).length, 1);
  const blended = nms([box(0, 0, 100, 100, 1, 0), box(10, 10, 110, 110, 1, 1), box(0, 0, 60, 100, 1, 2, true)], { iou: 0.3, containment: 1, blend: true });
  assert.equal(blended.length, 1);
  assert.deepEqual([blended[0].x1, blended[0].x2], [5, 105]);
});

test('tile plan: every face size between minFaceSize and the whole frame fits whole in some view', () => {
  const o = { inputW: 320, inputH: 240, minFace: 20, maxFace: 180, minFaceSize: 20, maxFaceRatio: 1.3, levelRatio: 3, maxUpscale: 2 };
  const views = planViews(1280, 720, o);
  for (const size of [20, 35, 60, 100, 200, 400, 720]) {
    for (const [cx, cy] of [[size / 2 + 1, size / 2 + 1], [640, 360], [1279 - size / 2, 719 - size / 2], [333, 201]]) {
      const ok = views.some((v) => {
        const s = v.scale;
        const f = size * s;
        const x = (cx - size / 2) * s - v.inputToFrame.tx * s;
        const y = (cy - size / 2) * s - v.inputToFrame.ty * s;
        return f >= o.minFace * 0.999 && f <= o.maxFace && x >= v.innerLeft && y >= v.innerTop && x + f <= v.innerRight && y + f <= v.innerBottom;
      });
      assert.ok(ok, `face of ${size} px at (${cx}, ${cy}) is whole and in range in some view`);
    }
  }
});

let engine: Engine;
before(async () => {
  engine = await Engine.create({ warmupIterations: 0, models: { liveness: null } });
});
after(() => engine.dispose());

test('a real face straddling tile seams is detected once', async () => {
  // At minFace 20 the finest level tiles this frame 1:1 with 320x240 tiles: put faces across seams.
  const views = planViews(1280, 720, { inputW: 320, inputH: 240, minFace: 20, maxFace: 180, minFaceSize: 20, maxFaceRatio: 1.3, levelRatio: 3, maxUpscale: 2 }).filter((v) => v.scale === 1);
  const seamX = views[1].inputToFrame.tx; // left edge of the second tile
  const seamY = views.find((v) => v.inputToFrame.ty > 0)!.inputToFrame.ty;
  const placements = [
    { face: 9, size: 44, x: Math.round(seamX - 22), y: 60 },
    { face: 14, size: 40, x: 700, y: Math.round(seamY - 20) },
  ];
  const composed = await composeFrame(1280, 720, placements);
  const r = await engine.analyzeFrame(composed.frame, { embeddings: false, detection: { minFaceSize: 20 } });
  for (const truth of composed.boxes) {
    const hits = r.faces.filter((f) => iou({ x1: f.box[0], y1: f.box[1], x2: f.box[0] + f.box[2], y2: f.box[1] + f.box[3] } as Candidate, { x1: truth[0], y1: truth[1], x2: truth[0] + truth[2], y2: truth[1] + truth[3] } as Candidate) > 0.3);
    assert.equal(hits.length, 1, `face at ${truth} reported once (got ${JSON.stringify(r.faces.map((f) => f.box))})`);
  }
});
