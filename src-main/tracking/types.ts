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
}

export interface TrackerFrame {
  frameId: string;
  /** Capture time, epoch ms. */
  at: number;
  faces: readonly FaceObservation[];
}

export interface CameraThresholds {
  /** Faces smaller than this (shorter side, px) are dropped before tracking. */
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
  /** Votes an "unknown" majority needs to settle early (before the track ends or the decision deadline). */
  unknownMinVotes: number;
  /** After this long without a clear winner the track is decided "unknown" (upgradeable if a name later wins clearly). */
  maxDecisionMs: number;
  /** Face size (shorter side, px) that earns full size weight. */
  sizeRef: number;
  /** Match margin (top1 − top2 similarity) that earns full margin weight. */
  marginRef: number;
}

export interface TrackerOptions {
  /** IoU with the predicted box that associates a detection to a track. */
  minIou: number;
  /** Or: centre distance within this many face widths (fast movers at low fps have no IoU). */
  maxCenterDistance: number;
  /** Detections in a row before a track is confirmed and face_detected is emitted (1 = at once). */
  minHits: number;
  /** A track not seen for this long ends. */
  maxAgeMs: number;
  maxTracks: number;
  voting: VotingOptions;
}

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

export type TrackEvent =
  | { type: 'face_detected'; trackId: string; cameraId: string; at: number; frameId: string; box: Box; score: number }
  | ({ type: 'decided'; trackId: string; cameraId: string; at: number; revision: number; frames: number } & DecisionResult)
  | { type: 'ended'; trackId: string; cameraId: string; at: number; lastSeenAt: number; startedAt: number; frames: number; decision: DecisionResult; votes: VoteSummary[] };

export type DropStage = 'size' | 'detection' | 'tracking';

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
