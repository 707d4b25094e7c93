// UltraFace-style SSD output decoding. The exported graph already applies softmax and the prior-box
// decoding: scores [N,2] = (background, face), boxes [N,4] = x1,y1,x2,y2 normalised to the input size.
import type { Affine } from '../image/affine.ts';
import type { Candidate } from './candidate.ts';

export function decodeUltraFace(
  scores: Float32Array,
  boxes: Float32Array,
  inputW: number,
  inputH: number,
  threshold: number,
  inputToFrame: Affine,
  view: number,
): Candidate[] {
  const out: Candidate[] = [];
  const n = scores.length >> 1;
  const { a, d, tx, ty } = inputToFrame; // views are axis-aligned: b = c = 0
  for (let i = 0; i < n; i++) {
    const score = scores[2 * i + 1];
    if (score < threshold) continue;
    const x1 = boxes[4 * i] * inputW;
    const y1 = boxes[4 * i + 1] * inputH;
    const x2 = boxes[4 * i + 2] * inputW;
    const y2 = boxes[4 * i + 3] * inputH;
    if (!(x2 > x1 && y2 > y1)) continue;
    out.push({ x1: a * x1 + tx, y1: d * y1 + ty, x2: a * x2 + tx, y2: d * y2 + ty, score, keypoints: null, view, cut: false });
  }
  return out;
}
