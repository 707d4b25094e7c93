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
  const words = factor === 2 ? wordView(src) : null;
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
      let i = row + x0;
      const end = row + x1;
      let p = 2 * ly * stride + 2 * (x0 + ox) * 3;
      if (words) {
        // Word reads need a 4-byte aligned start: an odd first source pixel pair is done byte-wise.
        if ((x0 + ox) & 1) {
          boxPixel(data, p, p + stride, out, pr + i, pg + i, pb + i);
          i++;
          p += 6;
        }
        const pairs = (end - i) >> 1;
        boxPairs(words, p >> 2, (p + stride) >> 2, pairs, out, pr + i, pg + i, pb + i);
        i += 2 * pairs;
        p += 12 * pairs;
      }
      for (; i < end; i++, p += 6) boxPixel(data, p, p + stride, out, pr + i, pg + i, pb + i);
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The source as 32-bit words when rows are word-aligned (width a multiple of 4) on a little-endian host. */
function wordView(src: RgbFrame): Int32Array | null {
  const d = src.data;
  if (!LITTLE_ENDIAN || src.width % 4 !== 0 || d.byteOffset % 4 !== 0) return null;
  return new Int32Array(d.buffer, d.byteOffset, d.byteLength >> 2);
}

function boxPixel(data: Uint8Array, p: number, q: number, out: Float32Array, r: number, g: number, b: number): void {
  out[r] = (data[p] + data[p + 3] + data[q] + data[q + 3] + 2) >> 2;
  out[g] = (data[p + 1] + data[p + 4] + data[q + 1] + data[q + 4] + 2) >> 2;
  out[b] = (data[p + 2] + data[p + 5] + data[q + 2] + data[q + 5] + 2) >> 2;
}

const M = 0xff00ff;
/**
 * 2x2 box means of `pairs` output pixel pairs: each pair is 4 source pixels = 3 words per row. Bytes 0 and 2
 * (mask M) and bytes 1 and 3 (shifted by 8) of the two rows are summed in 16-bit lanes, then the lanes are
 * matched to channels: word 0 = R0 G0 B0 R1, word 1 = G1 B1 R2 G2, word 2 = B2 R3 G3 B3 (little-endian).
 * One third fewer loads than per byte, ~1.5x faster on one core (scripts/bench/stages.ts).
 */
function boxPairs(w: Int32Array, p: number, q: number, pairs: number, out: Float32Array, r: number, g: number, b: number): void {
  for (let k = 0; k < pairs; k++, p += 3, q += 3, r += 2, g += 2, b += 2) {
    const a0 = w[p];
    const a1 = w[p + 1];
    const a2 = w[p + 2];
    const b0 = w[q];
    const b1 = w[q + 1];
    const b2 = w[q + 2];
    const e0 = (a0 & M) + (b0 & M);
    const o0 = ((a0 >> 8) & M) + ((b0 >> 8) & M);
    const e1 = (a1 & M) + (b1 & M);
    const o1 = ((a1 >> 8) & M) + ((b1 >> 8) & M);
    const e2 = (a2 & M) + (b2 & M);
    const o2 = ((a2 >> 8) & M) + ((b2 >> 8) & M);
    out[r] = ((e0 & 0xffff) + (o0 >>> 16) + 2) >> 2;
    out[g] = ((o0 & 0xffff) + (e1 & 0xffff) + 2) >> 2;
    out[b] = ((e0 >>> 16) + (o1 & 0xffff) + 2) >> 2;
    out[r + 1] = ((e1 >>> 16) + (o2 & 0xffff) + 2) >> 2;
    out[g + 1] = ((o1 >>> 16) + (e2 >>> 16) + 2) >> 2;
    out[b + 1] = ((e2 & 0xffff) + (o2 >>> 16) + 2) >> 2;
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
