// Row-lazy pyramid levels: a crop that computes only the rows it reads samples exactly what a fully built
// level gives, and a level completed piecewise equals halve() of the level above.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbFrame } from '../frame.ts';
import type { Affine } from './affine.ts';
import { Pyramid, halve } from './pyramid.ts';
import { warpRgb } from './warp.ts';

function noise(width: number, height: number, seed: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  let x = seed >>> 0;
  for (let i = 0; i < data.length; i++) data[i] = (x = (x * 1664525 + 1013904223) >>> 0) >>> 24;
  return { width, height, channels: 3, data };
}

const crop = (deg: number, scale: number, cx: number, cy: number, out: number): Affine => {
  const t = (deg * Math.PI) / 180;
  const cos = Math.cos(t) * scale;
  const sin = Math.sin(t) * scale;
  const h = out / 2;
  return { a: cos, b: -sin, c: sin, d: cos, tx: cx - cos * h + sin * h, ty: cy - sin * h - cos * h };
};

test('a crop sampled from the rows it needs equals one from the fully built level', () => {
  const frame = noise(1283, 721, 5);
  // Landmark-sized, rotated, multi-level (x8) and partly outside the frame.
  const crops: [Affine, number][] = [
    [crop(0, 150 / 64, 640, 300, 64), 64],
    [crop(35, 2.4, 200, 650, 160), 160],
    [crop(-35, 8.2, 900, 100, 96), 96],
    [crop(10, 3, 1270, 715, 112), 112],
  ];
  const lazy = new Pyramid(frame);
  for (const [m, side] of crops) {
    const a = lazy.forMap(m, side, side);
    const full = new Pyramid(frame);
    const b = full.forMap(m);
    const got = warpRgb(a.image, a.map, side, side, new Uint8Array(side * side * 3), [1, 2, 3]);
    const want = warpRgb(b.image, b.map, side, side, new Uint8Array(side * side * 3), [1, 2, 3]);
    assert.deepEqual(got, want);
  }
  // The levels the crops touched, completed now, are the plain halvings.
  const l1 = lazy.levelFor(0.5).image;
  assert.deepEqual(l1.data, halve(frame).data);
  assert.deepEqual(lazy.levelFor(0.25).image.data, halve(l1).data);
});

test('level choice: never upsampled, stops at 32 px', () => {
  const p = new Pyramid(noise(100, 40, 1));
  assert.equal(p.levelFor(1).scale, 1);
  assert.equal(p.levelFor(0.6).scale, 1);
  assert.equal(p.levelFor(0.5).scale, 0.5);
  // 100x40 -> 50x20: a 20-px level is not halved again.
  assert.equal(p.levelFor(0.01).scale, 0.5);
});
