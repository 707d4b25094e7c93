// Two-stage face detection.
// 1. Candidates: the primary detector (UltraFace by default) over the views planned for the frame
//    (letterbox + padding for large faces, tiles at finer scales for small ones), merged by NMS.
// 2. Confirmation: a BlazeFace model on a square crop around each candidate, then again on the canonical
//    crop around what it found. It re-finds the face (a box cut at a tile edge or covering half a face
//    becomes the whole face), gives eyes / nose / mouth keypoints, and a second opinion: the reported
//    score is the geometric mean of the three scores, which removes most texture false positives that
//    either model alone accepts (measured on faces-dev and the sample photos, see docs/engine.md).
import type { Affine } from '../image/affine.ts';
import { scaleOffset } from '../image/affine.ts';
import type { Pyramid } from '../image/pyramid.ts';
import { warpRgb } from '../image/warp.ts';
import type { BlazeFaceEntry, DetectorEntry, UltraFaceEntry } from '../registry/manifest.ts';
import { InputBuffer } from '../runtime/input-buffer.ts';
import type { ModelSession, Outputs } from '../runtime/model-session.ts';
import { decodeBlazeFace } from './blazeface.ts';
import type { Candidate } from './candidate.ts';
import { nms } from './nms.ts';
import { planWithinBudget } from './plan.ts';
import { decodeUltraFace } from './ultraface.ts';
import { decodeYuNet } from './yunet.ts';

export interface DetectionOptions {
  /** smallest face to find, in frame pixels */
  minFaceSize: number;
  /** largest face to find, as a multiple of the frame's shorter side */
  maxFaceRatio: number;
  /** reported faces have score >= this */
  scoreThreshold: number;
  /** first-stage threshold (never above scoreThreshold) */
  candidateThreshold: number;
  /** at most this many faces per frame (largest first) */
  maxFaces: number;
  /** at most this many detector runs per frame; minFaceSize is raised when the plan needs more */
  maxViews: number;
  /** a photo (analyzeImage): thumbnail upscaling and padding for faces that fill the image (YuNet path) */
  photo?: boolean;
}

export interface DetectedFace {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  /** eye on the image's left, eye on the image's right, nose tip, mouth centre: x, y in frame pixels */
  keypoints: Float32Array;
  /** the 5 alignment points (eyes, nose tip, mouth corners: x, y) when the detector regresses them (YuNet) */
  five?: Float32Array;
  candidateScore: number;
  confirmScore: number;
}

export interface DetectionStats {
  views: number;
  /** smallest face size (frame pixels) the plan covered; above the request when maxViews capped it */
  minFaceSize: number;
  candidates: number;
  detectMs: number;
  confirmMs: number;
}

// Crop side / box side for the two confirmation passes (the face fills about half of the second crop).
const FIRST_CROP = 2.2;
const SECOND_CROP = 2.0;
const MAX_CANDIDATES = 100;
const GREY: readonly [number, number, number] = [127, 127, 127];

export class FaceDetector {
  private readonly primaryInput: InputBuffer;
  private readonly confirmInput: InputBuffer;

  constructor(
    private readonly primary: ModelSession,
    private readonly confirm: ModelSession,
  ) {
    if (primary.entry.family !== 'detector' || primary.entry.format === 'yunet') throw new TypeError('primary model must be a fixed-input detector (YuNet has its own YuNetDetector)');
    if (confirm.entry.format !== 'blazeface') throw new TypeError('keypoint model must be a BlazeFace-format detector');
    this.primaryInput = new InputBuffer(primary.entry.input);
    this.confirmInput = new InputBuffer(confirm.entry.input);
  }

  async detect(pyramid: Pyramid, opts: DetectionOptions, stats?: DetectionStats): Promise<DetectedFace[]> {
    const frame = pyramid.base;
    const entry = this.primary.entry as UltraFaceEntry | BlazeFaceEntry;
    const t0 = performance.now();
    // No stage threshold is ever above the configured one (a lower setting really lowers every stage).
    // The first stage stops at candidateThreshold: below it UltraFace fires on texture everywhere and
    // confirming thousands of candidates would cost seconds per frame.
    const finalT = opts.scoreThreshold;
    const candT = Math.min(opts.candidateThreshold, finalT);
    const { views, minFaceSize } = planWithinBudget(frame.width, frame.height, {
      inputW: entry.input.width,
      inputH: entry.input.height,
      minFace: entry.params.minFace,
      maxFace: entry.params.maxFace,
      minFaceSize: opts.minFaceSize,
      maxFaceRatio: opts.maxFaceRatio,
      levelRatio: 3,
      maxUpscale: 2,
    }, opts.maxViews);
    let candidates: Candidate[] = [];
    for (let v = 0; v < views.length; v++) {
      const view = views[v];
      const out = await this.runView(this.primary, this.primaryInput, pyramid, view.inputToFrame, GREY);
      const found = decodeDetector(entry, out, candT, view.inputToFrame, v);
      markCut(found, view);
      for (const c of found) candidates.push(c);
    }
    candidates = nms(candidates, { iou: 0.4, containment: 1, blend: false });
    if (candidates.length > MAX_CANDIDATES) candidates = candidates.slice(0, MAX_CANDIDATES);
    const t1 = performance.now();

    const confirmEntry = this.confirm.entry as BlazeFaceEntry;
    // The reported score is the geometric mean of three scores: final >= T needs each of them >= T^3.
    const confirmT = Math.min(0.1, finalT ** 3);
    const confirmed: DetectedFace[] = [];
    for (const c of candidates) {
      // Pass 1: a crop sized from the candidate box, which may be loose, shifted or half a face.
      const first = await this.confirmAt(pyramid, (c.x1 + c.x2) / 2, (c.y1 + c.y2) / 2, FIRST_CROP * Math.max(c.x2 - c.x1, c.y2 - c.y1), confirmT, c.view);
      if (!first) continue;
      // Pass 2: the canonical crop around what pass 1 found, where BlazeFace scores and keypoints are
      // most reliable; its box and keypoints are the ones reported.
      const second = await this.confirmAt(pyramid, (first.x1 + first.x2) / 2, (first.y1 + first.y2) / 2, SECOND_CROP * (first.x2 - first.x1), confirmT, c.view);
      if (!second || !second.keypoints) continue;
      const score = Math.cbrt(c.score * first.score * second.score);
      if (score < finalT) continue;
      const p = confirmEntry.params;
      const k = second.keypoints;
      const keypoints = Float32Array.of(k[2 * p.leftEye], k[2 * p.leftEye + 1], k[2 * p.rightEye], k[2 * p.rightEye + 1], k[2 * p.nose], k[2 * p.nose + 1], k[2 * p.mouth], k[2 * p.mouth + 1]);
      confirmed.push({ x1: second.x1, y1: second.y1, x2: second.x2, y2: second.y2, score, keypoints, candidateScore: c.score, confirmScore: Math.sqrt(first.score * second.score) });
    }
    // Two candidates of one face (two scales, a half-face box) now carry nearly the same box.
    const merged = nms(
      confirmed.map((f, i) => ({ x1: f.x1, y1: f.y1, x2: f.x2, y2: f.y2, score: f.score, keypoints: null, view: i, cut: false })),
      { iou: 0.3, containment: 0.65, blend: false },
    ).map((c) => confirmed[c.view]);
    merged.sort((p, q) => q.x2 - q.x1 - (p.x2 - p.x1));
    if (stats) {
      stats.views = views.length;
      stats.minFaceSize = minFaceSize;
      stats.candidates = candidates.length;
      stats.detectMs = t1 - t0;
      stats.confirmMs = performance.now() - t1;
    }
    return merged.slice(0, opts.maxFaces);
  }

  /** Runs the keypoint model on a square crop and returns the detection nearest its centre (weighted by score). */
  private async confirmAt(pyramid: Pyramid, cx: number, cy: number, side: number, threshold: number, view: number): Promise<Candidate | null> {
    const entry = this.confirm.entry as BlazeFaceEntry;
    const cropToFrame = scaleOffset(side / entry.input.width, cx - side / 2, cy - side / 2);
    // Mid-grey outside the frame: a face cut by the image edge still reads as a face (black halves its score).
    const out = await this.runView(this.confirm, this.confirmInput, pyramid, cropToFrame, GREY);
    const dets = nms(decodeDetector(entry, out, threshold, cropToFrame, view), { iou: 0.3, containment: 1, blend: true });
    let best: Candidate | null = null;
    let bestRank = -Infinity;
    for (const d of dets) {
      const off = Math.hypot((d.x1 + d.x2) / 2 - cx, (d.y1 + d.y2) / 2 - cy) / side;
      const rank = d.score - 2 * off;
      if (rank > bestRank) {
        bestRank = rank;
        best = d;
      }
    }
    return best;
  }

  private async runView(model: ModelSession, input: InputBuffer, pyramid: Pyramid, inputToFrame: Affine, border: readonly [number, number, number]): Promise<Outputs> {
    const { image, map } = pyramid.forMap(inputToFrame, input.spec.width, input.spec.height);
    warpRgb(image, map, input.spec.width, input.spec.height, input.rgb, border);
    input.fill(0);
    return model.run(input.feeds(1));
  }
}

export function decodeDetector(entry: DetectorEntry, out: Outputs, threshold: number, inputToFrame: Affine, view: number): Candidate[] {
  if (entry.format === 'yunet') {
    const levels = entry.outputs.levels.map((l) => ({ stride: l.stride, cls: out[l.cls].data as Float32Array, obj: out[l.obj].data as Float32Array, bbox: out[l.bbox].data as Float32Array, kps: out[l.kps].data as Float32Array }));
    return decodeYuNet(levels, entry.input.width, threshold, inputToFrame, view);
  }
  if (entry.format === 'ultraface-ssd') {
    return decodeUltraFace(
      out[entry.outputs.scores].data as Float32Array,
      out[entry.outputs.boxes].data as Float32Array,
      entry.input.width,
      entry.input.height,
      threshold,
      inputToFrame,
      view,
    );
  }
  const layers = entry.outputs.layers.map((l) => ({
    cells: l.cells,
    anchorsPerCell: l.anchorsPerCell,
    scores: out[l.scores].data as Float32Array,
    boxes: out[l.boxes].data as Float32Array,
  }));
  return decodeBlazeFace(layers, entry.input.width, entry.params.keypoints, threshold, inputToFrame, view);
}

/** Flags boxes that touch an inner tile edge (2 input pixels of slack). */
function markCut(found: Candidate[], view: { inputToFrame: Affine; scale: number; innerLeft: number; innerTop: number; innerRight: number; innerBottom: number }): void {
  const m = view.inputToFrame;
  const slack = 2 / view.scale;
  const left = view.innerLeft * m.a + m.tx + slack;
  const right = view.innerRight * m.a + m.tx - slack;
  const top = view.innerTop * m.d + m.ty + slack;
  const bottom = view.innerBottom * m.d + m.ty - slack;
  for (const c of found) c.cut = c.x1 < left || c.x2 > right || c.y1 < top || c.y2 > bottom;
}
