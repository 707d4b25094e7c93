// Grouping unknown visits by appearance: a visit's template (mean unit embedding) joins the open cluster it is
// most similar to, above a threshold, else starts a new one ("Unknown #12"). Pure; storage lives in the recorder.
import { cosine } from './appearance.ts';

/** Cluster defaults (one home): cosine a visit needs to join a stranger's cluster, and the rolling window. */
export const CLUSTER_DEFAULTS = {
  /** Cosine between a visit's template and a cluster's template to be the same stranger (FAR ~1e-3 per pair). */
  joinMin: 0.42,
  /** The best cluster must beat the second by this much, else the visit starts its own cluster. */
  joinMargin: 0.03,
  /** Clusters not seen for this long (ms) are forgotten: 7 days. */
  windowMs: 7 * 24 * 3600_000,
};

export interface ClusterCandidate {
  id: string;
  template: Float32Array;
}

export function assignCluster(template: Float32Array, clusters: readonly ClusterCandidate[], o = CLUSTER_DEFAULTS): { clusterId: string | null; similarity: number | null } {
  let best: ClusterCandidate | null = null;
  let bestSim = -1;
  let second = -1;
  for (const c of clusters) {
    const s = cosine(template, c.template);
    if (s > bestSim) {
      second = bestSim;
      bestSim = s;
      best = c;
    } else if (s > second) second = s;
  }
  if (best && bestSim >= o.joinMin && bestSim - second >= o.joinMargin) return { clusterId: best.id, similarity: bestSim };
  return { clusterId: null, similarity: best ? bestSim : null };
}

/** Weighted mean of two unit templates, renormalised. */
export function mergeTemplates(a: Float32Array, wa: number, b: Float32Array, wb: number): Float32Array {
  const out = new Float32Array(a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] * wa + (b[i] ?? 0) * wb;
    n += out[i] * out[i];
  }
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}
