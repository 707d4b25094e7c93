// Every default the host works with, each with its unit and meaning. Three homes, one per owner, none repeated:
//  - camera defaults are the contract's camera schema (src-contract/camera-config.ts; the console form and the
//    API validate with it): read from there below, never redefined;
//  - engine defaults are the engine's (src-engine/config.ts): the host reads what it needs through
//    src-engine/public.ts and never restates them;
//  - site-wide and host-only defaults are defined here.
// Face size, everywhere (camera setting, engine detector and quality gate, tracker): the LONGER side of the face
// box, in pixels of the frame the engine analysed (the detection frame, `detect_width` wide) — see faceSizePx.
import { DetectionConfigSchema } from '../../src-contract/camera-config.ts';
import { DEFAULT_DETECTION, MIN_FACE_SIZE_FLOOR } from '../../src-engine/public.ts';

export interface Default<T> {
  readonly value: T;
  readonly unit: string;
  readonly meaning: string;
}

const d = <T>(value: T, unit: string, meaning: string): Default<T> => ({ value, unit, meaning });
const camera = DetectionConfigSchema.parse({});

/** A camera's `detection` section with every contract default (for a frame whose camera is gone). */
export const DEFAULT_CAMERA_DETECTION: Readonly<typeof camera> = camera;

/** Size of a face box [x, y, w, h]: its longer side (the one definition the host, the engine and the tracker use). */
export function faceSizePx(box: readonly [number, number, number, number] | readonly number[]): number {
  return Math.max(box[2], box[3]);
}

export const DEFAULTS = {
  /** Per camera (src-contract/camera-config.ts `detection`); shown here for the catalogue only. */
  camera: {
    fpsLimit: d(camera.fps_limit, 'frames/s', 'camera frames offered for analysis per second'),
    detectWidth: d(camera.detect_width, 'px', 'width frames are scaled to before detection (never upscaled)'),
    minFacePx: d(camera.min_face_px, 'px, longer side, detection frame', 'smaller faces are not looked for, tracked or voted on'),
    minDetectionConfidence: d(camera.min_detection_confidence, 'detector score 0-1', 'a face below it is neither tracked nor voted on'),
    recognitionThreshold: d(camera.recognition_threshold, 'cosine similarity, null = the engine\'s', 'a match needs this similarity; null uses the engine\'s search threshold for the site\'s target FAR'),
  },
  /** Site settings (storage/site-settings.ts fills a missing section from these). */
  site: {
    targetFar: d(0.001, 'fraction of impostor comparisons', 'false-accept target the engine derives its match threshold from'),
    minVotes: d(3, 'votes', 'agreeing good-quality faces a track needs before a name is given'),
    unknownAlerts: d(true, 'on/off', 'raise an alert for an unknown face'),
    visitGapSeconds: d(30, 's', 'one person out of sight on one camera for less than this is still the same visit (one event row)'),
    unknownClusterWindowDays: d(7, 'days', 'unknown-person clusters not seen for this long are forgotten (rolling window)'),
  },
  /** The engine's own (src-engine/config.ts), that the host's detection policy follows. */
  engine: {
    candidateConfidence: d(DEFAULT_DETECTION.candidateThreshold, 'detector score 0-1', 'first-stage score where the detector stops looking; the policy never asks for a higher one than the camera\'s confidence'),
    minFaceSizeFloor: d(MIN_FACE_SIZE_FLOOR, 'px, longer side', 'smallest minimum face size the engine accepts in a request'),
  },
  /** Host-only. */
  host: {
    confidenceRange: d([0.01, 0.99] as const, 'detector score', 'confidence settings are kept strictly inside the engine\'s open (0, 1) range'),
    noThresholdYet: d(1, 'cosine similarity', 'threshold used before the engine reported its own: no candidate is accepted until then'),
  },
} as const;
