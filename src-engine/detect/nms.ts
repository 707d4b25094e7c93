// Non-maximum suppression across every view (tiles, scales, detectors) of a frame.
// - Greedy by score, IoU threshold, plus an optional containment test (intersection over the smaller
//   box): a face seen at two scales can give one tight and one loose box whose IoU is low.
// - Candidates cut by an inner tile edge rank after whole ones: the overlap between tiles guarantees the
//   same face is whole in a neighbouring tile or at a coarser scale, so a cut box survives only alone.
// - Optional blending (as MediaPipe does): the kept box and keypoints become the score-weighted mean of
//   the whole (uncut) members of its cluster, which steadies boxes and keypoints between frames.
import type { Candidate } from './candidate.ts';
import { area, intersection } from './candidate.ts';

export interface NmsOptions {
  iou: number;
  /** suppress when intersection / smaller area >= this (1 disables) */
  containment: number;
  blend: boolean;
}

export function nms(candidates: Candidate[], opts: NmsOptions): Candidate[] {
  const order = candidates.slice().sort((p, q) => (p.cut === q.cut ? q.score - p.score : p.cut ? 1 : -1));
  const removed = new Uint8Array(order.length);
  const kept: Candidate[] = [];
  for (let i = 0; i < order.length; i++) {
    if (removed[i]) continue;
    const head = order[i];
    const cluster: Candidate[] = [head];
    const headArea = area(head);
    for (let j = i + 1; j < order.length; j++) {
      if (removed[j]) continue;
      const other = order[j];
      const inter = intersection(head, other);
      if (inter <= 0) continue;
      const otherArea = area(other);
      const overlap = inter / (headArea + otherArea - inter);
      const contained = inter / Math.min(headArea, otherArea);
      if (overlap >= opts.iou || contained >= opts.containment) {
        removed[j] = 1;
        if (!other.cut && overlap >= opts.iou) cluster.push(other);
      }
    }
    kept.push(opts.blend && cluster.length > 1 ? blendCluster(cluster) : head);
  }
  return kept;
}

function blendCluster(cluster: Candidate[]): Candidate {
  const head = cluster[0];
  let sw = 0;
  let x1 = 0;
  let y1 = 0;
  let x2 = 0;
  let y2 = 0;
  for (const c of cluster) {
    sw += c.score;
    x1 += c.x1 * c.score;
    y1 += c.y1 * c.score;
    x2 += c.x2 * c.score;
    y2 += c.y2 * c.score;
  }
  let keypoints: Float32Array | null = null;
  if (head.keypoints) {
    keypoints = new Float32Array(head.keypoints.length);
    let kw = 0;
    for (const c of cluster) {
      if (!c.keypoints || c.keypoints.length !== keypoints.length) continue;
      kw += c.score;
      for (let k = 0; k < keypoints.length; k++) keypoints[k] += c.keypoints[k] * c.score;
    }
    for (let k = 0; k < keypoints.length; k++) keypoints[k] /= kw;
  }
  return { ...head, x1: x1 / sw, y1: y1 / sw, x2: x2 / sw, y2: y2 / sw, keypoints };
}
