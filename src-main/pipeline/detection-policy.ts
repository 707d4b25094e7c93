// One detection policy per camera: what face size and detector confidence count, which match threshold applies,
// and the engine options that carry them, resolved once from the camera's config, the site's settings and what
// the engine reported — then carried with each frame job, so the detector, the engine's quality gate and the
// tracker all apply the same values. Pure: no I/O, no clock.
import type { AnalyzeOptions } from '../../src-engine/public.ts';
import { DEFAULTS } from '../core/defaults.ts';

/** What the policy reads of a camera (its `detection` section, contract defaults already applied). */
export interface CameraDetectionConfig {
  min_face_px: number;
  min_detection_confidence: number;
  recognition_threshold: number | null;
}

/** What the policy reads of the site settings. */
export interface SiteRecognitionSettings {
  min_votes: number;
}

/** What the engine has reported about matching (null until it has). */
export interface EngineMatchInfo {
  /** Search threshold of its last match: follows the site's false-accept target and the gallery size. */
  searchThreshold: number | null;
}

export interface DetectionPolicy {
  /** Smallest face looked for, tracked and voted on: px, longer box side, in the analysed frame. */
  readonly minFacePx: number;
  /** Detector score a face needs to be tracked and to vote (0-1). */
  readonly minDetectionConfidence: number;
  /** Cosine similarity a match needs to count as a vote for that person. */
  readonly recognitionThreshold: number;
  /** Where recognitionThreshold came from. */
  readonly thresholdSource: 'camera' | 'engine' | 'none_yet';
  /** Agreeing votes a track needs before a name is given (site setting). */
  readonly minVotes: number;
  /** Options sent with each of the camera's frames: the same size and confidence reach the detector and the
   *  engine's quality gate (a face the tracker keeps is never one the gate rejects for score or size). */
  readonly engine: AnalyzeOptions;
}

export class DetectionPolicyError extends Error {
  override readonly name = 'DetectionPolicyError';
}

/** Engine detection and quality options for a minimum face size and confidence, inside the ranges the engine
 * accepts (used for camera frames and for pushed images alike). Either may be left out. */
export function engineDetectionOptions(o: { minFacePx?: number; minConfidence?: number; maxFaces?: number }): Pick<AnalyzeOptions, 'detection' | 'quality'> {
  const detection: NonNullable<AnalyzeOptions['detection']> = {};
  const quality: NonNullable<AnalyzeOptions['quality']> = {};
  if (o.maxFaces !== undefined) detection.maxFaces = o.maxFaces;
  if (o.minFacePx !== undefined) {
    detection.minFaceSize = Math.max(DEFAULTS.engine.minFaceSizeFloor.value, o.minFacePx);
    quality.minSize = o.minFacePx;
  }
  if (o.minConfidence !== undefined) {
    const [lo, hi] = DEFAULTS.host.confidenceRange.value;
    const score = Math.min(hi, Math.max(lo, o.minConfidence));
    detection.scoreThreshold = score;
    detection.candidateThreshold = Math.min(DEFAULTS.engine.candidateConfidence.value, score);
    quality.minScore = score;
  }
  const out: Pick<AnalyzeOptions, 'detection' | 'quality'> = { detection };
  if (Object.keys(quality).length > 0) out.quality = quality;
  return out;
}

export function resolveDetectionPolicy(camera: CameraDetectionConfig, site: SiteRecognitionSettings, engine: EngineMatchInfo): DetectionPolicy {
  if (!(camera.min_face_px >= 0)) throw new DetectionPolicyError(`min_face_px must be >= 0, got ${camera.min_face_px}`);
  if (!(camera.min_detection_confidence >= 0 && camera.min_detection_confidence <= 1)) {
    throw new DetectionPolicyError(`min_detection_confidence must be in [0, 1], got ${camera.min_detection_confidence}`);
  }
  if (!(Number.isInteger(site.min_votes) && site.min_votes >= 1)) throw new DetectionPolicyError(`min_votes must be a whole number >= 1, got ${site.min_votes}`);
  const own = camera.recognition_threshold;
  const reported = engine.searchThreshold !== null && Number.isFinite(engine.searchThreshold) ? engine.searchThreshold : null;
  const [recognitionThreshold, thresholdSource] = own !== null
    ? [own, 'camera' as const]
    : reported !== null ? [reported, 'engine' as const] : [DEFAULTS.host.noThresholdYet.value, 'none_yet' as const];
  return {
    minFacePx: camera.min_face_px,
    minDetectionConfidence: camera.min_detection_confidence,
    recognitionThreshold,
    thresholdSource,
    minVotes: site.min_votes,
    engine: { embeddings: true, match: true, ...engineDetectionOptions({ minFacePx: camera.min_face_px, minConfidence: camera.min_detection_confidence }) },
  };
}

/** True when two policies would make the tracker behave the same (to skip re-applying an unchanged one). */
export function samePolicy(a: DetectionPolicy | null, b: DetectionPolicy): boolean {
  return a !== null && a.minFacePx === b.minFacePx && a.minDetectionConfidence === b.minDetectionConfidence &&
    a.recognitionThreshold === b.recognitionThreshold && a.minVotes === b.minVotes;
}
