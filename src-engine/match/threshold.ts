// Thresholds expressed as a false-accept rate. A cosine threshold means nothing to an operator and
// differs per embedder; "accept a stranger at most once in 1,000 comparisons" does not. Each embedder's
// manifest entry carries a calibration (FAR -> cosine threshold, measured on impostor pairs); these
// helpers interpolate it, and can re-calibrate from any set of impostor scores.
import { EngineError } from '../errors.ts';

export interface CalibrationPoint {
  far: number;
  threshold: number;
}

/** Cosine threshold for a per-comparison false-accept rate: log-linear interpolation, clamped at the ends. */
export function thresholdForFar(far: number, calibration: readonly CalibrationPoint[]): number {
  if (!(far > 0 && far < 1)) throw new EngineError('INVALID_ARGUMENT', `false-accept rate must be in (0, 1), got ${far}`);
  if (calibration.length === 0) throw new EngineError('INVALID_ARGUMENT', 'empty calibration');
  const pts = [...calibration].sort((a, b) => b.far - a.far); // loosest first
  if (far >= pts[0].far) return pts[0].threshold;
  const last = pts[pts.length - 1];
  if (far <= last.far) return last.threshold;
  const x = Math.log10(far);
  for (let i = 1; i < pts.length; i++) {
    const hi = pts[i - 1];
    const lo = pts[i];
    if (far <= hi.far && far >= lo.far) {
      const t = (x - Math.log10(hi.far)) / (Math.log10(lo.far) - Math.log10(hi.far));
      return hi.threshold + t * (lo.threshold - hi.threshold);
    }
  }
  return last.threshold;
}

/** The false-accept rate a cosine threshold corresponds to (inverse of thresholdForFar). */
export function farForThreshold(threshold: number, calibration: readonly CalibrationPoint[]): number {
  const pts = [...calibration].sort((a, b) => a.threshold - b.threshold);
  if (threshold <= pts[0].threshold) return pts[0].far;
  const last = pts[pts.length - 1];
  if (threshold >= last.threshold) return last.far;
  for (let i = 1; i < pts.length; i++) {
    const lo = pts[i - 1];
    const hi = pts[i];
    if (threshold >= lo.threshold && threshold <= hi.threshold) {
      const t = (threshold - lo.threshold) / (hi.threshold - lo.threshold);
      return 10 ** (Math.log10(lo.far) + t * (Math.log10(hi.far) - Math.log10(lo.far)));
    }
  }
  return last.far;
}

/**
 * Open-set search: a probe is compared with every enrolled person, so the chance that an unknown face
 * matches someone is about persons x the per-comparison rate. The per-comparison target is divided
 * accordingly.
 */
export function searchThreshold(openSetFar: number, persons: number, calibration: readonly CalibrationPoint[]): number {
  return thresholdForFar(openSetFar / Math.max(1, persons), calibration);
}

/**
 * Calibration from impostor (different-person) similarity scores: empirical quantiles where at least
 * `minTail` scores lie beyond the threshold; below that, a normal tail anchored at the deepest empirical
 * quantile (its spread is widened to pass through that point, as impostor tails are heavier than normal).
 */
export function calibrateFromImpostors(scores: ArrayLike<number>, fars: readonly number[] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6], minTail = 5): CalibrationPoint[] {
  const s = Float64Array.from(scores).sort().reverse();
  const n = s.length;
  if (n < 20) throw new EngineError('INVALID_ARGUMENT', `need at least 20 impostor scores to calibrate, got ${n}`);
  let mean = 0;
  for (const v of s) mean += v / n;
  let variance = 0;
  for (const v of s) variance += (v - mean) ** 2 / (n - 1);
  let sd = Math.sqrt(variance);
  const anchorFar = minTail / n;
  if (anchorFar < 0.5) {
    const anchor = s[minTail - 1];
    sd = Math.max(sd, (anchor - mean) / normalQuantile(1 - anchorFar));
  }
  const out: CalibrationPoint[] = [];
  for (const far of fars) {
    const tail = far * n;
    const threshold = tail >= minTail ? s[Math.ceil(tail) - 1] : mean + sd * normalQuantile(1 - far);
    out.push({ far, threshold: Math.round(threshold * 1000) / 1000 });
  }
  // Keep the curve monotone where the empirical and fitted parts meet.
  const byFar = [...out].sort((a, b) => b.far - a.far);
  for (let i = 1; i < byFar.length; i++) byFar[i].threshold = Math.max(byFar[i].threshold, byFar[i - 1].threshold);
  return out;
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
