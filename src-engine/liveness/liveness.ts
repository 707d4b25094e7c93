// Optional presentation-attack score: a softmax classifier on a wide square crop around the face.
// Advisory: the engine reports the score and never blocks a face on it.
import { scaleOffset } from '../image/affine.ts';
import type { Pyramid } from '../image/pyramid.ts';
import { warpRgb } from '../image/warp.ts';
import type { LivenessEntry } from '../registry/manifest.ts';
import { InputBuffer } from '../runtime/input-buffer.ts';
import type { ModelSession } from '../runtime/model-session.ts';
import type { Box } from '../landmarks/landmarks68.ts';

export class Liveness {
  private readonly entry: LivenessEntry;
  private readonly input: InputBuffer;

  constructor(private readonly model: ModelSession) {
    if (model.entry.format !== 'softmax-classifier') throw new TypeError('liveness model must be softmax-classifier format');
    this.entry = model.entry;
    this.input = new InputBuffer(model.entry.input);
  }

  /** Probability (0..1) that the face is a live person rather than a print or a screen. */
  async score(pyramid: Pyramid, box: Box): Promise<number> {
    const { cropScale, liveClass, classes } = this.entry.params;
    const { width: w, height: h } = this.entry.input;
    const side = cropScale * Math.max(box.x2 - box.x1, box.y2 - box.y1);
    const cx = (box.x1 + box.x2) / 2;
    const cy = (box.y1 + box.y2) / 2;
    const cropToFrame = scaleOffset(side / w, cx - side / 2, cy - side / 2);
    const { image, map } = pyramid.forMap(cropToFrame, w, h);
    warpRgb(image, map, w, h, this.input.rgb, [0, 0, 0]);
    this.input.fill(0);
    const out = await this.model.run(this.input.feeds(1));
    const logits = out[this.entry.outputs.logits].data as Float32Array;
    let max = -Infinity;
    for (let i = 0; i < classes; i++) max = Math.max(max, logits[i]);
    let sum = 0;
    for (let i = 0; i < classes; i++) sum += Math.exp(logits[i] - max);
    return Math.exp(logits[liveClass] - max) / sum;
  }
}
