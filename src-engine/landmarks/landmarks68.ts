// 68-point landmarks (iBUG layout) on a square grey crop around the face, and the 5 points the engine
// reports and aligns with. Eyes and nose come from the BlazeFace keypoints (measured steadier); the mouth
// corners, which BlazeFace does not give, come from the 68 points (indices 48 and 54).
import { scaleOffset } from '../image/affine.ts';
import type { Pyramid } from '../image/pyramid.ts';
import { warpRgb } from '../image/warp.ts';
import type { Landmarks68Entry } from '../registry/manifest.ts';
import { InputBuffer } from '../runtime/input-buffer.ts';
import type { ModelSession } from '../runtime/model-session.ts';

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export class Landmarks68 {
  private readonly input: InputBuffer;
  private readonly entry: Landmarks68Entry;

  constructor(private readonly model: ModelSession) {
    if (model.entry.format !== 'ibug68') throw new TypeError('landmark model must be ibug68 format');
    this.entry = model.entry;
    this.input = new InputBuffer(model.entry.input);
  }

  /** 68 (x, y) pairs in frame pixels. */
  async locate(pyramid: Pyramid, box: Box): Promise<Float32Array> {
    const { cropScale, cropShiftY } = this.entry.params;
    const size = Math.max(box.x2 - box.x1, box.y2 - box.y1);
    const side = size * cropScale;
    const cx = (box.x1 + box.x2) / 2;
    const cy = (box.y1 + box.y2) / 2 + cropShiftY * size;
    const { width: w, height: h } = this.entry.input;
    const cropToFrame = scaleOffset(side / w, cx - side / 2, cy - side / 2);
    const { image, map } = pyramid.forMap(cropToFrame, w, h);
    warpRgb(image, map, w, h, this.input.rgb, [0, 0, 0]);
    this.input.fill(0);
    const out = await this.model.run(this.input.feeds(1));
    const raw = out[this.entry.outputs.points].data as Float32Array;
    const pts = new Float32Array(136);
    // Outputs are in crop-normalised units (0..1 across the crop).
    for (let i = 0; i < 68; i++) {
      pts[2 * i] = cx - side / 2 + raw[2 * i] * side;
      pts[2 * i + 1] = cy - side / 2 + raw[2 * i + 1] * side;
    }
    return pts;
  }
}

/**
 * The 5 reported landmarks (x, y pairs): eye on the image's left, eye on the image's right, nose tip,
 * mouth corner on the image's left, mouth corner on the image's right.
 * keypoints: left eye, right eye, nose, mouth centre (8 numbers). Without 68 points, the mouth corners are
 * placed either side of the mouth centre along the eye line, in ArcFace-template proportions.
 * detectorFive: the detector's own 5 points (YuNet); without 68 points they are used as they are.
 */
export function fivePoints(keypoints: Float32Array, lm68: Float32Array | null, detectorFive?: Float32Array): Float32Array {
  if (detectorFive && !lm68) return detectorFive;
  const out = Float32Array.of(keypoints[0], keypoints[1], keypoints[2], keypoints[3], keypoints[4], keypoints[5], 0, 0, 0, 0);
  if (lm68) {
    out[6] = lm68[96];
    out[7] = lm68[97];
    out[8] = lm68[108];
    out[9] = lm68[109];
  } else {
    const hx = 0.414 * (keypoints[2] - keypoints[0]);
    const hy = 0.414 * (keypoints[3] - keypoints[1]);
    out[6] = keypoints[6] - hx;
    out[7] = keypoints[7] - hy;
    out[8] = keypoints[6] + hx;
    out[9] = keypoints[7] + hy;
  }
  return out;
}
