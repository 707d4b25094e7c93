// A track's appearance: a running, quality-weighted mean of its unit face embeddings (renormalised on read) and
// the latest one. Comparing a detection to both keeps association robust when a face turns (the mean lags) and
// when one frame is off (the latest is noisy). Embeddings are the engine's own (cosine space of the gallery).

import { cosine } from '../../src-engine/public.ts';

export { cosine };

export class Appearance {
  #sum: Float32Array | null = null;
  #last: Float32Array | null = null;
  #count = 0;

  get count(): number {
    return this.#count;
  }

  add(embedding: Float32Array, weight = 1): void {
    if (!this.#sum || this.#sum.length !== embedding.length) {
      this.#sum = new Float32Array(embedding.length);
      this.#count = 0;
    }
    const w = Math.max(0.05, weight);
    for (let i = 0; i < embedding.length; i++) this.#sum[i] += w * embedding[i];
    this.#last = embedding;
    this.#count++;
  }

  /** Folds another track's appearance into this one (a tentative track re-linked to a lost one). */
  absorb(other: Appearance): void {
    if (!other.#sum) return;
    if (!this.#sum || this.#sum.length !== other.#sum.length) {
      this.#sum = new Float32Array(other.#sum);
      this.#count = other.#count;
    } else {
      for (let i = 0; i < this.#sum.length; i++) this.#sum[i] += other.#sum[i];
      this.#count += other.#count;
    }
    this.#last = other.#last ?? this.#last;
  }

  /** Best cosine of `e` to the mean template or the latest embedding; null when this track has none. */
  similarity(e: Float32Array): number | null {
    if (!this.#sum || !this.#last) return null;
    return Math.max(cosine(this.#sum, e), cosine(this.#last, e));
  }

  /** Unit-length copy of the mean template (for clustering), or null. */
  template(): Float32Array | null {
    if (!this.#sum) return null;
    let n = 0;
    for (const v of this.#sum) n += v * v;
    n = Math.sqrt(n);
    if (n === 0) return null;
    const out = new Float32Array(this.#sum.length);
    for (let i = 0; i < out.length; i++) out[i] = this.#sum[i] / n;
    return out;
  }
}
