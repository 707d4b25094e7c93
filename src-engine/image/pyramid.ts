// Lazily built 2x box-filtered levels of a frame (a mipmap). Sampling a 1080p frame straight down to a
// 320-wide detector input with bilinear taps skips most pixels and aliases small faces away; sampling
// from the level at most 2x larger than the target keeps them. A 2x2 box average is exact for the
// halving and cheaper than a resize call per level (measured: ~1 ms for 1280x720 -> 640x360).
import type { Affine } from './affine.ts';
import { compose, scaleOf, scaleOffset } from './affine.ts';
import type { RgbFrame } from '../frame.ts';

export interface Level {
  image: RgbFrame;
  /** level pixels per frame pixel */
  scale: number;
}

export function halve(src: RgbFrame): RgbFrame {
  const out: RgbFrame = { width: src.width >> 1, height: src.height >> 1, channels: 3, data: new Uint8Array((src.width >> 1) * (src.height >> 1) * 3) };
  halveRows(src, out, 0, out.height - 1);
  return out;
}

/** Rows y0..y1 (inclusive) of `out` = 2x2 box means of `src` (out is src halved, sizes rounded down). */
function halveRows(src: RgbFrame, out: RgbFrame, y0: number, y1: number): void {
  const w = out.width;
  const o8 = out.data;
  const s = src.data;
  const stride = src.width * 3;
  for (let y = y0; y <= y1; y++) {
    let o = y * w * 3;
    let p = 2 * y * stride;
    let q = p + stride;
    for (let x = 0; x < w; x++, p += 6, q += 6) {
      o8[o++] = (s[p] + s[p + 3] + s[q] + s[q + 3] + 2) >> 2;
      o8[o++] = (s[p + 1] + s[p + 4] + s[q + 1] + s[q + 4] + 2) >> 2;
      o8[o++] = (s[p + 2] + s[p + 5] + s[q + 2] + s[q + 5] + 2) >> 2;
    }
  }
}

/** A level whose rows are computed on first use: a face crop needs a band of rows, not the whole level. */
interface LazyLevel extends Level {
  /** rows already computed (null: all of them) */
  done: Uint8Array | null;
}

export class Pyramid {
  private readonly levels: LazyLevel[];

  constructor(frame: RgbFrame) {
    this.levels = [{ image: frame, scale: 1, done: null }];
  }

  get base(): RgbFrame {
    return this.levels[0].image;
  }

  /** The smallest level that is still at least `scale` times the frame (never upsampled by the level choice), complete. */
  levelFor(scale: number): Level {
    const k = this.indexFor(scale);
    this.ensureRows(k, 0, Infinity);
    return this.levels[k];
  }

  /**
   * Picks the level for a dst->frame map and returns the dst->level map, so warpRgb reads a level that is
   * at most 2x the output resolution. With the output size, only the level rows the map reads are
   * computed (a 64x64 landmark crop of a 720p frame halves ~1/5 of the frame instead of all of it).
   */
  forMap(dstToFrame: Affine, outW?: number, outH?: number): { image: RgbFrame; map: Affine } {
    const outputScale = 1 / scaleOf(dstToFrame); // output pixels per frame pixel
    const k = this.indexFor(outputScale);
    const level = this.levels[k];
    const map = compose(scaleOffset(level.scale, 0, 0), dstToFrame);
    if (outW === undefined || outH === undefined) this.ensureRows(k, 0, Infinity);
    else {
      // Level rows under the output's corners; bilinear taps reach one row below the sample, +1 row slack.
      let lo = Infinity;
      let hi = -Infinity;
      for (const [x, y] of [[0, 0], [outW, 0], [0, outH], [outW, outH]]) {
        const ly = map.c * x + map.d * y + map.ty - 0.5;
        lo = Math.min(lo, ly);
        hi = Math.max(hi, ly);
      }
      this.ensureRows(k, Math.floor(lo) - 1, Math.floor(hi) + 2);
    }
    return { image: level.image, map };
  }

  /** Index of the level for an output scale; levels are halvings while the previous one is >= 32 px. */
  private indexFor(scale: number): number {
    let k = 0;
    let w = this.levels[0].image.width;
    let h = this.levels[0].image.height;
    // Level k+1 is exactly half of level k: decided from sizes, before anything is built.
    while (2 ** -(k + 1) >= scale && w >= 32 && h >= 32) {
      k++;
      w >>= 1;
      h >>= 1;
      if (!this.levels[k]) {
        // Exact: level pixel i covers frame pixels [2^k i, 2^k (i+1)).
        this.levels[k] = { image: { width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3) }, scale: 2 ** -k, done: new Uint8Array(h) };
      }
    }
    return k;
  }

  /** Computes rows y0..y1 of level k (clamped) that are not yet computed, from level k-1. */
  private ensureRows(k: number, y0: number, y1: number): void {
    const level = this.levels[k];
    const done = level.done;
    if (!done) return;
    const h = level.image.height;
    const from = Math.max(0, y0);
    const to = Math.min(h - 1, y1);
    let y = from;
    while (y <= to) {
      if (done[y]) {
        y++;
        continue;
      }
      let end = y;
      while (end < to && !done[end + 1]) end++;
      this.ensureRows(k - 1, 2 * y, 2 * end + 1);
      halveRows(this.levels[k - 1].image, level.image, y, end);
      done.fill(1, y, end + 1);
      y = end + 1;
    }
    if (from === 0 && to === h - 1) level.done = null;
  }
}
