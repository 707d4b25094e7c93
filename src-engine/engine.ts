// The face engine: decode -> detect -> landmarks -> quality gate -> align -> embed -> (liveness) -> match.
// Plain Node + onnxruntime-node, usable in-process (CLI, tests) or behind process-main.ts in a child.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import type { EngineConfig, EngineConfigPatch, EngineOptionsInput, ModelSelection, ParsedEngineOptions } from './config.ts';
import { EngineConfigPatchSchema, EngineConfigSchema, EngineOptionsSchema, ModelSelectionSchema, applyPatch, parseOrThrow } from './config.ts';
import { FaceDetector, type DetectedFace, type DetectionOptions, type DetectionStats } from './detect/detector.ts';
import { YuNetDetector } from './detect/yunet-detector.ts';
import { EMBED_DEFAULTS } from './config.ts';
import { mirrorChip } from './embed/embedder.ts';
import { Embedder } from './embed/embedder.ts';
import { EngineError, toEngineError } from './errors.ts';
import { toRgbFrame, type Frame, type RgbFrame } from './frame.ts';
import { decodeImage } from './image/decode.ts';
import { Pyramid } from './image/pyramid.ts';
import { Landmarks68, fivePoints } from './landmarks/landmarks68.ts';
import { Liveness } from './liveness/liveness.ts';
import { Gallery, type SearchResult } from './match/gallery.ts';
import { searchThreshold, thresholdForFar } from './match/threshold.ts';
import { estimatePose } from './quality/pose.ts';
import { gate, measureFace, type Quality } from './quality/quality.ts';
import type { Manifest, ModelEntry } from './registry/manifest.ts';
import { DEFAULT_MODELS_DIR, loadManifest, readVerifiedModel } from './registry/manifest.ts';
import { LatencyWindow } from './runtime/latency.ts';
import { loadUserManifest, locateModel, mergeManifests } from './registry/user-models.ts';
import { ModelSession, type ModelHealth, type SessionFactory } from './runtime/model-session.ts';
import { providerChain, type ProviderName } from './runtime/providers.ts';
import { round1, round2, round3 } from './runtime/round.ts';
import { cosine } from './match/cosine.ts';

export interface EngineOptions extends EngineOptionsInput {
  /** Substitute session creation (custom runtimes, tests of provider fallback). */
  sessionFactory?: SessionFactory;
}

export interface AnalyzeOptions {
  /** compute embeddings for faces that pass the quality gate (default true) */
  embeddings?: boolean;
  /** run the liveness model when it is loaded (default false) */
  liveness?: boolean;
  /** search the engine's gallery (default: when it holds templates) */
  match?: boolean;
  detection?: EngineConfigPatch['detection'];
  quality?: EngineConfigPatch['quality'];
  /** flip test-time augmentation below this face size (px, stored image); default EMBED_DEFAULTS.flipBelowSize */
  flipBelowSize?: number;
}

export type Point2 = [number, number];

export interface FaceResult {
  /** x, y, width, height in pixels of the image as stored (frame pixels for analyzeFrame) */
  box: [number, number, number, number];
  score: number;
  /** eye on the image's left, eye on the image's right, nose tip, mouth corners (image left, image right) */
  landmarks5: [Point2, Point2, Point2, Point2, Point2];
  quality: Quality;
  /** quality band 'low': matched (and compared) with the low band's stricter threshold */
  low_quality: boolean;
  embedding?: Float32Array;
  liveness?: number;
  match?: SearchResult;
}

export interface StageTimings {
  detect_ms: number;
  keypoints_ms: number;
  landmarks_ms: number;
  align_ms: number;
  embed_ms: number;
  liveness_ms: number;
  match_ms: number;
  views: number;
  candidates: number;
}

export interface AnalyzeResult {
  faces: FaceResult[];
  /** everything after decode */
  ms: number;
  decode_ms?: number;
  width: number;
  height: number;
  stages: StageTimings;
}

export interface EngineHealth {
  engine: string;
  ready: boolean;
  providers: ProviderName[];
  models: Record<string, ModelHealth>;
  roles: Record<string, string | null>;
  warmup_ms: number;
  frames: { analyzed: number; errors: number; p50_ms: number | null; p95_ms: number | null };
  gallery: { persons: number; templates: number };
  config: EngineConfig;
}

type Roles = { detector: string; keypoints: string | null; landmarks: string | null; embedder: string; liveness: string | null };

interface Pipeline {
  roles: Roles;
  sessions: Map<string, ModelSession>;
  detector: { detect(pyramid: Pyramid, opts: DetectionOptions, stats?: DetectionStats): Promise<DetectedFace[]> };
  landmarks: Landmarks68 | null;
  embedder: Embedder;
  liveness: Liveness | null;
  warmupMs: number;
}

const ROLE_FORMAT: Record<keyof Roles, (e: ModelEntry) => boolean> = {
  detector: (e) => e.family === 'detector',
  keypoints: (e) => e.format === 'blazeface',
  landmarks: (e) => e.format === 'ibug68',
  embedder: (e) => e.format === 'aligned-embedding',
  liveness: (e) => e.format === 'softmax-classifier',
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export class Engine {
  readonly manifest: Manifest;
  readonly gallery: Gallery;
  readonly name: string;
  private readonly options: ParsedEngineOptions;
  private readonly providers: ProviderName[];
  private readonly factory: SessionFactory | undefined;
  private pipeline: Pipeline;
  private cfg: EngineConfig;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly frameLatency = new LatencyWindow();
  private analyzed = 0;
  private frameErrors = 0;
  /** models that failed to load in an optional role (kept for health) */
  private optionalFailures: Record<string, string> = {};

  private constructor(manifest: Manifest, options: ParsedEngineOptions, factory: SessionFactory | undefined, pipeline: Pipeline, name: string) {
    this.manifest = manifest;
    this.options = options;
    this.factory = factory;
    this.providers = providerChain(options.providers);
    this.pipeline = pipeline;
    this.cfg = applyPatch(EngineConfigSchema.parse({}), { detection: options.detection, quality: options.quality, match: options.match });
    this.gallery = new Gallery(pipeline.embedder.dim);
    this.name = name;
  }

  /** Loads the manifest, verifies and loads the models on the best provider, warms them up. */
  static async create(opts: EngineOptions = {}): Promise<Engine> {
    const { sessionFactory, ...rest } = opts;
    const options = parseOrThrow(EngineOptionsSchema, rest, 'engine options');
    const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
    const shipped = await loadManifest(modelsDir);
    const manifest = options.userModelsDir ? mergeManifests(shipped, await loadUserManifest(options.userModelsDir)) : shipped;
    const providers = providerChain(options.providers);
    const failures: Record<string, string> = {};
    const pipeline = await buildPipeline(manifest, modelsDir, options.models, options, providers, sessionFactory, new Map(), failures);
    const engine = new Engine(manifest, options, sessionFactory, pipeline, await engineName());
    engine.optionalFailures = failures;
    return engine;
  }

  get config(): EngineConfig {
    return this.cfg;
  }

  /** Changes detection / quality / match settings; applies to the next frame. */
  setConfig(patch: EngineConfigPatch): EngineConfig {
    const p = parseOrThrow(EngineConfigPatchSchema, patch, 'config');
    this.cfg = applyPatch(this.cfg, p);
    return this.cfg;
  }

  /** Switches models at run time: the new set is loaded and warmed up before it replaces the old one. */
  async setModels(selection: ModelSelection): Promise<Roles> {
    this.assertAlive();
    const sel = parseOrThrow(ModelSelectionSchema, selection, 'model selection');
    const merged: ModelSelection = { ...this.pipeline.roles, ...sel };
    return this.exclusive(async () => {
      const failures: Record<string, string> = {};
      const next = await buildPipeline(this.manifest, this.options.modelsDir ?? DEFAULT_MODELS_DIR, merged, this.options, this.providers, this.factory, this.pipeline.sessions, failures);
      if (next.embedder.dim !== this.gallery.dim && this.gallery.size > 0) {
        await releaseUnused(next.sessions, this.pipeline.sessions);
        throw new EngineError('INVALID_ARGUMENT', `embedder ${next.roles.embedder} has ${next.embedder.dim} dimensions; the gallery holds ${this.gallery.dim}-d templates (clear it first)`);
      }
      const old = this.pipeline;
      this.pipeline = next;
      this.optionalFailures = failures;
      await releaseUnused(old.sessions, next.sessions);
      return next.roles;
    });
  }

  /** Decodes (sharp) and analyses an encoded image. Boxes are in pixels of the image as stored. */
  async analyzeImage(bytes: Buffer | Uint8Array, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    this.assertAlive();
    const decoded = await this.countingErrors(() => decodeImage(bytes, this.options.decode));
    const result = await this.exclusive(() => this.run(decoded.frame, decoded.scaleX, decoded.scaleY, decoded.width, decoded.height, opts, true));
    result.decode_ms = round2(decoded.decodeMs);
    return result;
  }

  /** Analyses raw pixels (RGB row-major; grey and RGBA are converted). Boxes are in frame pixels. */
  async analyzeFrame(frame: Frame, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    this.assertAlive();
    const rgb = await this.countingErrors(async () => toRgbFrame(frame));
    return this.exclusive(() => this.run(rgb, 1, 1, rgb.width, rgb.height, opts, false));
  }

  /** Cosine similarity of two embeddings and the same/different decision at the configured threshold. */
  compare(a: ArrayLike<number>, b: ArrayLike<number>, opts: { lowQuality?: boolean } = {}): { similarity: number; same: boolean; threshold: number } {
    const dim = this.pipeline.embedder.dim;
    if (a?.length !== dim || b?.length !== dim) throw new EngineError('INVALID_ARGUMENT', `embeddings must have ${dim} values`);
    const similarity = cosine(a, b);
    const threshold = this.verifyThreshold(opts.lowQuality ? 'low' : 'decision');
    return { similarity, same: similarity >= threshold, threshold };
  }

  /** Threshold for 1:1 verification: the configured cosine, or the calibrated value for the target FAR. */
  verifyThreshold(band: 'decision' | 'low' = 'decision'): number {
    const m = this.cfg.match;
    if (m.threshold !== null) return m.threshold;
    // A low-quality face never gets a looser threshold than a decision-grade one, whatever its calibration says.
    const normal = thresholdForFar(m.far, this.calibration('decision'));
    return band === 'low' ? Math.max(normal, thresholdForFar(m.far, this.calibration('low'))) : normal;
  }

  /** The calibration for a quality band: low-quality probes have their own where the manifest has one. */
  private calibration(band: 'decision' | 'low'): readonly { far: number; threshold: number }[] {
    const p = this.pipeline.embedder.entry.params;
    return band === 'low' && p.calibrationLow ? p.calibrationLow : p.calibration;
  }

  /** Threshold for gallery search: FAR per unknown probe, spread over the enrolled persons. */
  searchThreshold(band: 'decision' | 'low' = 'decision'): number {
    const m = this.cfg.match;
    if (m.threshold !== null) return m.threshold;
    const normal = searchThreshold(m.far, this.gallery.persons, this.calibration('decision'));
    return band === 'low' ? Math.max(normal, searchThreshold(m.far, this.gallery.persons, this.calibration('low'))) : normal;
  }

  get embeddingDim(): number {
    return this.pipeline.embedder.dim;
  }

  get roles(): Roles {
    return { ...this.pipeline.roles };
  }

  health(): EngineHealth {
    const models: Record<string, ModelHealth> = {};
    for (const [id, s] of this.pipeline.sessions) models[id] = s.health();
    for (const [id, error] of Object.entries(this.optionalFailures)) {
      const entry = this.manifest.models.find((m) => m.id === id);
      models[id] ??= {
        id,
        family: entry?.family ?? 'liveness',
        file: entry?.file ?? '',
        status: 'failed',
        provider: null,
        providers_tried: [],
        fallback_used: false,
        warmup_ms: null,
        runs: 0,
        errors: 0,
        timeouts: 0,
        p50_ms: null,
        p95_ms: null,
        last_error: error,
      };
    }
    return {
      engine: this.name,
      ready: !this.disposed,
      providers: this.providers,
      models,
      roles: { ...this.pipeline.roles },
      warmup_ms: round2(this.pipeline.warmupMs),
      frames: { analyzed: this.analyzed, errors: this.frameErrors, p50_ms: this.frameLatency.percentile(50), p95_ms: this.frameLatency.percentile(95) },
      gallery: { persons: this.gallery.persons, templates: this.gallery.size },
      config: this.cfg,
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue.catch(() => undefined);
    await releaseUnused(this.pipeline.sessions, new Map());
  }

  private assertAlive(): void {
    if (this.disposed) throw new EngineError('ENGINE_DISPOSED', 'the engine has been disposed');
  }

  private async countingErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.frameErrors++;
      throw toEngineError(err);
    }
  }

  /** One analysis at a time: the models' input buffers are shared and preallocated. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(frame: RgbFrame, sx: number, sy: number, storedW: number, storedH: number, opts: AnalyzeOptions, photo: boolean): Promise<AnalyzeResult> {
    const t0 = performance.now();
    try {
      const result = await this.analyze(frame, sx, sy, storedW, storedH, opts, photo);
      result.ms = round2(performance.now() - t0);
      this.analyzed++;
      this.frameLatency.record(result.ms);
      return result;
    } catch (err) {
      this.frameErrors++;
      throw toEngineError(err);
    }
  }

  private async analyze(frame: RgbFrame, sx: number, sy: number, storedW: number, storedH: number, opts: AnalyzeOptions, photo: boolean): Promise<AnalyzeResult> {
    const p = this.pipeline;
    const det = { ...this.cfg.detection, ...(opts.detection ? parseOrThrow(EngineConfigPatchSchema.shape.detection, opts.detection, 'detection options') : {}) };
    const qual = { ...this.cfg.quality, ...(opts.quality ? parseOrThrow(EngineConfigPatchSchema.shape.quality, opts.quality, 'quality options') : {}) };
    const stages: StageTimings = { detect_ms: 0, keypoints_ms: 0, landmarks_ms: 0, align_ms: 0, embed_ms: 0, liveness_ms: 0, match_ms: 0, views: 0, candidates: 0 };
    const pyramid = new Pyramid(frame);
    const stats: DetectionStats = { views: 0, minFaceSize: 0, candidates: 0, detectMs: 0, confirmMs: 0 };
    // Sizes are configured in stored pixels; detection works in frame pixels.
    const scale = Math.sqrt(sx * sy);
    const detected = await p.detector.detect(pyramid, { ...det, minFaceSize: Math.max(4, det.minFaceSize * scale), photo }, stats);
    stages.detect_ms = stats.detectMs;
    stages.keypoints_ms = stats.confirmMs;
    stages.views = stats.views;
    stages.candidates = stats.candidates;

    const faces: FaceResult[] = [];
    const chips: Uint8Array[] = [];
    const toEmbed: number[] = [];
    const flipped: boolean[] = [];
    const flipBelow = opts.flipBelowSize ?? EMBED_DEFAULTS.flipBelowSize;
    for (const d of detected) {
      let t = performance.now();
      // BlazeFace gives 4 keypoints and the 68-point model completes the mouth corners. YuNet gives all 5,
      // but on larger faces its mouth corners are loose: there the 68-point model's are used, eyes and nose
      // kept from YuNet (EMBED_DEFAULTS.landmarkMouthFromWidth: the measurements).
      const wide = (d.x2 - d.x1) / sx >= EMBED_DEFAULTS.landmarkMouthFromWidth;
      const lm68 = p.landmarks && (!d.five || wide) ? await p.landmarks.locate(pyramid, d) : null;
      const five = fivePoints(d.keypoints, lm68, d.five);
      stages.landmarks_ms += performance.now() - t;
      t = performance.now();
      const chip = p.embedder.chip(pyramid, five);
      const measures = measureFace(chip, p.embedder.width, p.embedder.height);
      const pose = estimatePose(five);
      const x1 = clamp(d.x1, 0, frame.width) / sx;
      const y1 = clamp(d.y1, 0, frame.height) / sy;
      const x2 = clamp(d.x2, 0, frame.width) / sx;
      const y2 = clamp(d.y2, 0, frame.height) / sy;
      const size = Math.max(d.x2 - d.x1, d.y2 - d.y1) / scale;
      const quality = gate(d.score, size, measures, pose, qual);
      stages.align_ms += performance.now() - t;
      const landmarks5 = [0, 1, 2, 3, 4].map((i) => [round1(five[2 * i] / sx), round1(five[2 * i + 1] / sy)] as Point2) as FaceResult['landmarks5'];
      faces.push({ box: [round1(x1), round1(y1), round1(Math.min(storedW, x2) - x1), round1(Math.min(storedH, y2) - y1)], score: round3(d.score), landmarks5, quality, low_quality: quality.low_quality });
      // Every face from minEmbedSize is embedded; its band decides the threshold it is matched with.
      if (quality.embeddable) {
        const flip = flipBelow > 0 && size < flipBelow;
        chips.push(chip);
        if (flip) chips.push(mirrorChip(chip, p.embedder.width, p.embedder.height));
        flipped.push(flip);
        toEmbed.push(faces.length - 1);
      }
    }

    if (opts.embeddings !== false && chips.length) {
      const t = performance.now();
      const vectors = await p.embedder.embed(chips);
      let k = 0;
      toEmbed.forEach((fi, j) => {
        // Flip test-time augmentation: the mean of the face's and its mirror's embeddings.
        faces[fi].embedding = flipped[j] ? meanUnit(vectors[k], vectors[k + 1]) : vectors[k];
        k += flipped[j] ? 2 : 1;
      });
      stages.embed_ms = performance.now() - t;
    }
    if (opts.liveness && p.liveness) {
      const t = performance.now();
      for (let i = 0; i < detected.length; i++) faces[i].liveness = round3(await p.liveness.score(pyramid, detected[i]));
      stages.liveness_ms = performance.now() - t;
    }
    if ((opts.match ?? this.gallery.size > 0) && this.gallery.size > 0) {
      const t = performance.now();
      const threshold = this.searchThreshold('decision');
      const lowThreshold = this.searchThreshold('low');
      for (const f of faces) if (f.embedding) f.match = this.gallery.search(f.embedding, this.cfg.match.topK, f.low_quality ? lowThreshold : threshold);
      stages.match_ms = performance.now() - t;
    }
    for (const k of Object.keys(stages) as (keyof StageTimings)[]) stages[k] = round2(stages[k]);
    return { faces, ms: 0, width: storedW, height: storedH, stages };
  }
}

async function buildPipeline(
  manifest: Manifest,
  modelsDir: string,
  selection: ModelSelection,
  options: ParsedEngineOptions,
  providers: ProviderName[],
  factory: SessionFactory | undefined,
  reuse: Map<string, ModelSession>,
  failures: Record<string, string>,
): Promise<Pipeline> {
  const d = manifest.defaults;
  const roles: Roles = {
    detector: selection.detector ?? d.detector,
    keypoints: selection.keypoints === undefined ? (d.keypoints ?? null) : selection.keypoints,
    landmarks: selection.landmarks === undefined ? (d.landmarks ?? null) : selection.landmarks,
    embedder: selection.embedder ?? d.embedder,
    liveness: selection.liveness === undefined ? (d.liveness ?? null) : selection.liveness,
  };
  const sessions = new Map<string, ModelSession>();
  let warmupMs = 0;
  const load = async (role: keyof Roles, id: string): Promise<ModelSession> => {
    const entry = manifest.models.find((m) => m.id === id);
    if (!entry) throw new EngineError('MODEL_UNAVAILABLE', `no model "${id}" in the manifest (role ${role})`, { model: id, role });
    if (!ROLE_FORMAT[role](entry)) throw new EngineError('INVALID_ARGUMENT', `model ${id} (${entry.family}/${entry.format}) cannot serve as ${role}`, { model: id, role });
    const existing = sessions.get(id) ?? reuse.get(id);
    if (existing) {
      sessions.set(id, existing);
      return existing;
    }
    const bytes = await readVerifiedModel(entry, (await locateModel(entry, modelsDir, options.userModelsDir)) ?? modelsDir);
    const session = await ModelSession.load(entry, bytes, { providers, threads: options.threads, timeoutMs: options.timeoutMs, factory });
    sessions.set(id, session);
    if (options.warmupIterations > 0) warmupMs += await session.warmup(options.warmupIterations);
    return session;
  };
  try {
    const primary = await load('detector', roles.detector);
    let detector: Pipeline['detector'];
    if (primary.entry.format === 'yunet') {
      // YuNet regresses its own 5 points: no keypoint refiner. The 68-point model (the manifest default)
      // still gives the mouth corners; `landmarks: null` runs on YuNet's own.
      roles.keypoints = null;
      detector = new YuNetDetector(primary);
    } else {
      roles.keypoints ??= d.keypoints ?? manifest.models.find((m) => m.format === 'blazeface')?.id ?? null;
      if (!roles.keypoints) throw new EngineError('INVALID_ARGUMENT', `detector ${roles.detector} gives no keypoints: select a keypoint model`, { model: roles.detector, role: 'keypoints' });
      detector = new FaceDetector(primary, await load('keypoints', roles.keypoints));
    }
    const embedder = new Embedder(await load('embedder', roles.embedder));
    let landmarks: Landmarks68 | null = null;
    let liveness: Liveness | null = null;
    // Optional models: a failure is recorded and the pipeline runs without them.
    if (roles.landmarks) {
      try {
        landmarks = new Landmarks68(await load('landmarks', roles.landmarks));
      } catch (err) {
        failures[roles.landmarks] = toEngineError(err).message;
      }
    }
    if (roles.liveness) {
      try {
        liveness = new Liveness(await load('liveness', roles.liveness));
      } catch (err) {
        failures[roles.liveness] = toEngineError(err).message;
      }
    }
    return { roles, sessions, detector, landmarks, embedder, liveness, warmupMs };
  } catch (err) {
    await releaseUnused(sessions, reuse);
    throw err;
  }
}

/** Releases sessions of `from` that `keep` does not hold. */
async function releaseUnused(from: Map<string, ModelSession>, keep: Map<string, ModelSession>): Promise<void> {
  for (const [id, s] of from) if (keep.get(id) !== s) await s.release();
}

async function engineName(): Promise<string> {
  let version = '0.0.0';
  try {
    version = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version ?? version;
  } catch {
    // a packaged build without package.json beside the engine keeps the fallback version
  }
  return `vigil-face-engine ${version} (onnxruntime-node ${ort.env.versions.node ?? 'unknown'})`;
}

function meanUnit(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] + b[i];
    sum += out[i] * out[i];
  }
  const k = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < a.length; i++) out[i] *= k;
  return out;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
