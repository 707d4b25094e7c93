// Evaluation metrics for the engine benchmark: detection matching at an IoU threshold, verification AUC
// and true-accept rate at a false-accept rate, latency percentiles.

export type Box = readonly [number, number, number, number]; // x, y, w, h

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}

/** Greedy one-to-one matching (best IoU first); returns matched truth indices and unmatched detections. */
export function matchBoxes(truth: Box[], found: Box[], threshold = 0.5): { matched: number; falsePositives: number; missed: number[] } {
  const pairs: [number, number, number][] = [];
  truth.forEach((t, i) => found.forEach((f, j) => {
    const v = iou(t, f);
    if (v >= threshold) pairs.push([v, i, j]);
  }));
  pairs.sort((p, q) => q[0] - p[0]);
  const usedT = new Set<number>();
  const usedF = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedT.has(i) || usedF.has(j)) continue;
    usedT.add(i);
    usedF.add(j);
  }
  return {
    matched: usedT.size,
    falsePositives: found.length - usedF.size,
    missed: truth.map((_, i) => i).filter((i) => !usedT.has(i)),
  };
}

/** Area under the ROC curve (probability a genuine score beats an impostor score; ties count half). */
export function auc(genuine: number[], impostor: number[]): number {
  const imp = [...impostor].sort((a, b) => a - b);
  let total = 0;
  for (const g of genuine) {
    let lo = 0;
    let hi = imp.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (imp[mid] < g) lo = mid + 1;
      else hi = mid;
    }
    let eq = lo;
    while (eq < imp.length && imp[eq] === g) eq++;
    total += lo + (eq - lo) / 2;
  }
  return total / (genuine.length * imp.length);
}

/** TAR at the threshold where at most `far` of impostor scores are accepted (score > threshold). */
export function tarAtFar(genuine: number[], impostor: number[], far: number): { tar: number; threshold: number } {
  const imp = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(far * imp.length);
  const threshold = allowed < imp.length ? imp[allowed] : -Infinity;
  return { tar: genuine.filter((g) => g > threshold).length / genuine.length, threshold };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
