// The fused detector input (planes.ts) against the steps it replaces: pyramid level, warpRgb crop with a
// grey border, RGB bytes -> BGR/RGB planes. Bit-identical, or detections would move.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbFrame } from '../frame.ts';
import { scaleOffset, type Affine } from './affine.ts';
import { blockRoute, blockToPlanes } from './planes.ts';
import { Pyramid } from './pyramid.ts';
import { warpRgb, type Rgb } from './warp.ts';

function noise(width: number, height: number, seed: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  let x = seed >>> 0;
  for (let i = 0; i < data.length; i++) data[i] = (x = (x * 1664525 + 1013904223) >>> 0) >>> 24;
  return { width, height, channels: 3, data };
}

/** The unfused route: pick the level, warp into RGB bytes, split into planes. */
function reference(frame: RgbFrame, m: Affine, w: number, h: number, border: Rgb, bgr: boolean): Float32Array {
  const { image, map } = new Pyramid(frame).forMap(m);
  const rgb = warpRgb(image, map, w, h, new Uint8Array(w * h * 3), border);
  const n = w * h;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[(bgr ? 2 : 0) * n + i] = rgb[3 * i];
    out[n + i] = rgb[3 * i + 1];
    out[(bgr ? 0 : 2) * n + i] = rgb[3 * i + 2];
  }
  return out;
}

test('a power-of-two pass is written into the planes exactly as level + crop + conversion would', () => {
  const border: Rgb = [127, 120, 110];
  // Odd sizes (the halved level drops the last column/row), padded passes, offsets into and beyond the frame.
  const cases: { fw: number; fh: number; scale: number; ox: number; oy: number; w: number; h: number; bgr: boolean; unaligned?: boolean }[] = [
    { fw: 1280, fh: 720, scale: 2, ox: 0, oy: 0, w: 640, h: 384, bgr: true }, // the 720p pass at min face 40
    { fw: 333, fh: 201, scale: 2, ox: 0, oy: 0, w: 192, h: 128, bgr: true },
    { fw: 333, fh: 201, scale: 1, ox: 0, oy: 0, w: 352, h: 224, bgr: false },
    { fw: 400, fh: 300, scale: 2, ox: 30, oy: -7, w: 160, h: 160, bgr: true },
    { fw: 400, fh: 300, scale: 4, ox: -5, oy: 20, w: 96, h: 96, bgr: true },
    { fw: 400, fh: 300, scale: 1, ox: 350, oy: 280, w: 96, h: 64, bgr: true }, // mostly border
    { fw: 400, fh: 300, scale: 2, ox: 31, oy: 3, w: 97, h: 64, bgr: true }, // odd first pixel and odd count on the word path
    { fw: 400, fh: 300, scale: 2, ox: -3, oy: 0, w: 210, h: 160, bgr: false }, // left border, right edge
    { fw: 404, fh: 300, scale: 2, ox: 1, oy: 1, w: 200, h: 150, bgr: true, unaligned: true }, // bytes not word-aligned
  ];
  for (const c of cases) {
    let frame = noise(c.fw, c.fh, c.fw + c.ox);
    if (c.unaligned) {
      const shifted = new Uint8Array(frame.data.length + 1).subarray(1);
      shifted.set(frame.data);
      frame = { ...frame, data: shifted };
    }
    const m = scaleOffset(c.scale, c.ox * c.scale, c.oy * c.scale);
    const route = blockRoute(new Pyramid(frame), m);
    assert.ok(route, `fused route for ${JSON.stringify(c)}`);
    const out = new Float32Array(3 * c.w * c.h).fill(-1);
    blockToPlanes(route.src, route.factor, route.ox, route.oy, c.w, c.h, out, border, c.bgr);
    const want = reference(frame, m, c.w, c.h, border, c.bgr);
    let diff = 0;
    for (let i = 0; i < want.length; i++) if (out[i] !== want[i]) diff++;
    assert.equal(diff, 0, `values differing for ${JSON.stringify(c)}`);
  }
});

test('rotated, fractional and upscaling maps are left to warpRgb', () => {
  const p = new Pyramid(noise(200, 100, 1));
  assert.equal(blockRoute(p, { a: 2, b: 0.1, c: -0.1, d: 2, tx: 0, ty: 0 }), null);
  assert.equal(blockRoute(p, scaleOffset(1.5, 0, 0)), null);
  assert.equal(blockRoute(p, scaleOffset(2, 1, 0)), null); // half an input pixel
  assert.equal(blockRoute(p, scaleOffset(0.5, 0, 0)), null);
  assert.equal(blockRoute(p, { a: 2, b: 0, c: 0, d: 4, tx: 0, ty: 0 }), null);
  assert.throws(() => blockToPlanes(p.base, 1, 0, 0, 10, 10, new Float32Array(299), [0, 0, 0], true), RangeError);
});
