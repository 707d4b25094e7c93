// The model manifest (models/manifest.json): what each shipped model is, where it came from, and exactly
// how to feed it. Pre- and post-processing read their constants from here, never from code, so a model
// of a known format (another UltraFace, BlazeFace or ArcFace export) is added by a manifest entry alone.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EngineError } from '../errors.ts';

const positiveInt = z.number().int().positive();
const point = z.tuple([z.number(), z.number()]);

export const InputSpecSchema = z
  .object({
    /** tensor name in the graph */
    name: z.string().min(1),
    layout: z.enum(['NCHW', 'NHWC']),
    width: positiveInt,
    height: positiveInt,
    /** GRAY feeds one luminance channel; RGB/BGR give the order of the three planes. */
    colorOrder: z.enum(['RGB', 'BGR', 'GRAY']),
    /** value fed = (pixel - mean[c]) / std[c], with c in the model's channel order */
    mean: z.array(z.number()).min(1).max(3),
    std: z.array(z.number().refine((v) => v !== 0, 'std must not be 0')).min(1).max(3),
    /** largest batch the graph accepts (1 when the batch dimension is fixed) */
    maxBatch: positiveInt.default(1),
  })
  .refine((s) => s.mean.length === (s.colorOrder === 'GRAY' ? 1 : 3) && s.std.length === s.mean.length, {
    message: 'mean/std need one value per channel (1 for GRAY, 3 for RGB/BGR)',
  });
export type InputSpec = z.infer<typeof InputSpecSchema>;

const SourceSchema = z.object({
  registry: z.string(),
  package: z.string(),
  version: z.string(),
  path: z.string(),
  url: z.string().optional(),
});

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'ids are lower-case words joined by - . _'),
  name: z.string(),
  file: z.string().regex(/^[^/\\]+\.onnx$/, 'file is a bare *.onnx name inside the models folder'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: positiveInt,
  input: InputSpecSchema,
  source: SourceSchema,
  license: z.string(),
  /** whether the weights' origin (author, training data) is documented; 'not_stated' is shown as a warning */
  origin: z.enum(['documented', 'not_stated']).optional(),
  /** false: an entry a customer can install (`vigil models add`); its file is not in models/ */
  shipped: z.boolean().default(true),
  /**
   * onnxruntime graph optimisation for this model (default 'all'). 'all' adds the NCHWc layout transform,
   * which makes some graphs slower on CPU (arcface-mbf-112: about 3x on this project's AVX-512 machines,
   * measured by bench:engine); such entries name the faster level here.
   */
  graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']).optional(),
  provenance: z.string(),
  notes: z.string().optional(),
};

const UltraFaceSchema = z.object({
  ...common,
  family: z.literal('detector'),
  format: z.literal('ultraface-ssd'),
  outputs: z.object({ scores: z.string(), boxes: z.string() }),
  params: z.object({
    /** smallest face (model-input pixels) the model finds reliably; drives tiling */
    minFace: z.number().positive(),
    /** largest face (model-input pixels) it finds reliably; larger faces are handled at a coarser scale */
    maxFace: z.number().positive(),
  }),
});

const BlazeLayerSchema = z.object({
  cells: positiveInt,
  anchorsPerCell: positiveInt,
  scores: z.string(),
  boxes: z.string(),
});

const BlazeFaceSchema = z.object({
  ...common,
  family: z.literal('detector'),
  format: z.literal('blazeface'),
  outputs: z.object({ layers: z.array(BlazeLayerSchema).min(1) }),
  params: z.object({
    keypoints: positiveInt,
    /** keypoint indices of the subject's eyes, nose tip and mouth centre in the regressor output */
    leftEye: z.number().int().nonnegative(),
    rightEye: z.number().int().nonnegative(),
    nose: z.number().int().nonnegative(),
    mouth: z.number().int().nonnegative(),
    minFace: z.number().positive(),
    maxFace: z.number().positive(),
  }),
});

const YuNetLevelSchema = z.object({ stride: positiveInt, cls: z.string(), obj: z.string(), bbox: z.string(), kps: z.string() });

/** YuNet (dynamic input): `input.width/height` is the size used for warm-up; each pass picks its own size. */
const YuNetSchema = z.object({
  ...common,
  family: z.literal('detector'),
  format: z.literal('yunet'),
  outputs: z.object({ levels: z.array(YuNetLevelSchema).min(1) }),
  params: z.object({
    /** smallest / largest face (input pixels) found reliably, measured by pasting faces at known sizes */
    minFace: z.number().positive(),
    maxFace: z.number().positive(),
    /** input width and height must be multiples of this (the largest stride) */
    multiple: positiveInt,
  }),
});

const Landmarks68Schema = z.object({
  ...common,
  family: z.literal('landmarks'),
  format: z.literal('ibug68'),
  outputs: z.object({ points: z.string() }),
  params: z.object({
    /** side of the square crop as a multiple of the face box side */
    cropScale: z.number().positive(),
    /** vertical shift of the crop centre as a multiple of the face box side (negative = up) */
    cropShiftY: z.number(),
  }),
});

const EmbedderSchema = z.object({
  ...common,
  family: z.literal('embedder'),
  format: z.literal('aligned-embedding'),
  outputs: z.object({ embedding: z.string() }),
  params: z.object({
    dim: positiveInt,
    /** where the subject's left eye, right eye, nose, left and right mouth corners land in the input */
    template: z.array(point).length(5),
    /**
     * how the template is fitted: 'similarity' (default) maps the face's points onto the template by least
     * squares (ArcFace norm_crop); 'dlib-chip' fits template -> image and extracts the way dlib's
     * extract_image_chip does (template in dlib's pixel-centre coordinates; see embed/dlib-chip.ts)
     */
    alignment: z.enum(['similarity', 'dlib-chip']).optional(),
    /** cosine thresholds measured for target false-accept rates (see docs/engine.md) */
    calibration: z
      .array(z.object({ far: z.number().positive().lt(1), threshold: z.number().gt(-1).lt(1) }))
      .min(1),
    calibrationSource: z.string(),
    /** thresholds for low-quality probes (small, soft faces), measured the same way on degraded probes */
    calibrationLow: z
      .array(z.object({ far: z.number().positive().lt(1), threshold: z.number().gt(-1).lt(1) }))
      .min(1)
      .optional(),
    calibrationLowSource: z.string().optional(),
  }),
});

const LivenessSchema = z.object({
  ...common,
  family: z.literal('liveness'),
  format: z.literal('softmax-classifier'),
  outputs: z.object({ logits: z.string() }),
  params: z.object({
    liveClass: z.number().int().nonnegative(),
    classes: z.number().int().min(2),
    cropScale: z.number().positive(),
  }),
});

export const ModelEntrySchema = z.discriminatedUnion('format', [UltraFaceSchema, BlazeFaceSchema, YuNetSchema, Landmarks68Schema, EmbedderSchema, LivenessSchema]);
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type UltraFaceEntry = z.infer<typeof UltraFaceSchema>;
export type BlazeFaceEntry = z.infer<typeof BlazeFaceSchema>;
export type YuNetEntry = z.infer<typeof YuNetSchema>;
export type DetectorEntry = UltraFaceEntry | BlazeFaceEntry | YuNetEntry;
export type Landmarks68Entry = z.infer<typeof Landmarks68Schema>;
export type EmbedderEntry = z.infer<typeof EmbedderSchema>;
export type LivenessEntry = z.infer<typeof LivenessSchema>;
export type ModelFamily = ModelEntry['family'];

export const ManifestSchema = z
  .object({
    version: z.literal(1),
    /** the model used for each role unless the engine options say otherwise */
    defaults: z.object({
      detector: z.string(),
      /** BlazeFace keypoint refiner for a detector without keypoints (UltraFace); unused with YuNet */
      keypoints: z.string().optional(),
      landmarks: z.string().optional(),
      embedder: z.string(),
      liveness: z.string().optional(),
    }),
    models: z.array(ModelEntrySchema).min(1),
  })
  .superRefine((m, ctx) => {
    const ids = new Set<string>();
    for (const e of m.models) {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', message: `duplicate model id ${e.id}` });
      ids.add(e.id);
    }
    for (const [role, id] of Object.entries(m.defaults)) {
      if (id !== undefined && !ids.has(id)) ctx.addIssue({ code: 'custom', message: `defaults.${role} names unknown model ${id}` });
    }
  });
export type Manifest = z.infer<typeof ManifestSchema>;

export const DEFAULT_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');

export async function loadManifest(modelsDir = DEFAULT_MODELS_DIR): Promise<Manifest> {
  const file = path.join(modelsDir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new EngineError('MANIFEST_INVALID', `cannot read ${file}: ${(err as Error).message}`, { file }, { cause: err });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EngineError('MANIFEST_INVALID', `${file} is invalid: ${first.join('; ')}`, { file });
  }
  return parsed.data;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Reads a model file and checks it against its manifest entry. A missing file is MODEL_UNAVAILABLE; a
 * file whose bytes differ from what the manifest records is MODEL_INTEGRITY (never loaded).
 */
export async function readVerifiedModel(entry: ModelEntry, modelsDir = DEFAULT_MODELS_DIR): Promise<Uint8Array> {
  const file = path.join(modelsDir, entry.file);
  try {
    await stat(file);
  } catch {
    throw new EngineError('MODEL_UNAVAILABLE', `model file ${entry.file} for ${entry.id} is missing from ${modelsDir}`, { model: entry.id, file });
  }
  const bytes = await readFile(file);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== entry.sha256) {
    throw new EngineError('MODEL_INTEGRITY', `model ${entry.id} (${entry.file}) has sha256 ${digest}, manifest expects ${entry.sha256}; refusing to load it`, {
      model: entry.id,
      file,
      expected: entry.sha256,
      actual: digest,
    });
  }
  return bytes;
}
