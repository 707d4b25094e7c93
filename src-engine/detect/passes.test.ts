// Pass planning for the dynamic-input detector: one pass at the working resolution when the minimum face
// allows, upscaling for small faces, coarser passes and tiles only when needed, thumbnails and padding for photos.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apply } from '../image/affine.ts';
import { planPasses, planPassesWithinBudget, type PassPlanOptions } from './passes.ts';

const base: PassPlanOptions = { minFace: 20, maxFace: 400, minFaceSize: 40, maxFaceRatio: 1.3, maxUpscale: 2, multiple: 32, maxPassPixels: 1024 * 768, tile: 768, photo: false, thumbnailSide: 160, pad: 0.2 };

test('1280x720 at min face 40: one pass at 640x384 covering the frame', () => {
  const p = planPasses(1280, 720, base);
  assert.equal(p.length, 1);
  assert.deepEqual([p[0].inputW, p[0].inputH, p[0].scale], [640, 384, 0.5]);
  assert.deepEqual(apply(p[0].inputToFrame, 640, 360), [1280, 720]);
});

test('small minimum faces upscale (up to maxUpscale), large frames tile with overlap, sizes are multiples of 32', () => {
  const up = planPasses(640, 360, { ...base, minFaceSize: 12 });
  assert.ok(up[0].scale > 1.6 && up[0].scale <= 2);
  for (const p of up) assert.ok(p.inputW % 32 === 0 && p.inputH % 32 === 0);
  const big = planPasses(3840, 2160, { ...base, minFaceSize: 20 });
  const fine = big.filter((p) => p.level === 0);
  assert.ok(fine.length > 1, 'the fine level is tiled');
  assert.ok(fine.every((p) => p.inputW <= 768 && p.inputH <= 768));
  assert.ok(fine.some((p) => Number.isFinite(p.innerRight)), 'inner tile edges are marked');
  assert.ok(big.some((p) => p.level > 0), 'a coarser pass holds faces too large for the fine one');
});

test('photos: a 23x28 thumbnail is upscaled and padded; a video frame is not padded', () => {
  const [t] = planPasses(23, 28, { ...base, minFaceSize: 16, photo: true });
  assert.equal(t.scale, 4, 'thumbnail upscaled towards 160 px, at most 2 x maxUpscale');
  const [o] = planPasses(23, 28, { ...base, minFaceSize: 16, photo: true }).map((p) => apply(p.inputToFrame, 0, 0));
  assert.ok(o[0] < 0 && o[1] < 0, 'content centred in a grey margin');
  const [v] = planPasses(1280, 720, base);
  assert.deepEqual(apply(v.inputToFrame, 0, 0), [0, 0]);
});

test('the pass budget raises the minimum face size instead of planning hundreds of runs', () => {
  const { passes, minFaceSize } = planPassesWithinBudget(8000, 6000, { ...base, minFaceSize: 8, maxUpscale: 2 }, 12);
  assert.ok(passes.length <= 12);
  assert.ok(minFaceSize > 8);
});
