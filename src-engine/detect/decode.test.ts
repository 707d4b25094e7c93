// Box decoding of both detector formats, through a view map (tile origin + scale) into frame pixels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scaleOffset } from '../image/affine.ts';
import { decodeBlazeFace } from './blazeface.ts';
import { decodeUltraFace } from './ultraface.ts';

test('UltraFace: normalised x1,y1,x2,y2 become frame pixels through the view map; low scores are dropped', () => {
  const scores = Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.6, 0.4); // (background, face) per prior
  const boxes = Float32Array.of(0, 0, 1, 1, 0.25, 0.5, 0.5, 1, 0.1, 0.1, 0.2, 0.2);
  // Input pixel p maps to frame 2p + (100, 50): a tile at (50, 25) of a half-scale level.
  const found = decodeUltraFace(scores, boxes, 320, 240, 0.5, scaleOffset(2, 100, 50), 3);
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.score, Float32Array.of(0.8)[0]);
  assert.deepEqual([c.x1, c.y1, c.x2, c.y2], [0.25 * 320 * 2 + 100, 0.5 * 240 * 2 + 50, 0.5 * 320 * 2 + 100, 240 * 2 + 50]);
  assert.equal(c.view, 3);
  assert.equal(c.keypoints, null);
});

test('BlazeFace: anchors per layer, offsets in input pixels, sigmoid scores, keypoints', () => {
  // Layer 0: 2x2 cells, 1 anchor; layer 1: 1 cell, 2 anchors; input 64 px; 1 keypoint (4 + 2 values).
  const stride = 6;
  const s0 = Float32Array.of(-9, -9, -9, 2); // only cell (1,1) fires
  const b0 = new Float32Array(4 * stride);
  b0.set([3, -2, 20, 10, 5, 6], 3 * stride);
  const s1 = Float32Array.of(-9, 0); // logit 0 = score 0.5
  const b1 = new Float32Array(2 * stride);
  b1.set([0, 0, 40, 40, -1, 1], stride);
  const layers = [
    { cells: 2, anchorsPerCell: 1, scores: s0, boxes: b0 },
    { cells: 1, anchorsPerCell: 2, scores: s1, boxes: b1 },
  ];
  const found = decodeBlazeFace(layers, 64, 1, 0.4, scaleOffset(0.5, 10, 0), 0);
  assert.equal(found.length, 2);
  const [a, b] = found;
  // Cell (1,1) of a 2x2 grid on 64 px: anchor centre (48, 48); box centre (51, 46), size 20x10.
  assert.ok(Math.abs(a.score - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.deepEqual([a.x1, a.y1, a.x2, a.y2], [0.5 * 41 + 10, 0.5 * 41, 0.5 * 61 + 10, 0.5 * 51]);
  assert.deepEqual(Array.from(a.keypoints!), [0.5 * 53 + 10, 0.5 * 54]);
  // Single cell: anchor at (32, 32).
  assert.equal(b.score, 0.5);
  assert.deepEqual([b.x1, b.y1, b.x2, b.y2], [0.5 * 12 + 10, 0.5 * 12, 0.5 * 52 + 10, 0.5 * 52]);
  assert.deepEqual(Array.from(b.keypoints!), [0.5 * 31 + 10, 0.5 * 33]);
  // A threshold above 0.5 (in logit space) drops the second.
  assert.equal(decodeBlazeFace(layers, 64, 1, 0.6, scaleOffset(1, 0, 0), 0).length, 1);
});
