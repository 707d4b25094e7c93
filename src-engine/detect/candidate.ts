// A face candidate in frame coordinates (continuous pixels), as produced by any detector before merging.
export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  /** Keypoints (x, y pairs in frame coordinates) when the detector regresses them, else null. */
  keypoints: Float32Array | null;
  /** Index of the view (tile/scale) it came from; used to drop faces cut by a tile edge. */
  view: number;
  /** true when the box touches an edge of its view that is not an edge of the frame */
  cut: boolean;
}

export function area(c: Candidate): number {
  return Math.max(0, c.x2 - c.x1) * Math.max(0, c.y2 - c.y1);
}

export function intersection(a: Candidate, b: Candidate): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Candidate, b: Candidate): number {
  const i = intersection(a, b);
  return i > 0 ? i / (area(a) + area(b) - i) : 0;
}
