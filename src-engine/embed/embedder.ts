// Alignment + embedding. The 5 landmarks are mapped onto the model's template by a least-squares
// similarity transform; the face is resampled (bilinear, from the pyramid level that avoids aliasing) into
// the model's input, embedded in batches as large as the graph allows, and L2-normalised.
import type { Affine } from '../image/affine.ts';
import { invert } from '../image/affine.ts';
import type { Pyramid } from '../image/pyramid.ts';
import { warpRgb } from '../image/warp.ts';
import type { EmbedderEntry } from '../registry/manifest.ts';
import { InputBuffer } from '../runtime/input-buffer.ts';
import type { ModelSession } from '../runtime/model-session.ts';
import { similarityTransform, type Point } from '../align/similarity.ts';
import { chipMap } from './dlib-chip.ts';

export class Embedder {
  readonly entry: EmbedderEntry;
  private readonly input: InputBuffer;

  constructor(private readonly model: ModelSession) {
    if (model.entry.format !== 'aligned-embedding') throw new TypeError('embedder must be aligned-embedding format');
    this.entry = model.entry;
    this.input = new InputBuffer(model.entry.input);
  }

  get dim(): number {
    return this.entry.params.dim;
  }

  get width(): number {
    return this.entry.input.width;
  }

  get height(): number {
    return this.entry.input.height;
  }

  /** template pixels -> frame pixels, for 5 landmarks in frame pixels */
  alignment(five: ArrayLike<number>): Affine {
    return alignment(this.entry, five);
  }

  /** The aligned face (RGB bytes, model input size). */
  chip(pyramid: Pyramid, five: ArrayLike<number>): Uint8Array {
    return alignedChip(this.entry, pyramid, five);
  }

  /** Embeds aligned faces, batching up to the model's maxBatch; returns unit vectors. */
  async embed(chips: Uint8Array[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const max = this.entry.input.maxBatch;
    const dim = this.dim;
    for (let start = 0; start < chips.length; start += max) {
      const n = Math.min(max, chips.length - start);
      for (let i = 0; i < n; i++) this.input.fill(i, chips[start + i]);
      const result = await this.model.run(this.input.feeds(n));
      const data = result[this.entry.outputs.embedding].data as Float32Array;
      for (let i = 0; i < n; i++) out.push(l2normalise(data.subarray(i * dim, (i + 1) * dim)));
    }
    return out;
  }
}

/** template pixels -> frame pixels for an embedder's template, from 5 landmarks in frame pixels */
export function alignment(entry: EmbedderEntry, five: ArrayLike<number>): Affine {
  const src: Point[] = [];
  for (let i = 0; i < 5; i++) src.push([five[2 * i], five[2 * i + 1]]);
  const template = entry.params.template as Point[];
  if (entry.params.alignment === 'dlib-chip') return chipMap(template, src, entry.input.width, entry.input.height);
  return invert(similarityTransform(src, template));
}

/** The aligned face for an embedder (RGB bytes, its input size); re-embedding and tests use it without a session. */
export function alignedChip(entry: EmbedderEntry, pyramid: Pyramid, five: ArrayLike<number>): Uint8Array {
  const { width, height } = entry.input;
  const { image, map } = pyramid.forMap(alignment(entry, five), width, height);
  return warpRgb(image, map, width, height, new Uint8Array(width * height * 3), [0, 0, 0]);
}

/** The horizontally mirrored chip (flip test-time augmentation). */
export function mirrorChip(chip: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(chip.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = row + x * 3;
      const d = row + (width - 1 - x) * 3;
      out[d] = chip[s];
      out[d + 1] = chip[s + 1];
      out[d + 2] = chip[s + 2];
    }
  }
  return out;
}

export function l2normalise(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const k = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * k;
  return out;
}
