// YuNet output decoding (libfacedetection / OpenCV Zoo, anchor-free). Per stride s in the model's strides:
// cls_s, obj_s [1,N,1], bbox_s [1,N,4], kps_s [1,N,10], N = (H/s)*(W/s) cells in row-major order.
// score = sqrt(clamp(cls) * clamp(obj)); centre = (cell + bbox[0..1]) * s; size = exp(bbox[2..3]) * s;
// keypoint k = (cell + kps[2k..2k+1]) * s. Keypoints: eye on the image's left, the other eye, nose tip,
// mouth corner on the image's left, the other one (the ArcFace template's order).
import type { Affine } from '../image/affine.ts';
import type { Candidate } from './candidate.ts';

export interface YuNetLevel {
  stride: number;
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Faces with score >= threshold, mapped to frame pixels through an axis-aligned input->frame map. */
export function decodeYuNet(levels: readonly YuNetLevel[], inputW: number, threshold: number, inputToFrame: Affine, view: number): Candidate[] {
  const out: Candidate[] = [];
  const { a, d, tx, ty } = inputToFrame;
  // score^2 >= threshold^2: skips the square root for almost every cell.
  const t2 = threshold * threshold;
  for (const l of levels) {
    const s = l.stride;
    const cols = inputW / s;
    const n = l.cls.length;
    for (let i = 0; i < n; i++) {
      const p = clamp01(l.cls[i]) * clamp01(l.obj[i]);
      if (p < t2) continue;
      const row = Math.floor(i / cols);
      const col = i - row * cols;
      const cx = (col + l.bbox[4 * i]) * s;
      const cy = (row + l.bbox[4 * i + 1]) * s;
      const w = Math.exp(l.bbox[4 * i + 2]) * s;
      const h = Math.exp(l.bbox[4 * i + 3]) * s;
      if (!(w > 0 && h > 0 && Number.isFinite(w) && Number.isFinite(h))) continue;
      const kp = new Float32Array(10);
      for (let k = 0; k < 5; k++) {
        kp[2 * k] = a * ((col + l.kps[10 * i + 2 * k]) * s) + tx;
        kp[2 * k + 1] = d * ((row + l.kps[10 * i + 2 * k + 1]) * s) + ty;
      }
      out.push({ x1: a * (cx - w / 2) + tx, y1: d * (cy - h / 2) + ty, x2: a * (cx + w / 2) + tx, y2: d * (cy + h / 2) + ty, score: Math.sqrt(p), keypoints: kp, view, cut: false });
    }
  }
  return out;
}
