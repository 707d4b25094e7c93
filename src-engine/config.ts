// Engine options, validated with zod where they enter (constructor, set-config messages, CLI flags).
// The run-time part (detection, quality, match) can change between frames; the load-time part (models,
// providers, threads) is fixed per loaded model set.
import { z } from 'zod';
import { EngineError } from './errors.ts';
import { DEFAULT_QUALITY } from './quality/quality.ts';
import { DEFAULT_DECODE_LIMITS } from './image/decode.ts';

const unit = z.number().gt(0).lt(1);
/** Smallest detection.minFaceSize a caller may ask for (px, longer side of the face box, stored-image pixels). */
export const MIN_FACE_SIZE_FLOOR = 8;

// Each group is declared once without defaults: the patch schemas must not fill in defaults (a patch
// that sets one field would otherwise reset the others), the config schemas add them.
const detectionFields = {
  minFaceSize: z.number().min(MIN_FACE_SIZE_FLOOR),
  maxFaceRatio: z.number().min(0.2).max(4),
  scoreThreshold: unit,
  candidateThreshold: unit,
  maxFaces: z.number().int().positive().max(1000),
  /** detector runs per frame at most (tiles x scales); bounds the cost of huge images */
  maxViews: z.number().int().min(1).max(2000),
};
const qualityFields = {
  minScore: z.number().min(0).max(1),
  minSize: z.number().min(0),
  minSharpness: z.number().min(0),
  minBrightness: z.number().min(0).max(255),
  maxBrightness: z.number().min(0).max(255),
  maxYaw: z.number().min(0).max(180),
  maxPitch: z.number().min(0).max(180),
  maxRoll: z.number().min(0).max(180),
  minEmbedSize: z.number().min(4),
  decisionMinSize: z.number().min(0),
  decisionMinSharpness: z.number().min(0),
};
const matchFields = {
  /** target false-accept rate: per comparison for compare(), per unknown probe for gallery search */
  far: unit,
  /** explicit cosine threshold; overrides `far` when set */
  threshold: z.number().gt(-1).lt(1).nullable(),
  topK: z.number().int().positive().max(100),
};

export const DEFAULT_DETECTION = { minFaceSize: 20, maxFaceRatio: 1.3, scoreThreshold: 0.7, candidateThreshold: 0.5, maxFaces: 100, maxViews: 160 };
/**
 * Pass planning of the dynamic-input detector (YuNet, detect/passes.ts). Fixed engine defaults, not
 * run-time settings: they trade speed for nothing the operator sets (the minimum face size does that).
 */
export const DETECTOR_DEFAULTS = {
  /** largest upscale (x) of the frame when the minimum face is below the detector's reliable size */
  maxUpscale: 2,
  /** input pixels above which a pass is cut into tiles (bounds memory and the single-run latency) */
  maxPassPixels: 1024 * 768,
  /** tile side, input pixels */
  tile: 768,
  /** photos: a small image is upscaled until its shorter side is this many input pixels (thumbnails) */
  thumbnailSide: 160,
  /** photos: grey margin around the coarsest pass, as a fraction of the largest face (faces filling the image) */
  photoPad: 0.2,
  /** re-run the detector on a crop around each face where it is 80 px wide, for precise keypoints (alignment) */
  refineKeypoints: true,
};

/** Embedding defaults. */
export const EMBED_DEFAULTS = {
  /** faces smaller than this (px, stored image) are embedded with flip test-time augmentation (mean of face + mirror); 0 disables */
  flipBelowSize: 0,
  /**
   * YuNet faces at least this wide (px, stored image) take their mouth corners from the 68-point model;
   * smaller ones keep YuNet's. Degraded set, TAR@FAR1e-2 YuNet's / 68-point corners: 20 px 0.13 / 0.04,
   * 28 px 0.45 / 0.28, 40 px 0.86 / 0.82, 56 px 0.94 / 0.99, 80 px 0.96 / 1.00; faces-dev 0.93 / 1.00.
   */
  landmarkMouthFromWidth: 48,
};

export const DEFAULT_MATCH = { far: 1e-3, threshold: null, topK: 5 };

function withDefaults<T extends Record<string, z.ZodType>>(fields: T, defaults: { [K in keyof T]: z.infer<T[K]> }): z.ZodObject<{ [K in keyof T]: z.ZodDefault<T[K]> }> {
  const shape = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.default(defaults[k as keyof T] as never)]));
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof T]: z.ZodDefault<T[K]> }>;
}

export const DetectionConfigSchema = withDefaults(detectionFields, DEFAULT_DETECTION);
export const QualityConfigSchema = withDefaults(qualityFields, DEFAULT_QUALITY);
export const MatchConfigSchema = withDefaults(matchFields, DEFAULT_MATCH);

export const EngineConfigSchema = z.object({
  detection: DetectionConfigSchema.prefault({}),
  quality: QualityConfigSchema.prefault({}),
  match: MatchConfigSchema.prefault({}),
});
export type EngineConfig = z.infer<typeof EngineConfigSchema>;
export type DetectionConfig = z.infer<typeof DetectionConfigSchema>;
export type MatchConfig = z.infer<typeof MatchConfigSchema>;

/** A partial update of the run-time config (any subset of fields of each group; nothing defaulted). */
export const EngineConfigPatchSchema = z.object({
  detection: z.object(detectionFields).partial().optional(),
  quality: z.object(qualityFields).partial().optional(),
  match: z.object(matchFields).partial().optional(),
});
export type EngineConfigPatch = z.infer<typeof EngineConfigPatchSchema>;

export const ModelSelectionSchema = z.object({
  detector: z.string().optional(),
  /** keypoint refiner of a detector without keypoints; ignored (null) with YuNet */
  keypoints: z.string().nullable().optional(),
  /** null disables the optional model */
  landmarks: z.string().nullable().optional(),
  embedder: z.string().optional(),
  liveness: z.string().nullable().optional(),
});
export type ModelSelection = z.infer<typeof ModelSelectionSchema>;

export const LoadOptionsSchema = z.object({
  modelsDir: z.string().optional(),
  /** the user's models folder (<data dir>/models): more manifest entries and the files a customer installed */
  userModelsDir: z.string().optional(),
  models: ModelSelectionSchema.prefault({}),
  /** execution providers in order of preference; default per platform, CPU always last */
  providers: z.array(z.enum(['cuda', 'dml', 'coreml', 'cpu'])).optional(),
  /** intra-op threads per model */
  threads: z.number().int().min(1).max(64).default(1),
  /** time limit per inference */
  timeoutMs: z.number().int().positive().default(5000),
  warmupIterations: z.number().int().min(0).max(50).default(3),
  decode: z
    .object({
      maxInputPixels: z.number().int().positive().default(DEFAULT_DECODE_LIMITS.maxInputPixels),
      maxWorkingPixels: z.number().int().positive().default(DEFAULT_DECODE_LIMITS.maxWorkingPixels),
    })
    .prefault({}),
});

export const EngineOptionsSchema = LoadOptionsSchema.extend(EngineConfigPatchSchema.shape);
export type EngineOptionsInput = z.input<typeof EngineOptionsSchema>;
export type ParsedEngineOptions = z.infer<typeof EngineOptionsSchema>;

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EngineError('INVALID_ARGUMENT', `invalid ${what}: ${issues.join('; ')}`);
  }
  return r.data;
}

/** Applies a validated patch to a config, returning a new config. */
export function applyPatch(config: EngineConfig, patch: EngineConfigPatch): EngineConfig {
  return EngineConfigSchema.parse({
    detection: { ...config.detection, ...patch.detection },
    quality: { ...config.quality, ...patch.quality },
    match: { ...config.match, ...patch.match },
  });
}
