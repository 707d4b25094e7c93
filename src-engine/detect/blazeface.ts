// MediaPipe BlazeFace output decoding. Each layer is a square grid of cells with a few anchors per cell;
// per anchor the graph gives a logit and 4 + 2K regressors (box centre offset, box size, K keypoints),
// all in input pixels relative to the anchor centre. Anchors have unit size, so w/h are absolute.
import type { Affine } from '../image/affine.ts';
import type { Candidate } from './candidate.ts';

export interface BlazeLayer {
  cells: number;
  anchorsPerCell: number;
  scores: Float32Array;
  boxes: Float32Array;
}

export function decodeBlazeFace(
  layers: BlazeLayer[],
  inputSize: number,
  keypointCount: number,
  threshold: number,
  inputToFrame: Affine,
  view: number,
): Candidate[] {
  const out: Candidate[] = [];
  const logitThreshold = Math.log(threshold / (1 - threshold));
  const stride = 4 + 2 * keypointCount;
  const { a, d, tx, ty } = inputToFrame; // views are axis-aligned
  for (const layer of layers) {
    const cellSize = inputSize / layer.cells;
    const count = layer.cells * layer.cells * layer.anchorsPerCell;
    for (let i = 0; i < count; i++) {
      const logit = layer.scores[i];
      if (!(logit > logitThreshold)) continue;
      const cell = Math.floor(i / layer.anchorsPerCell);
      const ax = ((cell % layer.cells) + 0.5) * cellSize;
      const ay = (Math.floor(cell / layer.cells) + 0.5) * cellSize;
      const r = i * stride;
      const cx = ax + layer.boxes[r];
      const cy = ay + layer.boxes[r + 1];
      const hw = layer.boxes[r + 2] / 2;
      const hh = layer.boxes[r + 3] / 2;
      if (!(hw > 0 && hh > 0)) continue;
      const keypoints = new Float32Array(2 * keypointCount);
      for (let k = 0; k < keypointCount; k++) {
        keypoints[2 * k] = a * (ax + layer.boxes[r + 4 + 2 * k]) + tx;
        keypoints[2 * k + 1] = d * (ay + layer.boxes[r + 5 + 2 * k]) + ty;
      }
      out.push({
        x1: a * (cx - hw) + tx,
        y1: d * (cy - hh) + ty,
        x2: a * (cx + hw) + tx,
        y2: d * (cy + hh) + ty,
        score: 1 / (1 + Math.exp(-logit)),
        keypoints,
        view,
        cut: false,
      });
    }
  }
  return out;
}
