// Per-face quality figures and the gate that classifies a face: usable for enrolment (today's strict gate,
// `passed`), usable for a decision, or low quality (still embedded from minEmbedSize, but matched with a
// stricter threshold: small and soft faces give embeddings whose impostor scores run higher). Sharpness and
// brightness are measured on the aligned 112x112 face, so they do not depend on where the face is or how
// big the frame is; a small face upscaled to 112 is soft, which is the point (its embedding is poor).
import type { Pose } from './pose.ts';
import { round1 } from '../runtime/round.ts';

export interface QualityThresholds {
  /** detector score needed to embed (faces below are reported, not embedded) */
  minScore: number;
  /** face box side in pixels of the image as stored */
  minSize: number;
  /** variance of the Laplacian of the aligned grey face */
  minSharpness: number;
  minBrightness: number;
  maxBrightness: number;
  /** degrees, absolute */
  maxYaw: number;
  maxPitch: number;
  maxRoll: number;
  /** faces at least this big (px, stored image) are embedded whatever their band */
  minEmbedSize: number;
  /** decision band: at least this big and this sharp (looser than the enrolment figures above) */
  decisionMinSize: number;
  decisionMinSharpness: number;
}

export const DEFAULT_QUALITY: QualityThresholds = {
  minScore: 0.7,
  minSize: 24,
  minSharpness: 4,
  minBrightness: 30,
  maxBrightness: 230,
  maxYaw: 60,
  maxPitch: 50,
  maxRoll: 180,
  minEmbedSize: 16,
  decisionMinSize: 24,
  decisionMinSharpness: 2,
};

/** enrolment: passes the strict gate; decision: may decide a match at the normal threshold; low: needs the low band's threshold */
export type QualityBand = 'enrolment' | 'decision' | 'low';

export type QualityReason = 'low_confidence' | 'too_small' | 'blurry' | 'too_dark' | 'too_bright' | 'pose';

export interface Quality {
  sharpness: number;
  brightness: number;
  size: number;
  yaw: number;
  pitch: number;
  roll: number;
  /** passed the enrolment gate (unchanged meaning: every figure within the enrolment thresholds) */
  passed: boolean;
  /** the first enrolment check that failed */
  reason: QualityReason | null;
  band: QualityBand;
  /** band === 'low': matched with the low band's threshold */
  low_quality: boolean;
  /** the face is big enough to be embedded (size >= minEmbedSize) */
  embeddable: boolean;
}

/**
 * Brightness (mean luma) and sharpness (variance of the 4-neighbour Laplacian) over the central region of
 * an aligned RGB face (the template's eyes-to-chin area, background corners excluded).
 */
export function measureFace(rgb: Uint8Array, width: number, height: number): { sharpness: number; brightness: number } {
  const x0 = Math.round(width * 0.2);
  const x1 = Math.round(width * 0.8);
  const y0 = Math.round(height * 0.25);
  const y1 = Math.round(height * 0.9);
  const gw = x1 - x0 + 2;
  const gh = y1 - y0 + 2;
  const grey = new Float32Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const sy = Math.min(height - 1, y0 - 1 + y);
    for (let x = 0; x < gw; x++) {
      const s = (sy * width + Math.min(width - 1, x0 - 1 + x)) * 3;
      grey[y * gw + x] = 0.299 * rgb[s] + 0.587 * rgb[s + 1] + 0.114 * rgb[s + 2];
    }
  }
  let sum = 0;
  let lsum = 0;
  let lsq = 0;
  let n = 0;
  for (let y = 1; y < gh - 1; y++) {
    for (let x = 1; x < gw - 1; x++) {
      const i = y * gw + x;
      const v = grey[i];
      const lap = grey[i - 1] + grey[i + 1] + grey[i - gw] + grey[i + gw] - 4 * v;
      sum += v;
      lsum += lap;
      lsq += lap * lap;
      n++;
    }
  }
  const mean = lsum / n;
  return { sharpness: lsq / n - mean * mean, brightness: sum / n };
}

export function gate(score: number, size: number, measures: { sharpness: number; brightness: number }, pose: Pose, t: QualityThresholds): Quality {
  let reason: QualityReason | null = null;
  if (score < t.minScore) reason = 'low_confidence';
  else if (size < t.minSize) reason = 'too_small';
  else if (measures.brightness < t.minBrightness) reason = 'too_dark';
  else if (measures.brightness > t.maxBrightness) reason = 'too_bright';
  else if (measures.sharpness < t.minSharpness) reason = 'blurry';
  else if (Math.abs(pose.yaw) > t.maxYaw || Math.abs(pose.pitch) > t.maxPitch || Math.abs(pose.roll) > t.maxRoll) reason = 'pose';
  const passed = reason === null;
  const decision =
    score >= t.minScore &&
    size >= t.decisionMinSize &&
    measures.sharpness >= t.decisionMinSharpness &&
    measures.brightness >= t.minBrightness &&
    measures.brightness <= t.maxBrightness &&
    Math.abs(pose.yaw) <= t.maxYaw &&
    Math.abs(pose.pitch) <= t.maxPitch &&
    Math.abs(pose.roll) <= t.maxRoll;
  const band: QualityBand = passed && decision ? 'enrolment' : decision ? 'decision' : 'low';
  return {
    sharpness: round1(measures.sharpness),
    brightness: round1(measures.brightness),
    size: round1(size),
    yaw: pose.yaw,
    pitch: pose.pitch,
    roll: pose.roll,
    passed,
    reason,
    band,
    low_quality: band === 'low',
    embeddable: size >= t.minEmbedSize,
  };
}
