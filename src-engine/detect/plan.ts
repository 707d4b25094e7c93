// Which views of a frame a fixed-input detector must see so that every face between minFaceSize and
// (about) the whole image lands inside the detector's reliable size range in at least one view.
//
// - Coarsest level: the whole frame letterboxed, shrunk further if needed so that a face filling the
//   image is no larger than the detector's maxFace (tight crops, passport photos: this is the padding).
// - Finer levels, each `levelRatio` times the previous, down to the scale where minFaceSize becomes the
//   detector's minFace (upsampling small images up to maxUpscale; grey low-resolution photos need it).
// - A level larger than the input is cut into overlapping tiles. The overlap is the largest face that this
//   level must see whole (the smallest face the next coarser level still finds), so a face cut by a tile
//   edge is always whole elsewhere; NMS then prefers whole boxes over cut ones.
import type { Affine } from '../image/affine.ts';
import { scaleOffset } from '../image/affine.ts';

export interface PlanOptions {
  inputW: number;
  inputH: number;
  /** reliable face size range of the detector, in its input pixels */
  minFace: number;
  maxFace: number;
  /** smallest face to find, in frame pixels */
  minFaceSize: number;
  /** largest face to find as a multiple of min(width, height) of the frame */
  maxFaceRatio: number;
  levelRatio: number;
  maxUpscale: number;
}

export interface View {
  /** detector input pixels -> frame pixels */
  inputToFrame: Affine;
  scale: number;
  level: number;
  /** which input edges are inner tile edges (a box touching them may be a cut face) */
  innerLeft: number;
  innerTop: number;
  innerRight: number;
  innerBottom: number;
}

export function planViews(frameW: number, frameH: number, o: PlanOptions): View[] {
  const fit = Math.min(o.inputW / frameW, o.inputH / frameH);
  const largest = o.maxFaceRatio * Math.min(frameW, frameH);
  const coarsest = Math.min(fit, o.maxFace / largest);
  const finest = Math.min(o.maxUpscale, o.minFace / o.minFaceSize);
  const scales = [coarsest];
  // A finer level only pays off when it reaches faces the previous one misses by a useful margin.
  while (finest > scales[scales.length - 1] * 1.2) scales.push(snapToPowerOfTwo(Math.min(finest, scales[scales.length - 1] * o.levelRatio)));

  const views: View[] = [];
  scales.forEach((s, level) => {
    const cw = frameW * s;
    const ch = frameH * s;
    const prev = level > 0 ? scales[level - 1] : 0;
    // Largest face (input px) this level must hold whole: where the coarser level takes over.
    const overlap = prev > 0 ? Math.min(o.minFace * (s / prev) * 1.15, Math.min(o.inputW, o.inputH) * 0.6) : 0;
    const xs = tileOrigins(cw, o.inputW, overlap);
    const ys = tileOrigins(ch, o.inputH, overlap);
    for (const oy of ys) {
      for (const ox of xs) {
        views.push({
          // frame = (input + origin) / s
          inputToFrame: scaleOffset(1 / s, ox / s, oy / s),
          scale: s,
          level,
          innerLeft: ox > 0.5 ? 0 : -Infinity,
          innerTop: oy > 0.5 ? 0 : -Infinity,
          innerRight: ox + o.inputW < cw - 0.5 ? o.inputW : Infinity,
          innerBottom: oy + o.inputH < ch - 0.5 ? o.inputH : Infinity,
        });
      }
    }
  });
  return views;
}

/** Origins (in level pixels) of tiles of `size` covering `extent`; a single centred view when it fits. */
function tileOrigins(extent: number, size: number, overlap: number): number[] {
  if (extent <= size) return [Math.round((extent - size) / 2)];
  const n = Math.ceil((extent - overlap) / (size - overlap));
  const stride = (extent - size) / (n - 1);
  // Whole-pixel origins: with a power-of-two scale a tile is then a plain copy of a pyramid level.
  return Array.from({ length: n }, (_, i) => Math.round(i * stride));
}

/**
 * Rounds a scale up to a power of two (1, 1/2, 1/4...) when that costs at most 15% more pixels per side:
 * tiles at such a scale are row copies of a pyramid level instead of resampled images.
 */
function snapToPowerOfTwo(s: number): number {
  const p = 2 ** Math.ceil(Math.log2(s));
  return p / s <= 1.15 ? p : s;
}

/**
 * Plans views for at most `maxViews` detector runs: when finding faces down to minFaceSize would need
 * more (a 50-megapixel photo), the smallest face size is raised step by step until the plan fits.
 * Returns the plan and the minimum face size it actually covers.
 */
export function planWithinBudget(frameW: number, frameH: number, o: PlanOptions, maxViews: number): { views: View[]; minFaceSize: number } {
  let minFaceSize = o.minFaceSize;
  for (;;) {
    const views = planViews(frameW, frameH, { ...o, minFaceSize });
    if (views.length <= maxViews || minFaceSize > Math.max(frameW, frameH)) return { views, minFaceSize };
    minFaceSize *= 1.25;
  }
}
