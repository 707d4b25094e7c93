// How much of a camera frame the engine needs to look at, decided before the frame is queued:
//   skip  no motion and no live track: nothing new can be in view (counted as skipped_static)
//   roi   motion and/or live tracks cover a small part of the frame: detect in one crop around them
//   full  the whole frame (large or scattered activity, the first frame, or the periodic full check that still
//         finds a face standing still in a quiet scene)
// Pure policy with its counters; the pipeline does the cropping and maps boxes back (cropRgb, offsetFaces).
import { MotionGate, overlaps, union, type MaskRect, type MotionOptions, type Rect } from './motion-gate.ts';

export interface WorkPlanOptions {
  /** The whole frame is analysed at least this often (ms) whatever the motion says. */
  fullCheckMs: number;
  /** Crop only when the region of interest is at most this fraction of the frame's area (else: full frame). */
  roiMaxFraction: number;
  /** Margin around a live track's box, as a multiple of its larger side: a walker moves about one face width
   *  between analysed frames at 5 fps. */
  trackMargin: number;
  /** Margin around a motion region, frame pixels. */
  motionMarginPx: number;
  /** Smallest crop side (frame pixels): the detector's windows need context around a face. */
  minRoiPx: number;
  /** Turns region-of-interest crops off (whole frames only; the motion gate still skips static frames). */
  roi: boolean;
  motion: Partial<MotionOptions>;
}

export const DEFAULT_WORK_PLAN: WorkPlanOptions = {
  fullCheckMs: 3000, roiMaxFraction: 0.5, trackMargin: 1.0, motionMarginPx: 16, minRoiPx: 128, roi: true, motion: {},
};

/** newActivity: motion outside every live track (someone new may be in view), or no track at all. */
export type WorkPlan =
  | { kind: 'skip' }
  | { kind: 'full'; reason: 'first' | 'full_check' | 'activity'; newActivity: boolean }
  | { kind: 'roi'; rect: Rect; newActivity: boolean };

export interface WorkCounters {
  /** Frames that skipped the detector: no motion, no live track. */
  skipped_static: number;
  /** Frames with motion (or a live track) the planner sent to the engine. */
  active: number;
  /** Of which the periodic full checks without motion. */
  full_checks: number;
  /** Frames analysed as a crop, and the pixels those crops did not send to the detector. */
  roi_frames: number;
  roi_pixels_saved: number;
  /** Frames analysed without embeddings: every face in view belongs to a track that needs no more evidence. */
  embeddings_skipped: number;
}

export class WorkPlanner {
  readonly #o: WorkPlanOptions;
  readonly #gate: MotionGate;
  #lastFull = -Infinity;
  readonly counters: WorkCounters = { skipped_static: 0, active: 0, full_checks: 0, roi_frames: 0, roi_pixels_saved: 0, embeddings_skipped: 0 };

  constructor(options: Partial<WorkPlanOptions> = {}) {
    this.#o = { ...DEFAULT_WORK_PLAN, ...options };
    this.#gate = new MotionGate(this.#o.motion);
  }

  /** The camera's motion masks (normalised rectangles from its config), applied from the next frame. */
  setMasks(masks: readonly MaskRect[]): void {
    this.#gate.setMasks([...masks]);
  }

  /** `tracks`: boxes of the camera's live tracks, frame pixels. */
  plan(frame: { data: Uint8Array; width: number; height: number }, tracks: readonly Rect[], now: number): WorkPlan {
    const { width: W, height: H } = frame;
    const m = this.#gate.observe(frame.data, W, H);
    const first = this.#lastFull === -Infinity;
    const padded = tracks.map(([x, y, w, h]): Rect => {
      const pad = Math.max(w, h) * this.#o.trackMargin;
      return [x - pad, y - pad, w + 2 * pad, h + 2 * pad];
    });
    const newActivity = tracks.length === 0 || m.regions.some((r) => !padded.some((p) => overlaps(p, r)));
    if (first || now - this.#lastFull >= this.#o.fullCheckMs) {
      this.#lastFull = now;
      if (m.motion || tracks.length) this.counters.active++;
      else this.counters.full_checks++;
      return { kind: 'full', reason: first ? 'first' : 'full_check', newActivity: true };
    }
    if (!m.motion && tracks.length === 0) {
      this.counters.skipped_static++;
      return { kind: 'skip' };
    }
    this.counters.active++;
    if (!this.#o.roi) return this.#full(newActivity);
    let roi: Rect | null = null;
    for (const p of padded) roi = roi ? union(roi, p) : p;
    const mp = this.#o.motionMarginPx;
    for (const [x, y, w, h] of m.regions) {
      const r: Rect = [x - mp, y - mp, w + 2 * mp, h + 2 * mp];
      roi = roi ? union(roi, r) : r;
    }
    const rect = roi ? fitRect(roi, W, H, this.#o.minRoiPx) : null;
    if (!rect || rect[2] * rect[3] > this.#o.roiMaxFraction * W * H) return this.#full(newActivity);
    this.counters.roi_frames++;
    this.counters.roi_pixels_saved += W * H - rect[2] * rect[3];
    return { kind: 'roi', rect, newActivity };
  }

  #full(newActivity: boolean): WorkPlan {
    return { kind: 'full', reason: 'activity', newActivity };
  }
}

/** Crop sides are multiples of this: the detector sees a handful of input shapes again and again, not a new one
 *  per frame (a runtime with dynamic shapes plans and allocates per new shape). */
export const ROI_STEP = 64;

/** Clamps to the frame, grows to `minSide` and to a multiple of ROI_STEP, rounds to even integers. */
export function fitRect(r: Rect, W: number, H: number, minSide: number): Rect {
  let [x, y, w, h] = r;
  const qw = Math.ceil(Math.max(w, minSide) / ROI_STEP) * ROI_STEP;
  const qh = Math.ceil(Math.max(h, minSide) / ROI_STEP) * ROI_STEP;
  x -= (qw - w) / 2; w = qw;
  y -= (qh - h) / 2; h = qh;
  if (w < minSide) { x -= (minSide - w) / 2; w = minSide; }
  if (h < minSide) { y -= (minSide - h) / 2; h = minSide; }
  let x0 = Math.max(0, Math.floor(x / 2) * 2);
  let y0 = Math.max(0, Math.floor(y / 2) * 2);
  let x1 = Math.min(W, Math.ceil((x + w) / 2) * 2);
  let y1 = Math.min(H, Math.ceil((y + h) / 2) * 2);
  // Near an edge, shift rather than shrink below the minimum.
  if (x1 - x0 < Math.min(minSide, W)) { if (x0 === 0) x1 = Math.min(W, minSide); else x0 = Math.max(0, W - minSide); }
  if (y1 - y0 < Math.min(minSide, H)) { if (y0 === 0) y1 = Math.min(H, minSide); else y0 = Math.max(0, H - minSide); }
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Copies a rectangle out of a packed rgb24 frame (one row copy per line). */
export function cropRgb(data: Uint8Array, width: number, rect: Rect): Uint8Array {
  const [x, y, w, h] = rect;
  const out = new Uint8Array(w * h * 3);
  const row = w * 3;
  for (let j = 0; j < h; j++) {
    const src = ((y + j) * width + x) * 3;
    out.set(data.subarray(src, src + row), j * row);
  }
  return out;
}

/** Moves face boxes and landmarks found in a crop back into frame coordinates (in place). */
export function offsetFaces<F extends { box: [number, number, number, number]; landmarks5?: ReadonlyArray<[number, number]> }>(faces: F[], dx: number, dy: number): F[] {
  for (const f of faces) {
    f.box = [f.box[0] + dx, f.box[1] + dy, f.box[2], f.box[3]];
    if (f.landmarks5) (f as unknown as { landmarks5: Array<[number, number]> }).landmarks5 = f.landmarks5.map(([px, py]) => [px + dx, py + dy]);
  }
  return faces;
}
