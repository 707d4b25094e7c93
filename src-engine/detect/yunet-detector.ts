// One-model face detection with YuNet: box + 5 keypoints per face from passes planned by the smallest face
// asked for (passes.ts), merged by NMS across passes. Replaces the UltraFace + BlazeFace pair on the default
// path: YuNet's stride-8 head finds faces of about 10 px, so a CCTV frame needs one pass, and its keypoints
// (eyes, nose tip, mouth corners) feed the ArcFace 5-point alignment directly.
import ort from 'onnxruntime-node';
import { IDENTITY, apply, type Affine } from '../image/affine.ts';
import { blockRoute, blockToPlanes } from '../image/planes.ts';
import type { Pyramid } from '../image/pyramid.ts';
import { warpRgb } from '../image/warp.ts';
import type { YuNetEntry } from '../registry/manifest.ts';
import type { ModelSession, Outputs } from '../runtime/model-session.ts';
import type { Candidate } from './candidate.ts';
import type { DetectedFace, DetectionOptions, DetectionStats } from './detector.ts';
import { nms } from './nms.ts';
import { planPassesWithinBudget, type Pass } from './passes.ts';
import { decodeYuNet, type YuNetLevel } from './yunet.ts';
import { DETECTOR_DEFAULTS } from '../config.ts';

const GREY: readonly [number, number, number] = [127, 127, 127];
/** keypoint refinement: crop side / face side, and the crop's input side (the face is then ~REFINE_INPUT / REFINE_CROP px) */
const REFINE_CROP = 2;
const REFINE_INPUT = 160;
/** crop turns (degrees) tried for the keypoints */
const REFINE_ANGLES = [0, 35, -35];
const MAX_REFINE = 100;

export class YuNetDetector {
  readonly entry: YuNetEntry;
  /** RGB staging and the BGR planar tensor, sized for the largest pass (grown once if ever needed) */
  private rgb = new Uint8Array(0);
  private data = new Float32Array(0);
  private readonly tensors = new Map<number, ort.Tensor>();

  constructor(private readonly model: ModelSession) {
    if (model.entry.format !== 'yunet') throw new TypeError('YuNetDetector needs a yunet-format model');
    this.entry = model.entry;
    this.reserve(Math.max(DETECTOR_DEFAULTS.maxPassPixels, DETECTOR_DEFAULTS.tile * DETECTOR_DEFAULTS.tile));
  }

  plan(frameW: number, frameH: number, opts: DetectionOptions): { passes: Pass[]; minFaceSize: number } {
    const p = this.entry.params;
    return planPassesWithinBudget(frameW, frameH, {
      minFace: p.minFace,
      maxFace: p.maxFace,
      multiple: p.multiple,
      minFaceSize: opts.minFaceSize,
      maxFaceRatio: opts.maxFaceRatio,
      maxUpscale: DETECTOR_DEFAULTS.maxUpscale,
      maxPassPixels: DETECTOR_DEFAULTS.maxPassPixels,
      tile: DETECTOR_DEFAULTS.tile,
      photo: opts.photo ?? false,
      thumbnailSide: DETECTOR_DEFAULTS.thumbnailSide,
      pad: DETECTOR_DEFAULTS.photoPad,
    }, opts.maxViews);
  }

  async detect(pyramid: Pyramid, opts: DetectionOptions, stats?: DetectionStats): Promise<DetectedFace[]> {
    const t0 = performance.now();
    const frame = pyramid.base;
    const { passes, minFaceSize } = this.plan(frame.width, frame.height, opts);
    let found: Candidate[] = [];
    for (let v = 0; v < passes.length; v++) {
      const pass = passes[v];
      const out = await this.run(pyramid, pass);
      const cands = decodeYuNet(this.levels(out), pass.inputW, opts.scoreThreshold, pass.inputToFrame, v);
      markCut(cands, pass);
      for (const c of cands) found.push(c);
    }
    // Within a pass YuNet fires on neighbouring cells of one face; across passes a face is seen at two scales.
    found = nms(found, { iou: 0.35, containment: 0.8, blend: false });
    if (found.length > MAX_REFINE) found = found.slice(0, MAX_REFINE);
    const candidates = found.length;
    const t1 = performance.now();
    // Keypoints of a face seen small in a pass (a 120 px face in a pass planned for 20 px ones) are coarse:
    // one more run on a crop where the face is REFINE_FACE px gives the box and 5 points that are reported.
    // The crop is also a second look: a pass detection that no crop re-finds is dropped (on faces-dev these
    // are boxes on part of a face beside the real one), and two pass boxes that refine onto the same face
    // (a face and a half-face box next to it) are merged again.
    const cropScore = new Map<Candidate, number>();
    if (DETECTOR_DEFAULTS.refineKeypoints) {
      const refined: Candidate[] = [];
      for (const c of found) {
        const r = await this.refine(pyramid, c);
        if (!r) continue;
        cropScore.set(r.face, r.cropScore);
        refined.push(r.face);
      }
      found = nms(refined, { iou: 0.35, containment: 0.8, blend: false });
    }
    const faces: DetectedFace[] = found.map((c) => {
      const k = c.keypoints as Float32Array;
      return {
        x1: c.x1,
        y1: c.y1,
        x2: c.x2,
        y2: c.y2,
        score: c.score,
        // eyes, nose tip, mouth centre (the 4-point shape the BlazeFace path reports) ...
        keypoints: Float32Array.of(k[0], k[1], k[2], k[3], k[4], k[5], (k[6] + k[8]) / 2, (k[7] + k[9]) / 2),
        // ... and the 5 points the alignment uses
        five: k,
        candidateScore: c.score,
        confirmScore: cropScore.get(c) ?? c.score,
      };
    });
    faces.sort((p, q) => q.x2 - q.x1 - (p.x2 - p.x1));
    if (stats) {
      stats.views = passes.length;
      stats.minFaceSize = minFaceSize;
      stats.candidates = candidates;
      stats.detectMs = t1 - t0;
      stats.confirmMs = performance.now() - t1;
    }
    return faces.slice(0, opts.maxFaces);
  }

  /**
   * Re-detects a face on square crops where it is REFINE_FACE px wide, upright and turned by +-REFINE_ROLL
   * degrees: YuNet's keypoints follow a strongly tilted head only when the crop is turned with it (its
   * training faces are mostly upright). The crop where the face scores highest gives the 5 points; the
   * upright crop gives the box. null when no crop re-finds the face (at score 0.3 or the pass's score).
   */
  private async refine(pyramid: Pyramid, c: Candidate): Promise<{ face: Candidate; cropScore: number } | null> {
    const side = Math.max(c.x2 - c.x1, c.y2 - c.y1);
    const cropSide = REFINE_CROP * side;
    const k = cropSide / REFINE_INPUT; // frame px per input px
    const cx = (c.x1 + c.x2) / 2;
    const cy = (c.y1 + c.y2) / 2;
    let box: Candidate | null = null;
    let best: { score: number; kp: Float32Array } | null = null;
    const h = REFINE_INPUT / 2;
    const maps = REFINE_ANGLES.map((deg): Affine => {
      const t = (deg * Math.PI) / 180;
      const cos = Math.cos(t) * k;
      const sin = Math.sin(t) * k;
      // input -> frame: rotate about the crop centre, scale, move onto the face centre
      return { a: cos, b: -sin, c: sin, d: cos, tx: cx - cos * h + sin * h, ty: cy - sin * h - cos * h };
    });
    // The three crops go through the model as one batch of 3 where the entry allows it (YuNet's batch axis is
    // dynamic; manifest maxBatch): one call instead of three, less inference on one thread (scripts/bench/stages.ts).
    // A model file with a fixed batch of 1 (manifest maxBatch 1) gets one call per crop.
    const batch = Math.min(maps.length, this.entry.input.maxBatch);
    let out: Outputs = {};
    let inRun = 0;
    for (let j = 0; j < maps.length; j++) {
      const deg = REFINE_ANGLES[j];
      const map = maps[j];
      if (j % batch === 0) {
        inRun = Math.min(batch, maps.length - j);
        out = await this.runMaps(pyramid, maps.slice(j, j + inRun), REFINE_INPUT, REFINE_INPUT);
      }
      let pick: Candidate | null = null;
      let pickRank = -Infinity;
      for (const d of decodeYuNet(this.levels(out, j % batch, inRun), REFINE_INPUT, Math.min(0.3, c.score), IDENTITY, c.view)) {
        const off = Math.hypot((d.x1 + d.x2) / 2 - h, (d.y1 + d.y2) / 2 - h) / (side / k);
        const rank = d.score - 2 * off;
        if (off < 0.35 && rank > pickRank) {
          pickRank = rank;
          pick = d;
        }
      }
      if (!pick) continue;
      const kp = pick.keypoints as Float32Array;
      const mapped = new Float32Array(10);
      for (let p = 0; p < 5; p++) [mapped[2 * p], mapped[2 * p + 1]] = apply(map, kp[2 * p], kp[2 * p + 1]);
      if (deg === 0) box = { ...pick, x1: map.a * pick.x1 + map.tx, y1: map.d * pick.y1 + map.ty, x2: map.a * pick.x2 + map.tx, y2: map.d * pick.y2 + map.ty, keypoints: mapped };
      if (!best || pick.score > best.score) best = { score: pick.score, kp: mapped };
    }
    if (!best) return null;
    // The pass decided that this is a face (its score); the crops give the geometry.
    const geometry = box ?? c;
    return { face: { ...geometry, score: c.score, cut: c.cut, keypoints: best.kp }, cropScore: best.score };
  }

  /** The output levels of batch item `item` of `count`. */
  private levels(out: Outputs, item = 0, count = 1): YuNetLevel[] {
    const part = (name: string): Float32Array => {
      const all = out[name].data as Float32Array;
      const size = all.length / count;
      return count === 1 ? all : all.subarray(item * size, (item + 1) * size);
    };
    return this.entry.outputs.levels.map((l) => ({ stride: l.stride, cls: part(l.cls), obj: part(l.obj), bbox: part(l.bbox), kps: part(l.kps) }));
  }

  private reserve(pixels: number): void {
    if (this.rgb.length >= pixels * 3) return;
    this.rgb = new Uint8Array(pixels * 3);
    this.data = new Float32Array(pixels * 3);
    this.tensors.clear();
  }

  /** Warps the pass into the staging buffer, writes BGR 0..255 planes (YuNet: no normalisation), runs. */
  private run(pyramid: Pyramid, pass: Pass): Promise<Outputs> {
    return this.runMap(pyramid, pass.inputToFrame, pass.inputW, pass.inputH);
  }

  private runMap(pyramid: Pyramid, inputToFrame: Affine, w: number, h: number): Promise<Outputs> {
    return this.runMaps(pyramid, [inputToFrame], w, h);
  }

  /** One batch of w x h inputs, item i sampled through maps[i]. */
  private async runMaps(pyramid: Pyramid, maps: readonly Affine[], w: number, h: number): Promise<Outputs> {
    const n = w * h;
    const count = maps.length;
    this.reserve(count * n);
    for (let j = 0; j < count; j++) this.fill(pyramid, maps[j], w, h, this.data.subarray(3 * n * j, 3 * n * (j + 1)));
    const key = (count * 8192 + w) * 8192 + h;
    let t = this.tensors.get(key);
    if (!t) {
      t = new ort.Tensor('float32', this.data.subarray(0, 3 * n * count), [count, 3, h, w]);
      this.tensors.set(key, t);
    }
    return this.model.run({ [this.entry.input.name]: t });
  }

  /** Writes one input's BGR 0..255 planes (YuNet: no normalisation) into `data`. */
  private fill(pyramid: Pyramid, inputToFrame: Affine, w: number, h: number, data: Float32Array): void {
    const n = w * h;
    // A pass that is a plain crop of a pyramid level (1280x720 at min face 40: the frame halved) is written
    // into the BGR planes in one go; rotated and fractional maps (refinement crops) are warped first.
    const block = blockRoute(pyramid, inputToFrame);
    if (block) {
      blockToPlanes(block.src, block.factor, block.ox, block.oy, w, h, data, GREY, true);
      return;
    }
    const { image, map } = pyramid.forMap(inputToFrame, w, h);
    const rgb = warpRgb(image, map, w, h, this.rgb, GREY);
    for (let i = 0, s = 0; i < n; i++, s += 3) {
      data[i] = rgb[s + 2];
      data[n + i] = rgb[s + 1];
      data[2 * n + i] = rgb[s];
    }
  }
}

/** Flags boxes that touch an inner tile edge (2 input pixels of slack). */
function markCut(found: Candidate[], pass: Pass): void {
  const m = pass.inputToFrame;
  const slack = 2 / pass.scale;
  const left = pass.innerLeft * m.a + m.tx + slack;
  const right = pass.innerRight * m.a + m.tx - slack;
  const top = pass.innerTop * m.d + m.ty + slack;
  const bottom = pass.innerBottom * m.d + m.ty - slack;
  for (const c of found) c.cut = c.x1 < left || c.x2 > right || c.y1 < top || c.y2 > bottom;
}
