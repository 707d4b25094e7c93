// dlib's 150x150 face chip: the template in the manifest is the derivation from dlib's mean face, and the
// engine's chip (pyramid + warp) agrees pixel for pixel with a direct transcription of dlib's
// get_face_chip_details + extract_image_chip on a real photo.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { apply } from '../image/affine.ts';
import { decodeImage } from '../image/decode.ts';
import { Pyramid } from '../image/pyramid.ts';
import type { RgbFrame } from '../frame.ts';
import { loadManifest, type EmbedderEntry } from '../registry/manifest.ts';
import { SAMPLE_FACES, samplePath } from '../testing/face-samples.ts';
import { similarityTransform, type Point } from '../align/similarity.ts';
import { DLIB_FIVE_POINT_CHIP, chipMap, dlibFivePointTemplate, meanFacePoint } from './dlib-chip.ts';
import { alignedChip } from './embedder.ts';

async function dlibEntry(): Promise<EmbedderEntry> {
  const m = await loadManifest();
  const e = m.models.find((x) => x.id === 'dlib-resnet-v1-150');
  assert.ok(e && e.format === 'aligned-embedding');
  return e;
}

test('the manifest template is dlib\'s mean face at padding 0.25, and that face frame is the 5-point chip\'s', async () => {
  const e = await dlibEntry();
  assert.deepEqual(e.params.template, dlibFivePointTemplate(150, 0.25));
  assert.equal(e.params.alignment, 'dlib-chip');
  // the 68-point mean face's eye corners (iBUG 45, 42, 36, 39) and subnasale (33) vs the 5-point constants
  const corners = [45, 42, 36, 39, 33].map(meanFacePoint);
  corners.forEach((p, i) => {
    assert.ok(Math.hypot(p[0] - DLIB_FIVE_POINT_CHIP[i][0], p[1] - DLIB_FIVE_POINT_CHIP[i][1]) < 0.004, `point ${i}`);
  });
  // eyes level and symmetric about the nose, mouth below the nose
  const [l, r, n, ml, mr] = e.params.template;
  assert.ok(Math.abs(l[1] - r[1]) < 1e-9 && Math.abs((l[0] + r[0]) / 2 - n[0]) < 0.2 && ml[1] > n[1] && mr[1] > n[1]);
});

test('chipMap puts a face whose points sit exactly on the template (up to a similarity) where dlib would', () => {
  // image points = template under a known similarity (scale 1.7, 20 degrees, shift): dlib's least squares is then exact
  const th = (20 * Math.PI) / 180;
  const s = 1.7;
  const tpl = dlibFivePointTemplate();
  const toImg = (p: Point): Point => [s * (Math.cos(th) * p[0] - Math.sin(th) * p[1]) + 300, s * (Math.sin(th) * p[0] + Math.cos(th) * p[1]) + 120];
  const img = tpl.map((p) => toImg(p)).map(([x, y]) => [x + 0.5, y + 0.5] as Point); // engine coordinates
  const m = chipMap(tpl, img, 150, 150);
  // dlib's extraction maps chip pixel 0 and 149 to the rect corners at centre -/+ (150 s - 1) / 2
  const k = (150 * s - 1) / 149;
  const centre = toImg([75, 75]);
  for (const [u, v] of [[0, 0], [149, 0], [74.5, 74.5], [10, 130]] as Point[]) {
    const [x, y] = apply(m, u + 0.5, v + 0.5); // engine coordinates of dlib chip pixel (u, v)
    const du = (u - 74.5) * k;
    const dv = (v - 74.5) * k;
    const want: Point = [centre[0] + Math.cos(th) * du - Math.sin(th) * dv + 0.5, centre[1] + Math.sin(th) * du + Math.cos(th) * dv + 0.5];
    assert.ok(Math.hypot(x - want[0], y - want[1]) < 1e-9, `(${u},${v}) -> ${x},${y} vs ${want}`);
  }
});

/** dlib's extract_image_chip written out directly (bilinear, level -1: no pyramid, zero outside). */
function dlibReferenceChip(img: RgbFrame, template: readonly Point[], parts: readonly Point[], size: number): Uint8Array {
  const t = similarityTransform(template, parts); // find_similarity_transform(chip_points, img_points)
  const angle = Math.atan2(t.c, t.a);
  const scale = Math.hypot(t.a, t.c);
  const cx = t.a * (size / 2) + t.b * (size / 2) + t.tx;
  const cy = t.c * (size / 2) + t.d * (size / 2) + t.ty;
  const half = (size * scale - 1) / 2; // centered_drect(p, w, h): width--, height--
  const rot = (x: number, y: number): Point => [cx + Math.cos(angle) * (x - cx) - Math.sin(angle) * (y - cy), cy + Math.sin(angle) * (x - cx) + Math.cos(angle) * (y - cy)];
  const tl = rot(cx - half, cy - half);
  const tr = rot(cx + half, cy - half);
  const bl = rot(cx - half, cy + half);
  const out = new Uint8Array(size * size * 3);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const x = tl[0] + ((tr[0] - tl[0]) * c) / (size - 1) + ((bl[0] - tl[0]) * r) / (size - 1);
      const y = tl[1] + ((tr[1] - tl[1]) * c) / (size - 1) + ((bl[1] - tl[1]) * r) / (size - 1);
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= img.width || y0 + 1 >= img.height) continue;
      const fx = x - x0;
      const fy = y - y0;
      for (let ch = 0; ch < 3; ch++) {
        const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 3 + ch];
        const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
        const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
        out[(r * size + c) * 3 + ch] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

test('the engine\'s dlib chip matches dlib\'s extraction on a real photo', async () => {
  const e = await dlibEntry();
  const face = SAMPLE_FACES[0];
  const decoded = await decodeImage(readFileSync(samplePath(face.file)));
  assert.equal(decoded.scaleX, 1);
  // five points placed from the annotated box with typical proportions (eyes 0.3/0.7 across at 0.4 down,
  // nose 0.6, mouth 0.8), slightly rotated so the warp is a general similarity
  const [bx, by, bw] = face.box;
  const rel: Point[] = [[0.31, 0.38], [0.69, 0.4], [0.5, 0.6], [0.35, 0.79], [0.65, 0.8]];
  const five = rel.map(([u, v]) => [bx + u * bw, by + v * bw] as Point);
  const ours = alignedChip(e, new Pyramid(decoded.frame), five.flat());
  const reference = dlibReferenceChip(decoded.frame, e.params.template, five.map(([x, y]) => [x - 0.5, y - 0.5] as Point), 150);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i] - reference[i]);
    sum += d;
    max = Math.max(max, d);
  }
  const mean = sum / ours.length;
  console.log(`# dlib chip vs reference: mean abs diff ${mean.toFixed(3)}, max ${max} (of 255)`);
  assert.ok(mean < 0.6 && max <= 2, `mean ${mean}, max ${max}`);
  // and it is not trivially equal to a chip of another place: shifting the points by 6 px changes it a lot
  const shifted = alignedChip(e, new Pyramid(decoded.frame), five.flatMap(([x, y]) => [x + 6, y]));
  let moved = 0;
  for (let i = 0; i < ours.length; i++) moved += Math.abs(shifted[i] - reference[i]);
  assert.ok(moved / ours.length > 5 * Math.max(mean, 0.2));
});
