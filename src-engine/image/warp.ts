// Bilinear resampling of an RGB frame through an affine map, on typed arrays. One routine serves
// detector tiles, letterboxes, landmark crops and the 112x112 ArcFace alignment. Strong reductions
// should sample a pyramid level (see pyramid.ts) so bilinear taps do not alias.
import type { Affine } from './affine.ts';
import type { RgbFrame } from '../frame.ts';

export type Rgb = readonly [number, number, number];

/**
 * Fills `out` (outW*outH*3 bytes, RGB) with `src` sampled at dstToSrc(x+0.5, y+0.5). Points outside the
 * source take `border`.
 */
export function warpRgb(src: RgbFrame, dstToSrc: Affine, outW: number, outH: number, out: Uint8Array, border: Rgb = [0, 0, 0]): Uint8Array {
  const { width: w, height: h, data } = src;
  const { a, b, c, d, tx, ty } = dstToSrc;
  const stride = w * 3;
  const [br, bg, bb] = border;
  if (b === 0 && c === 0) return warpAxisAligned(src, a, d, tx, ty, outW, outH, out, border);
  let o = 0;
  for (let y = 0; y < outH; y++) {
    // Index-space source position of (0.5, y+0.5), minus the half pixel of the source centres.
    let sx = a * 0.5 + b * (y + 0.5) + tx - 0.5;
    let sy = c * 0.5 + d * (y + 0.5) + ty - 0.5;
    for (let x = 0; x < outW; x++, sx += a, sy += c) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
        const p = y0 * stride + x0 * 3;
        const q = p + stride;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        out[o++] = data[p] * w00 + data[p + 3] * w01 + data[q] * w10 + data[q + 3] * w11 + 0.5;
        out[o++] = data[p + 1] * w00 + data[p + 4] * w01 + data[q + 1] * w10 + data[q + 4] * w11 + 0.5;
        out[o++] = data[p + 2] * w00 + data[p + 5] * w01 + data[q + 2] * w10 + data[q + 5] * w11 + 0.5;
      } else if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
        out[o++] = br;
        out[o++] = bg;
        out[o++] = bb;
      } else {
        // Edge of the source: each tap is either a pixel or the border colour.
        for (let ch = 0; ch < 3; ch++) {
          const bc = border[ch];
          const t00 = x0 >= 0 && y0 >= 0 ? data[y0 * stride + x0 * 3 + ch] : bc;
          const t01 = x0 + 1 < w && y0 >= 0 ? data[y0 * stride + (x0 + 1) * 3 + ch] : bc;
          const t10 = x0 >= 0 && y0 + 1 < h ? data[(y0 + 1) * stride + x0 * 3 + ch] : bc;
          const t11 = x0 + 1 < w && y0 + 1 < h ? data[(y0 + 1) * stride + (x0 + 1) * 3 + ch] : bc;
          out[o++] = t00 * (1 - fx) * (1 - fy) + t01 * fx * (1 - fy) + t10 * (1 - fx) * fy + t11 * fx * fy + 0.5;
        }
      }
    }
  }
  return out;
}

/**
 * Scale + offset maps (tiles, letterboxes, crops): source columns and their weights are computed once per
 * call instead of once per pixel; rows that lie fully inside the source skip the border checks.
 */
function warpAxisAligned(src: RgbFrame, a: number, d: number, tx: number, ty: number, outW: number, outH: number, out: Uint8Array, border: Rgb): Uint8Array {
  const { width: w, height: h, data } = src;
  const stride = w * 3;
  if (a === 1 && d === 1 && Number.isInteger(tx) && Number.isInteger(ty)) return copyRegion(src, tx, ty, outW, outH, out, border);
  const col = new Int32Array(outW);
  const wx = new Float32Array(outW);
  let first = outW;
  let last = -1;
  for (let x = 0; x < outW; x++) {
    const sx = a * (x + 0.5) + tx - 0.5;
    const x0 = Math.floor(sx);
    col[x] = x0;
    wx[x] = sx - x0;
    if (x0 >= 0 && x0 < w - 1) {
      if (x < first) first = x;
      last = x;
    }
  }
  const [br, bg, bb] = border;
  for (let y = 0; y < outH; y++) {
    const sy = d * (y + 0.5) + ty - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    let o = y * outW * 3;
    if (y0 < -1 || y0 >= h) {
      for (let x = 0; x < outW; x++) {
        out[o++] = br;
        out[o++] = bg;
        out[o++] = bb;
      }
      continue;
    }
    const rowInside = y0 >= 0 && y0 < h - 1;
    for (let x = 0; x < outW; x++) {
      const x0 = col[x];
      const fx = wx[x];
      if (rowInside && x >= first && x <= last) {
        const p = y0 * stride + x0 * 3;
        const q = p + stride;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        out[o++] = data[p] * w00 + data[p + 3] * w01 + data[q] * w10 + data[q + 3] * w11 + 0.5;
        out[o++] = data[p + 1] * w00 + data[p + 4] * w01 + data[q + 1] * w10 + data[q + 4] * w11 + 0.5;
        out[o++] = data[p + 2] * w00 + data[p + 5] * w01 + data[q + 2] * w10 + data[q + 5] * w11 + 0.5;
      } else if (x0 < -1 || x0 >= w) {
        out[o++] = br;
        out[o++] = bg;
        out[o++] = bb;
      } else {
        for (let ch = 0; ch < 3; ch++) {
          const bc = border[ch];
          const t00 = x0 >= 0 && y0 >= 0 ? data[y0 * stride + x0 * 3 + ch] : bc;
          const t01 = x0 + 1 < w && y0 >= 0 ? data[y0 * stride + (x0 + 1) * 3 + ch] : bc;
          const t10 = x0 >= 0 && y0 + 1 < h ? data[(y0 + 1) * stride + x0 * 3 + ch] : bc;
          const t11 = x0 + 1 < w && y0 + 1 < h ? data[(y0 + 1) * stride + (x0 + 1) * 3 + ch] : bc;
          out[o++] = t00 * (1 - fx) * (1 - fy) + t01 * fx * (1 - fy) + t10 * (1 - fx) * fy + t11 * fx * fy + 0.5;
        }
      }
    }
  }
  return out;
}

/** Unscaled crop at whole-pixel offsets (tiles planned on a pyramid level): row copies plus border. */
function copyRegion(src: RgbFrame, ox: number, oy: number, outW: number, outH: number, out: Uint8Array, border: Rgb): Uint8Array {
  const { width: w, height: h, data } = src;
  const x0 = Math.max(0, -ox);
  const x1 = Math.min(outW, w - ox);
  for (let y = 0; y < outH; y++) {
    const sy = y + oy;
    const rowStart = y * outW * 3;
    if (sy < 0 || sy >= h || x1 <= x0) {
      fillBorder(out, rowStart, rowStart + outW * 3, border);
      continue;
    }
    fillBorder(out, rowStart, rowStart + x0 * 3, border);
    const from = (sy * w + ox + x0) * 3;
    out.set(data.subarray(from, from + (x1 - x0) * 3), rowStart + x0 * 3);
    fillBorder(out, rowStart + x1 * 3, rowStart + outW * 3, border);
  }
  return out;
}

function fillBorder(out: Uint8Array, from: number, to: number, border: Rgb): void {
  for (let i = from; i < to; i += 3) {
    out[i] = border[0];
    out[i + 1] = border[1];
    out[i + 2] = border[2];
  }
}
