// Per-camera multi-face tracker: filters faces by the camera's thresholds, associates them to tracks by IoU /
// centre distance against each track's constant-velocity prediction, and decides each track's identity by vote.
// Events: face_detected when a track is confirmed, decided (recognized / unknown) when the vote settles,
// ended when the track has not been seen for maxAgeMs. A recognized track is never relabelled; an unknown one is
// upgraded only if a name later wins clearly over all of its votes.
import { randomUUID } from 'node:crypto';
import { BoxMotion } from './box-motion.ts';
import { centerDistance, iou } from './box-geometry.ts';
import { VoteTally } from './vote-tally.ts';
import type {
  Box, CameraThresholds, DecisionResult, FaceAssignment, FaceObservation, TrackEvent, TrackerFrame, TrackerOptions, TrackerUpdate,
} from './types.ts';

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minIou: 0.2,
  maxCenterDistance: 1.0,
  minHits: 2,
  maxAgeMs: 1500,
  maxTracks: 64,
  voting: { minVotes: 3, minShare: 0.6, minWeight: 1.5, unknownMinVotes: 5, maxDecisionMs: 4000, sizeRef: 112, marginRef: 0.1 },
};

export class TrackerInputError extends Error {
  override readonly name = 'TrackerInputError';
}

interface Track {
  id: string;
  motion: BoxMotion;
  box: Box;
  score: number;
  startedAt: number;
  lastSeenAt: number;
  hits: number;
  frames: number;
  confirmed: boolean;
  tally: VoteTally;
  decision: DecisionResult | null;
  revision: number;
  best: number;
}

export interface TrackView {
  trackId: string;
  box: Box;
  score: number;
  confirmed: boolean;
  startedAt: number;
  lastSeenAt: number;
  frames: number;
  decision: 'pending' | 'recognized' | 'unknown';
  personId: string | null;
  confidence: number | null;
}

export class CameraTracker {
  readonly #tracks: Track[] = [];
  #thresholds: CameraThresholds;
  readonly #o: TrackerOptions;
  #lastAt = -Infinity;

  constructor(
    readonly cameraId: string,
    thresholds: CameraThresholds,
    options: Partial<Omit<TrackerOptions, 'voting'>> & { voting?: Partial<TrackerOptions['voting']> } = {},
    private readonly newTrackId: () => string = () => `trk_${randomUUID()}`,
  ) {
    this.#thresholds = checkThresholds(thresholds);
    this.#o = { ...DEFAULT_TRACKER_OPTIONS, ...options, voting: { ...DEFAULT_TRACKER_OPTIONS.voting, ...options.voting } };
  }

  setThresholds(t: CameraThresholds): void {
    this.#thresholds = checkThresholds(t);
  }

  get thresholds(): CameraThresholds {
    return { ...this.#thresholds };
  }

  update(frame: TrackerFrame): TrackerUpdate {
    if (!Number.isFinite(frame.at)) throw new TrackerInputError('frame.at must be a finite epoch ms');
    // Frames can arrive slightly out of order from a batch; never move a track backwards in time.
    const at = Math.max(frame.at, this.#lastAt);
    this.#lastAt = at;
    const events: TrackEvent[] = [];
    const faces: FaceAssignment[] = frame.faces.map((f) => this.#admit(f));

    // Candidate pairs (track, face) scored by overlap with the prediction, then closeness; greedy best-first.
    const eligible = faces.map((a, i) => (a.dropped ? -1 : i)).filter((i) => i >= 0);
    const predicted = this.#tracks.map((t) => t.motion.predict(at));
    const pairs: Array<{ t: number; f: number; s: number }> = [];
    this.#tracks.forEach((_, ti) => {
      for (const fi of eligible) {
        const p = predicted[ti];
        const d = frame.faces[fi].box;
        const ratio = d[2] / p[2];
        if (ratio < 0.5 || ratio > 2) continue;
        const o = iou(p, d);
        const dist = centerDistance(p, d);
        if (o < this.#o.minIou && dist > this.#o.maxCenterDistance) continue;
        pairs.push({ t: ti, f: fi, s: o + 0.5 * Math.max(0, 1 - dist / this.#o.maxCenterDistance) });
      }
    });
    pairs.sort((a, b) => b.s - a.s);
    const trackTaken = new Set<number>();
    const faceTaken = new Set<number>();
    for (const { t, f } of pairs) {
      if (trackTaken.has(t) || faceTaken.has(f)) continue;
      trackTaken.add(t);
      faceTaken.add(f);
      this.#observe(this.#tracks[t], frame, f, faces[f], at, events);
    }
    for (const fi of eligible) {
      if (faceTaken.has(fi)) continue;
      if (this.#tracks.length >= this.#o.maxTracks) {
        faces[fi] = { ...faces[fi], dropped: { stage: 'tracking', reason: `camera already has ${this.#o.maxTracks} tracks` } };
        continue;
      }
      const f = frame.faces[fi];
      const track: Track = {
        id: this.newTrackId(), motion: new BoxMotion(f.box, at), box: f.box, score: f.score, startedAt: at, lastSeenAt: at,
        hits: 0, frames: 0, confirmed: false, tally: new VoteTally(this.#o.voting), decision: null, revision: 0, best: -1,
      };
      this.#tracks.push(track);
      this.#observe(track, frame, fi, faces[fi], at, events);
    }
    for (let i = 0; i < this.#tracks.length; i++) {
      if (!trackTaken.has(i)) this.#checkDeadline(this.#tracks[i], at, events);
    }
    this.#expire(at, events);
    return { faces, events };
  }

  /** Ends tracks not seen for maxAgeMs and settles overdue decisions; call on a timer when frames stop. */
  flush(now: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const t of this.#tracks) this.#checkDeadline(t, now, events);
    this.#expire(now, events);
    return events;
  }

  /** Ends every track now (camera stopped). */
  endAll(now: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const t of this.#tracks.splice(0)) this.#end(t, now, events);
    return events;
  }

  tracks(): TrackView[] {
    return this.#tracks.map((t) => ({
      trackId: t.id, box: t.box, score: t.score, confirmed: t.confirmed, startedAt: t.startedAt, lastSeenAt: t.lastSeenAt, frames: t.frames,
      decision: t.decision?.decision ?? 'pending', personId: t.decision?.personId ?? null, confidence: t.decision?.confidence ?? null,
    }));
  }

  #admit(f: FaceObservation): FaceAssignment {
    const base: FaceAssignment = { trackId: null, isBest: false, decision: 'pending', personId: null };
    const [, , w, h] = f.box;
    if (!f.box.every(Number.isFinite) || w <= 0 || h <= 0) return { ...base, dropped: { stage: 'detection', reason: `invalid box ${JSON.stringify(f.box)}` } };
    const size = Math.min(w, h);
    if (size < this.#thresholds.minFacePx) return { ...base, dropped: { stage: 'size', reason: `face ${Math.round(size)} px < min_face_px ${this.#thresholds.minFacePx}` } };
    if (!(f.score >= this.#thresholds.minDetectionConfidence)) {
      return { ...base, dropped: { stage: 'detection', reason: `score ${f.score.toFixed(2)} < min_detection_confidence ${this.#thresholds.minDetectionConfidence}` } };
    }
    return base;
  }

  #observe(t: Track, frame: TrackerFrame, fi: number, out: FaceAssignment, at: number, events: TrackEvent[]): void {
    const f = frame.faces[fi];
    if (t.frames > 0) t.motion.update(f.box, at);
    t.box = f.box;
    t.score = f.score;
    t.lastSeenAt = at;
    t.hits++;
    t.frames++;
    out.trackId = t.id;
    const size = Math.min(f.box[2], f.box[3]);
    const quality = f.quality?.score ?? f.score;
    const passed = f.quality?.passed !== false;
    // Best view: big, sharp, confident, and through the quality gate.
    const bestScore = Math.min(1, size / this.#o.voting.sizeRef) * quality * f.score * (passed ? 1 : 0.2);
    if (bestScore > t.best) {
      t.best = bestScore;
      out.isBest = true;
    }
    if (!t.confirmed && t.hits >= this.#o.minHits) {
      t.confirmed = true;
      events.push({ type: 'face_detected', trackId: t.id, cameraId: this.cameraId, at, frameId: frame.frameId, box: f.box, score: f.score });
    }
    if (!passed) out.noVote = `quality: ${f.quality?.reason ?? 'failed'}`;
    else if (f.candidates === undefined) out.noVote = 'no embedding';
    else t.tally.add({ candidates: f.candidates, faceSize: size, quality, threshold: this.#thresholds.recognitionThreshold });
    if (t.confirmed) this.#settle(t, at, events);
    out.decision = t.decision?.decision ?? 'pending';
    out.personId = t.decision?.personId ?? null;
  }

  #settle(t: Track, at: number, events: TrackEvent[]): void {
    if (t.decision?.decision === 'recognized') return; // never relabel a named track
    const winner = t.tally.clearWinner();
    if (winner) return this.#decide(t, winner, at, events);
    if (t.decision === null) {
      const unknown = t.tally.clearUnknown();
      if (unknown) this.#decide(t, unknown, at, events);
      else this.#checkDeadline(t, at, events);
    }
  }

  #checkDeadline(t: Track, at: number, events: TrackEvent[]): void {
    if (t.confirmed && t.decision === null && t.tally.count > 0 && at - t.startedAt >= this.#o.voting.maxDecisionMs) {
      this.#decide(t, t.tally.final(), at, events);
    }
  }

  #decide(t: Track, d: DecisionResult, at: number, events: TrackEvent[]): void {
    t.decision = d;
    t.revision++;
    events.push({ type: 'decided', trackId: t.id, cameraId: this.cameraId, at, revision: t.revision, frames: t.frames, ...d });
  }

  #expire(now: number, events: TrackEvent[]): void {
    for (let i = this.#tracks.length - 1; i >= 0; i--) {
      const t = this.#tracks[i];
      if (now - t.lastSeenAt > this.#o.maxAgeMs) {
        this.#tracks.splice(i, 1);
        this.#end(t, now, events);
      }
    }
  }

  #end(t: Track, now: number, events: TrackEvent[]): void {
    if (!t.confirmed) return; // a detection seen fewer than minHits times: noise, never announced
    if (t.decision === null || (t.decision.decision === 'unknown' && t.tally.clearWinner())) this.#decide(t, t.tally.final(), now, events);
    events.push({ type: 'ended', trackId: t.id, cameraId: this.cameraId, at: now, lastSeenAt: t.lastSeenAt, startedAt: t.startedAt, frames: t.frames, decision: t.decision!, votes: t.tally.summary() });
  }
}

function checkThresholds(t: CameraThresholds): CameraThresholds {
  const bad = (k: string, why: string) => new TrackerInputError(`threshold ${k} ${why}`);
  if (!(t.minFacePx >= 0)) throw bad('minFacePx', 'must be >= 0');
  if (!(t.minDetectionConfidence >= 0 && t.minDetectionConfidence <= 1)) throw bad('minDetectionConfidence', 'must be in [0, 1]');
  if (!(t.recognitionThreshold >= -1 && t.recognitionThreshold <= 1)) throw bad('recognitionThreshold', 'must be in [-1, 1]');
  return { ...t };
}
