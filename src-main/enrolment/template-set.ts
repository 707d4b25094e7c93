// A robust per-person template set. A wrong photo in a person's enrolment (someone else, a poster in the
// background, a badly aligned face) would make that person match strangers, so every new template is checked
// against the person's other templates, and the whole set is re-checked with a leave-one-out robust z-score.
// Embeddings are L2-normalised, so cosine similarity is a dot product.

export interface TemplateVector {
  id: string;
  embedding: Float32Array;
  outlier?: boolean;
}

export interface TemplateSetOptions {
  /**
   * Lowest similarity two photos of the same person are expected to have (a lenient operating point of the
   * embedder, e.g. its threshold at FAR 1e-2). A new template below it against every other one is refused.
   */
  sameFloor: number;
  /** At or above this similarity to an existing template the new one adds nothing (a duplicate photo). */
  duplicateAbove?: number;
  /** Robust z-score (median/MAD of leave-one-out similarities) beyond which a template is an outlier. */
  zLimit?: number;
}

export type NewTemplateVerdict =
  | { verdict: 'ok'; best: number | null; mean: number | null }
  | { verdict: 'duplicate'; best: number; duplicateOf: string }
  | { verdict: 'outlier'; best: number; mean: number };

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embedding sizes differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Checks a candidate template against the person's current (non-outlier) templates. */
export function assessNewTemplate(candidate: Float32Array, existing: readonly TemplateVector[], o: TemplateSetOptions): NewTemplateVerdict {
  const others = existing.filter((t) => !t.outlier);
  if (others.length === 0) return { verdict: 'ok', best: null, mean: null };
  let best = -Infinity;
  let bestId = '';
  let sum = 0;
  for (const t of others) {
    const s = dot(candidate, t.embedding);
    sum += s;
    if (s > best) { best = s; bestId = t.id; }
  }
  const mean = sum / others.length;
  if (best >= (o.duplicateAbove ?? 0.985)) return { verdict: 'duplicate', best, duplicateOf: bestId };
  // One good match is enough to be the same person (a new angle may differ from the rest); none is not.
  if (best < o.sameFloor) return { verdict: 'outlier', best, mean };
  return { verdict: 'ok', best, mean };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Ids of the templates that do not belong with the rest: leave-one-out mean similarity far below the set's
 * median (robust z-score), or below `sameFloor` against every other template. Needs 3 templates to judge:
 * with two that disagree there is no telling which one is wrong.
 */
export function findOutliers(templates: readonly TemplateVector[], o: TemplateSetOptions): Set<string> {
  const out = new Set<string>();
  const n = templates.length;
  if (n < 3) return out;
  const loo: number[] = new Array(n).fill(0);
  const best: number[] = new Array(n).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = dot(templates[i].embedding, templates[j].embedding);
      loo[i] += s;
      loo[j] += s;
      if (s > best[i]) best[i] = s;
      if (s > best[j]) best[j] = s;
    }
  }
  for (let i = 0; i < n; i++) loo[i] /= n - 1;
  const med = median(loo);
  const mad = median(loo.map((x) => Math.abs(x - med))) * 1.4826;
  const zLimit = o.zLimit ?? 3.5;
  for (let i = 0; i < n; i++) {
    const z = mad > 1e-6 ? (med - loo[i]) / mad : 0;
    if (best[i] < o.sameFloor || (z > zLimit && loo[i] < med - 0.05)) out.add(templates[i].id);
  }
  // Never declare the majority an outlier: if more than half fail, the set is just diverse.
  if (out.size * 2 > n) out.clear();
  return out;
}
