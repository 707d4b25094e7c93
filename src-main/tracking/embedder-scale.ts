// The tracker's cosine constants (appearance gates, vote margins) were tuned on one embedder's cosines
// (arcface-mbf-112). Another embedder's cosines live on another scale: dlib's impostor pairs sit near 0.84, above
// arcface's re-link gate, so with arcface's numbers every face re-links to any lost track and visits merge. Each
// constant is carried over to the running embedder by what it means: a gate by its false-accept rate on the
// reference calibration, a margin by the ratio of the two calibrations' spreads (FAR 1e-1 to 1e-5).
import { farForThreshold, thresholdForFar, type CalibrationPoint } from '../../src-engine/public.ts';
import type { TrackerOptions } from './types.ts';

/** The manifest id of the embedder DEFAULT_TRACKER_OPTIONS' cosines were tuned on. */
export const TRACKER_TUNED_ON = 'arcface-mbf-112';

type Scaled = { appearance: TrackerOptions['appearance']; voting: Pick<TrackerOptions['voting'], 'marginRef'> };

const spread = (c: readonly CalibrationPoint[]) => thresholdForFar(1e-5, c) - thresholdForFar(1e-1, c);

/** `base`'s cosine constants moved from the reference calibration to the running embedder's. */
export function scaleTrackerCosines(base: Scaled, reference: readonly CalibrationPoint[], running: readonly CalibrationPoint[]): Scaled {
  const gate = (c: number) => Math.round(thresholdForFar(farForThreshold(c, reference), running) * 1e4) / 1e4;
  const k = spread(running) / spread(reference);
  const margin = (m: number) => Math.round(m * k * 1e4) / 1e4;
  return {
    appearance: {
      rejectBelow: gate(base.appearance.rejectBelow), relinkMin: gate(base.appearance.relinkMin), relinkMargin: margin(base.appearance.relinkMargin),
      strangerFoldMin: gate(base.appearance.strangerFoldMin), strangerFoldMargin: margin(base.appearance.strangerFoldMargin),
    },
    voting: { marginRef: margin(base.voting.marginRef) },
  };
}
