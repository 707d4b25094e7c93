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
  const w = src.width >> 1;
  const h = src.height >> 1;
  const out = new Uint8Array(w * h * 3);
  const s = src.data;
  const stride = src.width * 3;
  let o = 0;
  for (let y = 0; y < h; y++) {
    let p = 2 * y * stride;
    let q = p + stride;
    for (let x = 0; x < w; x++, p += 6, q += 6) {
      out[o++] = (s[p] + s[p + 3] + s[q] + s[q + 3] + 2) >> 2;
      out[o++] = (s[p + 1] + s[p + 4] + s[q + 1] + s[q + 4] + 2) >> 2;
      out[o++] = (s[p + 2] + s[p + 5] + s[q + 2] + s[q + 5] + 2) >> 2;
    }
  }
  return { width: w, height: h, channels: 3, data: out };
}

export class Pyramid {
  private readonly levels: Level[];

  constructor(frame: RgbFrame) {
    this.levels = [{ image: frame, scale: 1 }];
  }

  get base(): RgbFrame {
    return this.levels[0].image;
  }

  /** The smallest level that is still at least `scale` times the frame (never upsampled by the level choice). */
  levelFor(scale: number): Level {
    let level = this.levels[0];
    for (let k = 1; ; k++) {
      // Level k is exactly half of level k-1: decide before building it (a halving costs ~1-5 ms at 720p).
      if (level.scale / 2 < scale) return level;
      const next = this.levels[k] ?? this.build(k);
      if (!next) return level;
      level = next;
    }
  }

  /**
   * Picks the level for a dst->frame map and returns the dst->level map, so warpRgb reads a level that is
   * at most 2x the output resolution.
   */
  forMap(dstToFrame: Affine): { image: RgbFrame; map: Affine } {
    const outputScale = 1 / scaleOf(dstToFrame); // output pixels per frame pixel
    const level = this.levelFor(outputScale);
    return { image: level.image, map: compose(scaleOffset(level.scale, 0, 0), dstToFrame) };
  }

  private build(k: number): Level | undefined {
    const prev = this.levels[k - 1];
    if (prev.image.width < 32 || prev.image.height < 32) return undefined;
    const image = halve(prev.image);
    // Exact: level pixel i covers frame pixels [2^k i, 2^k (i+1)).
    const level = { image, scale: prev.scale / 2 };
    this.levels[k] = level;
    return level;
  }
}
