// Inputs and outputs of the per-camera face tracker. Boxes are [x, y, w, h] in frame pixels (engine convention).
export type Box = [x: number, y: number, w: number, h: number];

/** Best gallery match for one person (engine Gallery output), similarities sorted high to low. */
export interface Candidate {
  personId: string;
  similarity: number;
}

export interface FaceObservation {
  box: Box;
  /** Detector confidence 0..1. */
  score: number;
  /** Engine quality gate; a face that failed it is tracked but does not vote. `score` (0..1) weights votes when given. */
  quality?: { passed: boolean; reason?: string | null; score?: number };
  /**
   * Gallery matches by person, best first. `undefined`: no embedding for this face (no vote);
   * `[]`: embedded but nobody is enrolled (votes unknown).
   */
  candidates?: readonly Candidate[];
  /** Unit-length face embedding (engine output; only for faces that passed the quality gate). Drives association. */
  embedding?: Float32Array;
}

export interface TrackerFrame {
  frameId: string;
  /** Capture time, epoch ms. */
  at: number;
  faces: readonly FaceObservation[];
}

export interface CameraThresholds {
  /** Faces smaller than this (px, longer side: core/defaults.ts faceSizePx) are dropped before tracking. */
  minFacePx: number;
  minDetectionConfidence: number;
  /** Cosine similarity a match needs to count as a vote for that person. */
  recognitionThreshold: number;
}

export interface VotingOptions {
  /** Votes the winner needs before a name is given. */
  minVotes: number;
  /** Winner's share of the total vote weight (unknown votes included). */
  minShare: number;
  /**
   * Absolute evidence the winner needs (sum of its vote weights; one big, sharp, clear-margin frame weighs ~0.8).
   * Stops a few ambiguous low-margin frames from naming anyone just because they agree.
   */
  minWeight: number;
  /** Below-threshold votes whose best match is the leading person stop counting against them when that person's
   *  clear votes are at least this part of all their top-1 views (0.34 = one in three). */
  minNamedPart: number;
  /** Usable votes (quality passed, embedded) an "unknown" needs to settle before the sighting ends. */
  unknownMinVotes: number;
  /** ...spread over at least this long (ms): a stranger is called unknown on evidence from more than one moment. */
  unknownMinSpanMs: number;
  /** ...and at most this share of the vote weight may name anyone (0.15 = all but stray frames below threshold). */
  unknownMaxNamedShare: number;
  /** After this long (ms) in view without a clear winner, and with unknownMinVotes votes, the track is decided
   *  "unknown" (upgradeable if a name later wins clearly). */
  maxDecisionMs: number;
  /** Face size (shorter side, px) that earns full size weight. */
  sizeRef: number;
  /** Match margin (top1 − top2 similarity) that earns full margin weight. */
  marginRef: number;
}

export interface AppearanceOptions {
  /** Cosine below which a detection is never the same person as a track, however close it is. */
  rejectBelow: number;
  /** Cosine at or above which a lost track is re-linked by appearance alone (no motion gate). */
  relinkMin: number;
  /** A relink must beat the second-best lost track by this cosine margin. */
  relinkMargin: number;
  /** Cosine between two stranger visits' templates (the clusters' "same stranger" gate) at which a track about to be
   *  decided unknown is the earlier, out-of-sight unknown visit on this camera within the visit gap: one visit. */
  strangerFoldMin: number;
  /** The fold must beat the second-best earlier stranger visit by this cosine margin. */
  strangerFoldMargin: number;
}

export interface TrackerOptions {
  /** IoU with the predicted box that associates a detection to a track. */
  minIou: number;
  /** IoU with the prediction at which a face is kept on its track even if its embedding looks unlike the track
   *  (one off embedding), when no other track is near it and the track was seen in the last gapMs. */
  motionOverrideIou: number;
  /** Centre distance gate around the prediction, in face widths, for a track with a velocity estimate. */
  maxCenterDistance: number;
  /** Widening of the gate per second since the track was last seen (face widths/s): acceleration, and a young
   *  track's unknown velocity (fast walkers cross 5-7 face widths per second). */
  gateGrowthPerSec: number;
  /** The gate never exceeds this many face widths around the prediction. */
  maxGate: number;
  /** Unseen for longer than this (ms) = a gap: a re-appearing face must then match the track's appearance. */
  gapMs: number;
  /** Detections before a track is confirmed and face_detected is emitted (1 = at once). */
  minHits: number;
  /** A track not seen for this long (ms) is "lost": its sighting is over and an undecided one is decided. */
  maxAgeMs: number;
  /** A lost track is re-linked by appearance for this long (ms); after it the visit ends. One visit = one event. */
  visitGapMs: number;
  /** Live + lost tracks kept per camera (the oldest lost one ends first). */
  maxTracks: number;
  /** A track decided unknown whose look is established (this many embedded faces) gets another embedded face at
   *  most once per `unknownEvidenceMs` (ms) rather than on every analysed frame: it can still be named later (a
   *  name that wins clearly upgrades it) at that rate, while the engine's time goes to undecided faces. */
  unknownSettledLooks: number;
  unknownEvidenceMs: number;
  appearance: AppearanceOptions;
  voting: VotingOptions;
}

export type TrackerOptionsInput = Partial<Omit<TrackerOptions, 'voting' | 'appearance'>> & {
  voting?: Partial<VotingOptions>;
  appearance?: Partial<AppearanceOptions>;
};

export type PolicyFlag = 'watchlist' | 'no_consent';

/** A decision after the site's consent and watchlist policy: what is recorded, shown and alerted. */
export interface PolicyOutcome {
  decision: 'recognized' | 'unknown';
  personId: string | null;
  confidence: number | null;
  flags: PolicyFlag[];
  /** The alert this decision raises, if any. */
  alert: 'unknown_person' | 'watchlist' | null;
  /** An unknown face that may be grouped with other unknown visits (not a known person hidden by consent). */
  cluster: boolean;
}

/** Applies consent / watchlist rules to a tracker decision (pure; see decision-policy.ts). */
export type DecisionPolicy = (d: DecisionResult, at: number) => PolicyOutcome;

export interface VoteSummary {
  /** null = unknown. */
  personId: string | null;
  count: number;
  weight: number;
  meanSimilarity: number | null;
  meanMargin: number | null;
}

export interface DecisionResult {
  decision: 'recognized' | 'unknown';
  personId: string | null;
  /** Winner's weighted mean similarity (unknown: the best similarity seen, or null with no candidates). */
  confidence: number | null;
  margin: number | null;
  share: number;
  votes: VoteSummary[];
  reason: 'clear_winner' | 'unknown_majority' | 'no_clear_winner' | 'no_usable_faces';
}

/**
 * A track is one visit: face_detected once confirmed, decided (recognized / unknown; an unknown one may later be
 * decided recognized, same track), lost when out of sight (may come back: same track), ended after the visit
 * gap. discarded: a tentative track that never got confirmed, or was folded into a lost one (never announced).
 * merged: an announced track that turned out to be a person whose visit on this camera is still open.
 */
export type TrackEvent =
  | { type: 'face_detected'; trackId: string; cameraId: string; at: number; frameId: string; box: Box; score: number }
  | ({ type: 'decided'; trackId: string; cameraId: string; at: number; revision: number; frames: number; outcome: PolicyOutcome; template: Float32Array | null } & DecisionResult)
  | { type: 'lost'; trackId: string; cameraId: string; at: number; lastSeenAt: number; frames: number }
  | { type: 'ended'; trackId: string; cameraId: string; at: number; lastSeenAt: number; startedAt: number; frames: number; sightings: number; decision: DecisionResult; outcome: PolicyOutcome; votes: VoteSummary[]; template: Float32Array | null }
  | { type: 'discarded'; trackId: string; cameraId: string; at: number; into: string | null }
  /** An announced track recognised as the person of an earlier visit still within the visit gap on this camera:
   *  it is that visit (one event row); the track's row goes, its sightings and best view join `into`. */
  | { type: 'merged'; trackId: string; cameraId: string; at: number; into: string };

export type DropStage = 'size' | 'detection' | 'tracking';
export type TrackState = 'tentative' | 'active' | 'lost';

export interface FaceAssignment {
  trackId: string | null;
  /** Why the face was not tracked. */
  dropped?: { stage: DropStage; reason: string };
  /** Why a tracked face did not vote (failed quality, no embedding). */
  noVote?: string;
  /** This face is now the best view of its track: the host should keep its snapshot. */
  isBest: boolean;
  decision: 'pending' | 'recognized' | 'unknown';
  personId: string | null;
}

export interface TrackerUpdate {
  /** One entry per input face, in input order. */
  faces: FaceAssignment[];
  events: TrackEvent[];
}
