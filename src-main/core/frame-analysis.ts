// What the API needs from the host to answer POST /api/v1/detections/process-frame: one function that analyses
// an encoded image (detect, quality, recognise, consent policy, optional snapshot) and reports what it found in
// host terms. The REST layer turns that into the v1 response; the host owns the engine and the gallery.
import type { z } from 'zod';
import type { QualitySchema } from '../../src-contract/schemas.ts';

export interface AnalyzeFrameOptions {
  cameraId: string;
  frameId: string;
  /** Capture time the client gave (ISO). */
  timestamp: string;
  /** false for model_type "face-detection": find faces, skip recognition. */
  recognize: boolean;
  minConfidence?: number;
  minFaceSize?: number;
  maxFaces: number;
  returnSnapshots: boolean;
  returnEmbeddings: boolean;
  priority: 'urgent' | 'high' | 'normal' | 'low';
  timeoutMs: number;
  /** Aborted when the request times out or the client goes away. */
  signal: AbortSignal;
}

export interface AnalyzedFace {
  /** The host's id when it stored the detection; otherwise the API makes one. */
  detectionId?: string;
  /** x, y, w, h in pixels of the submitted image. */
  box: [number, number, number, number];
  score: number;
  /** The engine's quality measures plus an overall 0..1 score and a blur verdict (spec face_attributes). */
  quality: z.output<typeof QualitySchema> & { score: number; blurry: boolean };
  match: {
    personId: string;
    employeeId: string;
    name: string;
    department: string;
    status: 'active' | 'inactive';
    templateCount: number;
    /** 0..1, higher is more similar. */
    confidence: number;
    /** Cosine distance (1 - similarity). */
    distance: number;
  } | null;
  /** e.g. "no_consent" when the consent policy flags rather than blocks. */
  flags?: string[];
  embedding?: Float32Array | null;
  snapshot?: { ref: string; sizeBytes: number; width: number; height: number } | null;
}

export interface ModelUse {
  name: string;
  version: string;
  device: string;
  latencyMs: number;
}

export interface FrameAnalysis {
  cameraName: string | null;
  width: number;
  height: number;
  faces: AnalyzedFace[];
  timings: { detectMs: number; recognizeMs: number };
  models: { detection: ModelUse; recognition: (ModelUse & { embeddingSize: number }) | null };
  fallbackUsed: boolean;
}

/** Throws VigilError (or an error with a known `code`, e.g. the engine's INVALID_IMAGE) for a frame it refuses. */
export type AnalyzeFrame = (image: Buffer, opts: AnalyzeFrameOptions) => Promise<FrameAnalysis>;
