// Which passes a dynamic-input detector (YuNet) needs for a frame, planned from the smallest face asked for.
// - One pass at the working resolution: the frame scaled so that a face of minFaceSize becomes the
//   detector's smallest reliable face (`minFace` input px). A 1280x720 frame at min face 40 is one pass
//   at 640x384; min face 12 upscales (up to maxUpscale) instead of tiling.
// - Photos (analyzeImage): a small image is upscaled so its short side reaches `thumbnailSide`
//   (grey 23x28 thumbnails), and the coarsest pass is padded with grey so that a face filling the image
//   has context around it (tight crops, passport photos).
// - Faces larger than the detector's reliable range at that scale get extra coarser passes.
// - A pass larger than maxPassPixels is cut into overlapping tiles; the overlap is the largest face the
//   pass must hold whole, so a face cut by a tile edge is whole in a neighbour (NMS prefers whole boxes).
// Input sizes are multiples of `multiple` (32 for YuNet's strides).
import { scaleOffset } from '../image/affine.ts';
import type { View } from './plan.ts';

export interface PassPlanOptions {
  /** reliable face size range of the detector, in its input pixels */
  minFace: number;
  maxFace: number;
  /** smallest face to find, frame pixels */
  minFaceSize: number;
  /** largest face to find, as a multiple of the frame's shorter side */
  maxFaceRatio: number;
  maxUpscale: number;
  /** input width and height are multiples of this */
  multiple: number;
  /** a pass above this many input pixels is tiled */
  maxPassPixels: number;
  /** tile side (input pixels) when tiling */
  tile: number;
  /** photo mode: thumbnail upscaling and padding of the coarsest pass */
  photo: boolean;
  /** photo mode: short side (input px) a small image is upscaled to */
  thumbnailSide: number;
  /** photo mode: grey margin around the coarsest pass, as a fraction of the largest face */
  pad: number;
}

/** A view of the UltraFace plan plus its own input size (YuNet takes any multiple of 32). */
export interface Pass extends View {
  inputW: number;
  inputH: number;
}

const up = (v: number, m: number): number => Math.max(m, Math.ceil(v / m) * m);

export function planPasses(frameW: number, frameH: number, o: PassPlanOptions): Pass[] {
  const short = Math.min(frameW, frameH);
  let finest = Math.min(o.maxUpscale, o.minFace / o.minFaceSize);
  if (o.photo && short * finest < o.thumbnailSide) finest = Math.max(finest, Math.min(o.maxUpscale * 2, o.thumbnailSide / short));
  const largest = o.maxFaceRatio * short;
  const scales = [finest];
  // Each pass covers faces from minFace/s to maxFace/s frame px; add coarser ones until the largest fits.
  // (25 % slack: a face 1.3x the frame's short side is already cut by the frame edge.)
  while (largest * scales[scales.length - 1] > o.maxFace * 1.25) scales.push(Math.max(scales[scales.length - 1] / 3, o.maxFace / largest));

  const passes: Pass[] = [];
  scales.forEach((s, level) => {
    const coarsest = level === scales.length - 1;
    const cw = frameW * s;
    const ch = frameH * s;
    const pad = o.photo && coarsest ? Math.ceil(o.pad * largest * s) : 0;
    const w = up(cw + 2 * pad, o.multiple);
    const h = up(ch + 2 * pad, o.multiple);
    if (w * h <= o.maxPassPixels) {
      // Content centred in the padded canvas; unpadded passes keep it at the top-left (whole pixels).
      const ox = pad ? -Math.round((w - cw) / 2) : 0;
      const oy = pad ? -Math.round((h - ch) / 2) : 0;
      passes.push({ inputToFrame: scaleOffset(1 / s, ox / s, oy / s), inputW: w, inputH: h, scale: s, level, innerLeft: -Infinity, innerTop: -Infinity, innerRight: Infinity, innerBottom: Infinity });
      return;
    }
    const next = scales[level + 1];
    const overlap = Math.min(next ? o.minFace * (s / next) * 1.15 : largest * s, o.tile * 0.6);
    const tw = Math.min(o.tile, up(cw, o.multiple));
    const th = Math.min(o.tile, up(ch, o.multiple));
    const xs = origins(cw, tw, overlap);
    const ys = origins(ch, th, overlap);
    for (const oy of ys) {
      for (const ox of xs) {
        passes.push({
          inputToFrame: scaleOffset(1 / s, ox / s, oy / s),
          inputW: tw,
          inputH: th,
          scale: s,
          level,
          innerLeft: ox > 0.5 ? 0 : -Infinity,
          innerTop: oy > 0.5 ? 0 : -Infinity,
          innerRight: ox + tw < cw - 0.5 ? tw : Infinity,
          innerBottom: oy + th < ch - 0.5 ? th : Infinity,
        });
      }
    }
  });
  return passes;
}

function origins(extent: number, size: number, overlap: number): number[] {
  if (extent <= size) return [0];
  const n = Math.ceil((extent - overlap) / (size - overlap));
  const stride = (extent - size) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * stride));
}

/** Plans within `maxPasses` detector runs, raising minFaceSize when needed; returns the size covered. */
export function planPassesWithinBudget(frameW: number, frameH: number, o: PassPlanOptions, maxPasses: number): { passes: Pass[]; minFaceSize: number } {
  let minFaceSize = o.minFaceSize;
  for (;;) {
    const passes = planPasses(frameW, frameH, { ...o, minFaceSize });
    if (passes.length <= maxPasses || minFaceSize > Math.max(frameW, frameH)) return { passes, minFaceSize };
    minFaceSize *= 1.25;
  }
}
