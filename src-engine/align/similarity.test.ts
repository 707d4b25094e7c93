// The similarity transform: known points map exactly; the 5 landmarks of a rotated, scaled, shifted
// template come back onto the template.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apply, compose, invert } from '../image/affine.ts';
import type { Point } from './similarity.ts';
import { similarityTransform } from './similarity.ts';

const TEMPLATE: Point[] = [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]];

test('recovers an exact similarity (rotation 30 deg, scale 2.5, shift) from 5 points', () => {
  const th = Math.PI / 6;
  const k = 2.5;
  const truth = { a: k * Math.cos(th), b: -k * Math.sin(th), c: k * Math.sin(th), d: k * Math.cos(th), tx: 300, ty: -40 };
  const moved = TEMPLATE.map(([x, y]) => apply(truth, x, y));
  const m = similarityTransform(TEMPLATE, moved);
  for (const key of ['a', 'b', 'c', 'd', 'tx', 'ty'] as const) assert.ok(Math.abs(m[key] - truth[key]) < 1e-9, key);
  // And back: face landmarks in a frame -> template.
  const back = similarityTransform(moved, TEMPLATE);
  moved.forEach((p, i) => {
    const [x, y] = apply(back, p[0], p[1]);
    assert.ok(Math.hypot(x - TEMPLATE[i][0], y - TEMPLATE[i][1]) < 1e-9);
  });
  const id = compose(back, m);
  assert.ok(Math.abs(id.a - 1) < 1e-12 && Math.abs(id.b) < 1e-12 && Math.abs(id.tx) < 1e-9);
  assert.ok(Math.abs(compose(invert(m), m).a - 1) < 1e-12);
});

test('never reflects: a mirrored face is fitted by a rotation, not a flip', () => {
  const mirrored = TEMPLATE.map(([x, y]) => [112 - x, y] as Point);
  const m = similarityTransform(mirrored, TEMPLATE);
  assert.ok(m.a * m.d - m.b * m.c > 0, 'determinant positive');
});

test('least squares with noise: the fit stays within the noise', () => {
  const noisy = TEMPLATE.map(([x, y], i) => [2 * x + 10 + (i % 2 ? 0.5 : -0.5), 2 * y + 5] as Point);
  const m = similarityTransform(noisy, TEMPLATE);
  noisy.forEach((p, i) => {
    const [x, y] = apply(m, p[0], p[1]);
    assert.ok(Math.hypot(x - TEMPLATE[i][0], y - TEMPLATE[i][1]) < 0.5);
  });
  assert.throws(() => similarityTransform([[1, 1], [1, 1]], [[0, 0], [1, 1]]), RangeError);
});
