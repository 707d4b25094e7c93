// Detector input straight from a pyramid level: one pass over the source writes the model's planar
// float channels (CHW), with an optional exact 2x2 box reduction on the way. On a face-free 1280x720 frame
// the separate steps (build the half-size pyramid level, copy it into the padded pass, convert RGB bytes to
// BGR planes) cost ~6 ms of a ~17 ms frame on one thread; fused they are ~1 ms (scripts/bench/stages.ts).
// The values are bit-identical to halve() + copy + conversion, so detections do not change.
import type { Affine } from './affine.ts';
import type { RgbFrame } from '../frame.ts';
import type { Pyramid } from './pyramid.ts';
import type { Rgb } from './warp.ts';

/**
 * Fills `out` (3 planes of outW*outH floats) with level pixels (x + ox, y + oy) of `src` reduced by
 * `factor` (1: the pixel itself; 2: the rounded mean of its 2x2 block, as pyramid.halve computes it).
 * Pixels outside the (reduced) source take `border`. `bgr` puts blue in plane 0 (YuNet's order).
 */
export function blockToPlanes(src: RgbFrame, factor: 1 | 2, ox: number, oy: number, outW: number, outH: number, out: Float32Array, border: Rgb, bgr: boolean): void {
  const n = outW * outH;
  if (out.length < 3 * n) throw new RangeError(`planes need ${3 * n} floats, got ${out.length}`);
  // Offsets of the planes fed by source channel R, G, B.
  const pr = bgr ? 2 * n : 0;
  const pg = n;
  const pb = bgr ? 0 : 2 * n;
  const lw = factor === 2 ? src.width >> 1 : src.width;
  const lh = factor === 2 ? src.height >> 1 : src.height;
  const data = src.data;
  const stride = src.width * 3;
  const x0 = Math.min(outW, Math.max(0, -ox));
  const x1 = Math.max(x0, Math.min(outW, lw - ox));
  for (let y = 0; y < outH; y++) {
    const row = y * outW;
    const ly = y + oy;
    if (ly < 0 || ly >= lh || x1 <= x0) {
      fillPlanes(out, row, row + outW, pr, pg, pb, border);
      continue;
    }
    fillPlanes(out, row, row + x0, pr, pg, pb, border);
    fillPlanes(out, row + x1, row + outW, pr, pg, pb, border);
    if (factor === 1) {
      let s = ly * stride + (x0 + ox) * 3;
      for (let i = row + x0, end = row + x1; i < end; i++, s += 3) {
        out[pr + i] = data[s];
        out[pg + i] = data[s + 1];
        out[pb + i] = data[s + 2];
      }
    } else {
      let p = 2 * ly * stride + 2 * (x0 + ox) * 3;
      let q = p + stride;
      for (let i = row + x0, end = row + x1; i < end; i++, p += 6, q += 6) {
        out[pr + i] = (data[p] + data[p + 3] + data[q] + data[q + 3] + 2) >> 2;
        out[pg + i] = (data[p + 1] + data[p + 4] + data[q + 1] + data[q + 4] + 2) >> 2;
        out[pb + i] = (data[p + 2] + data[p + 5] + data[q + 2] + data[q + 5] + 2) >> 2;
      }
    }
  }
}

function fillPlanes(out: Float32Array, from: number, to: number, pr: number, pg: number, pb: number, border: Rgb): void {
  if (to <= from) return;
  out.fill(border[0], pr + from, pr + to);
  out.fill(border[1], pg + from, pg + to);
  out.fill(border[2], pb + from, pb + to);
}

/**
 * The fused route for an input->frame map, when there is one: an unrotated map whose scale is a power of
 * two (frame px per input px) and whose offset is whole input pixels, i.e. a plain crop of pyramid level k.
 * Returns the level to read (k, or k-1 reduced 2x so level k need not be built) or null (use warpRgb).
 */
export function blockRoute(pyramid: Pyramid, m: Affine): { src: RgbFrame; factor: 1 | 2; ox: number; oy: number } | null {
  if (m.b !== 0 || m.c !== 0 || m.a !== m.d || !(m.a >= 1)) return null;
  const k = Math.log2(m.a);
  if (!Number.isInteger(k)) return null;
  const ox = m.tx / m.a;
  const oy = m.ty / m.a;
  if (!Number.isInteger(ox) || !Number.isInteger(oy)) return null;
  if (k === 0) return { src: pyramid.base, factor: 1, ox, oy };
  // Level k-1 must exist exactly and be large enough for the pyramid to halve it (else warpRgb decides).
  const level = pyramid.levelFor(2 ** -(k - 1));
  if (level.scale !== 2 ** -(k - 1) || level.image.width < 32 || level.image.height < 32) return null;
  return { src: level.image, factor: 2, ox, oy };
}
