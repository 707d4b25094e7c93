// Per-camera multi-face tracker; one track is one visit of one person.
// Association (after SORT / DeepSORT / ByteTrack, written for 2-5 analysed frames per second):
//   1. live tracks × detections: gated by a constant-velocity prediction (gate in face widths, growing with the
//      time since the track was seen), by size, and by appearance (cosine of the engine's embeddings to the
//      track's running template: a clearly different face is never the same track); greedy by a cost of
//      distance, overlap and appearance, so two people crossing keep their identities;
//   2. detections left over × lost tracks (out of sight up to visitGapMs): re-linked by appearance alone;
//   3. what is left starts a tentative track; a tentative track whose first embedding matches a lost track is
//      folded into it before it is ever announced.
// Decisions: "recognized" as soon as a name wins clearly; "unknown" only on enough usable evidence (several
// quality faces over a second, nearly all below threshold) or when the sighting ends; an unknown visit is
// upgraded to recognized (same track, same event) if a name later wins clearly; a recognized one is never
// relabelled. The site's consent/watchlist policy is applied here, once per decision, so this class is the one
// owner of decision state.
import { randomUUID } from 'node:crypto';
import { BoxMotion } from './box-motion.ts';
import { centerDistance, iou } from './box-geometry.ts';
import { VoteTally } from './vote-tally.ts';
import { Appearance } from './appearance.ts';
import { openPolicy } from './decision-policy.ts';
import { CLUSTER_DEFAULTS } from './unknown-clusters.ts';
import { faceSizePx } from '../core/defaults.ts';
import type {
  Box, CameraThresholds, DecisionPolicy, DecisionResult, FaceAssignment, FaceObservation, PolicyOutcome, TrackEvent, TrackerFrame,
  TrackerOptions, TrackerOptionsInput, TrackerUpdate, TrackState,
} from './types.ts';

/** Every tracker default, with its unit and meaning in types.ts. */
export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minIou: 0.2,
  motionOverrideIou: 0.5,
  maxCenterDistance: 1.0,
  gateGrowthPerSec: 6,
  maxGate: 5,
  gapMs: 700,
  minHits: 2,
  maxAgeMs: 2000,
  visitGapMs: 30_000,
  maxTracks: 64,
  unknownSettledLooks: 5,
  unknownEvidenceMs: 1000,
  // A stranger's broken track folds back at the gate that puts two visits in one unknown cluster.
  appearance: { rejectBelow: 0.2, relinkMin: 0.55, relinkMargin: 0.05, strangerFoldMin: CLUSTER_DEFAULTS.joinMin, strangerFoldMargin: CLUSTER_DEFAULTS.joinMargin },
  voting: {
    minVotes: 3, minShare: 0.6, minWeight: 1.5, minNamedPart: 0.34, unknownMinVotes: 4, unknownMinSpanMs: 1000, unknownMaxNamedShare: 0.15,
    maxDecisionMs: 6000, sizeRef: 112, marginRef: 0.1,
  },
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
  /** Start of the current sighting (a visit may have several). */
  sightingAt: number;
  lastSeenAt: number;
  hits: number;
  frames: number;
  sightings: number;
  confirmed: boolean;
  lost: boolean;
  tally: VoteTally;
  appearance: Appearance;
  firstVoteAt: number | null;
  lastVoteAt: number | null;
  decision: DecisionResult | null;
  outcome: PolicyOutcome | null;
  revision: number;
  best: number;
  /** The last face was kept on this track by motion although its embedding looked unlike the track. */
  offLook: boolean;
  /** Frame time of the last embedded face that passed the quality gate (null: none yet). */
  lastEmbedAt: number | null;
  /** The last vote's best candidate reached the recognition threshold (a name may be starting to win). */
  lastVoteNamed: boolean;
}

export interface TrackView {
  trackId: string;
  box: Box;
  score: number;
  state: TrackState;
  confirmed: boolean;
  startedAt: number;
  lastSeenAt: number;
  frames: number;
  decision: 'pending' | 'recognized' | 'unknown';
  personId: string | null;
  confidence: number | null;
  flags: PolicyOutcome['flags'];
  /** The track would gain from another embedded face: undecided, unknown (may still be named) or a thin template.
   *  A recognised track with a few embeddings does not (the scheduler may skip embedding it); an unknown one with an
   *  established look only once per unknownEvidenceMs. */
  needsEvidence: boolean;
}

export class CameraTracker {
  readonly #tracks: Track[] = [];
  #thresholds: CameraThresholds;
  #o: TrackerOptions;
  readonly #policy: DecisionPolicy;
  #lastAt = -Infinity;

  constructor(
    readonly cameraId: string,
    thresholds: CameraThresholds,
    options: TrackerOptionsInput = {},
    private readonly newTrackId: () => string = () => `trk_${randomUUID()}`,
    policy: DecisionPolicy = openPolicy,
  ) {
    this.#thresholds = checkThresholds(thresholds);
    this.#o = {
      ...DEFAULT_TRACKER_OPTIONS, ...options,
      voting: { ...DEFAULT_TRACKER_OPTIONS.voting, ...options.voting },
      appearance: { ...DEFAULT_TRACKER_OPTIONS.appearance, ...options.appearance },
    };
    this.#policy = policy;
  }

  setThresholds(t: CameraThresholds): void {
    this.#thresholds = checkThresholds(t);
  }

  /** The site's visit gap changed (Settings): lost visits are kept for the new gap from now on. */
  setVisitGap(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TrackerInputError(`visitGapMs must be a finite number >= 0, got ${ms}`);
    this.#o = { ...this.#o, visitGapMs: ms };
  }

  get thresholds(): CameraThresholds {
    return { ...this.#thresholds };
  }

  get options(): TrackerOptions {
    return this.#o;
  }

  update(frame: TrackerFrame): TrackerUpdate {
    if (!Number.isFinite(frame.at)) throw new TrackerInputError('frame.at must be a finite epoch ms');
    // Frames can arrive slightly out of order from a batch; never move a track backwards in time.
    const at = Math.max(frame.at, this.#lastAt);
    this.#lastAt = at;
    const events: TrackEvent[] = [];
    // Sightings that ended before this frame are closed first, so stage 2 can re-link them.
    this.#expire(at, events);
    const faces: FaceAssignment[] = frame.faces.map((f) => this.#admit(f));
    const eligible = faces.map((a, i) => (a.dropped ? -1 : i)).filter((i) => i >= 0);
    const trackTaken = new Set<Track>();
    const faceTaken = new Set<number>();
    const take = (t: Track, fi: number) => {
      trackTaken.add(t);
      faceTaken.add(fi);
      trackTaken.add(this.#observe(t, frame, fi, faces[fi], at, events));
    };

    // 1. Live tracks by motion + appearance, cheapest pair first.
    const pairs: Array<{ t: Track; f: number; cost: number; offLook: boolean }> = [];
    const predicted = new Map<Track, Box>();
    for (const t of this.#tracks) if (!t.lost) predicted.set(t, t.motion.predict(at));
    for (const t of this.#tracks) {
      if (t.lost) continue;
      const p = predicted.get(t)!;
      const dtSec = Math.max(0, at - t.lastSeenAt) / 1000;
      // A track seen once has no velocity yet: its gate grows with the fastest walker; one with a velocity only
      // by what acceleration could add. Capped: after a gap, someone far away is someone else.
      const growth = t.frames < 2 ? this.#o.gateGrowthPerSec : this.#o.gateGrowthPerSec / 4;
      const gate = Math.min(this.#o.maxGate, this.#o.maxCenterDistance + growth * dtSec);
      const gap = at - t.lastSeenAt > this.#o.gapMs;
      for (const fi of eligible) {
        const f = frame.faces[fi];
        const ratio = f.box[2] / p[2];
        if (ratio < 0.55 || ratio > 1.8) continue;
        const app = f.embedding ? t.appearance.similarity(f.embedding) : null;
        const o = iou(p, f.box);
        // One off embedding (blur, a compression artefact) must not split a visit: a face sitting on the track's
        // prediction, with no other track near it, is the track whatever that one embedding says.
        // Only for a track whose look is established and only for one frame in a row: a different person stepping
        // into the same spot is refused from the second frame on (and by a young track at once).
        const onPrediction = !gap && t.appearance.count >= 3 && !t.offLook && o >= this.#o.motionOverrideIou && !this.#crowded(t, f.box, predicted);
        const offLook = app !== null && app < this.#o.appearance.rejectBelow;
        if (offLook && !onPrediction) continue;
        // After a gap in sightings motion alone proves little: a face with an embedding must also look the part.
        if (gap && app !== null && app < this.#o.appearance.relinkMin) continue;
        if (this.#namesSomeoneElse(t, f)) continue;
        const dist = centerDistance(p, f.box);
        // A face that clearly looks like the track may have moved further than the prediction allows.
        const g = app !== null && app >= this.#o.appearance.relinkMin ? gate * 1.5 : gate;
        if (o < this.#o.minIou && dist > g) continue;
        const cost = 0.35 * Math.min(1, dist / g) + 0.15 * (1 - o) + 0.5 * (app === null ? 0.5 : 1 - Math.max(0, app));
        pairs.push({ t, f: fi, cost, offLook });
      }
    }
    pairs.sort((a, b) => a.cost - b.cost);
    for (const { t, f, offLook } of pairs) {
      if (trackTaken.has(t) || faceTaken.has(f)) continue;
      t.offLook = offLook;
      take(t, f);
    }

    // 2. Left-over faces with an embedding × lost (and unmatched live) tracks, by appearance alone.
    const relinkable = () => this.#tracks.filter((t) => !trackTaken.has(t) && t.confirmed && t.appearance.count > 0);
    for (const fi of eligible) {
      if (faceTaken.has(fi) || !frame.faces[fi].embedding) continue;
      const t = this.#bestRelink(frame.faces[fi].embedding!, relinkable(), frame.faces[fi]);
      if (t) {
        this.#resume(t, frame.faces[fi].box, at);
        take(t, fi);
      }
    }

    // 3. New tentative tracks.
    for (const fi of eligible) {
      if (faceTaken.has(fi)) continue;
      if (this.#tracks.length >= this.#o.maxTracks && !this.#evictOldestLost(at, events)) {
        faces[fi] = { ...faces[fi], dropped: { stage: 'tracking', reason: `camera already has ${this.#o.maxTracks} tracks` } };
        continue;
      }
      const f = frame.faces[fi];
      const track: Track = {
        id: this.newTrackId(), motion: new BoxMotion(f.box, at), box: f.box, score: f.score, startedAt: at, sightingAt: at, lastSeenAt: at,
        hits: 0, frames: 0, sightings: 1, confirmed: false, lost: false, tally: new VoteTally(this.#o.voting), appearance: new Appearance(),
        firstVoteAt: null, lastVoteAt: null, decision: null, outcome: null, revision: 0, best: -1, offLook: false, lastEmbedAt: null, lastVoteNamed: false,
      };
      this.#tracks.push(track);
      take(track, fi);
    }

    for (const t of this.#tracks) if (!trackTaken.has(t) && !t.lost) this.#checkDeadline(t, at, events);
    return { faces, events };
  }

  /** Closes sightings, ends visits and settles overdue decisions; call on a timer when frames stop. */
  flush(now: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const t of this.#tracks) if (!t.lost) this.#checkDeadline(t, now, events);
    this.#expire(now, events);
    return events;
  }

  /** Ends every track now (camera stopped). */
  endAll(now: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const t of this.#tracks.splice(0)) {
      if (!t.lost) this.#lose(t, now, events);
      this.#end(t, now, events);
    }
    return events;
  }

  /** Tracks in view (tentative and active); with `includeLost`, also visits out of sight that may come back. */
  tracks(o: { includeLost?: boolean } = {}): TrackView[] {
    return this.#tracks.filter((t) => o.includeLost || !t.lost).map((t) => this.#view(t));
  }

  /** Whether another embedded face of this track is worth computing (see TrackView.needsEvidence). */
  needsEvidence(trackId: string): boolean {
    const t = this.#tracks.find((x) => x.id === trackId);
    return t ? this.#needsEvidence(t) : true;
  }

  #view(t: Track): TrackView {
    const o = t.outcome;
    return {
      trackId: t.id, box: t.box, score: t.score, state: t.lost ? 'lost' : t.confirmed ? 'active' : 'tentative', confirmed: t.confirmed,
      startedAt: t.startedAt, lastSeenAt: t.lastSeenAt, frames: t.frames,
      decision: o?.decision ?? 'pending', personId: o?.personId ?? null, confidence: o?.confidence ?? null, flags: o?.flags ?? [],
      needsEvidence: this.#needsEvidence(t),
    };
  }

  #admit(f: FaceObservation): FaceAssignment {
    const base: FaceAssignment = { trackId: null, isBest: false, decision: 'pending', personId: null };
    const [, , w, h] = f.box;
    if (!f.box.every(Number.isFinite) || w <= 0 || h <= 0) return { ...base, dropped: { stage: 'detection', reason: `invalid box ${JSON.stringify(f.box)}` } };
    const size = faceSizePx(f.box);
    if (size < this.#thresholds.minFacePx) return { ...base, dropped: { stage: 'size', reason: `face ${Math.round(size)} px < min_face_px ${this.#thresholds.minFacePx}` } };
    if (!(f.score >= this.#thresholds.minDetectionConfidence)) {
      return { ...base, dropped: { stage: 'detection', reason: `score ${f.score.toFixed(2)} < min_detection_confidence ${this.#thresholds.minDetectionConfidence}` } };
    }
    return base;
  }

  /**
   * The face clearly matches an enrolled person other than the one this track was recognised as: never the same
   * track, however close or alike (lookalikes are what the gallery tells apart better than a track template).
   */
  #namesSomeoneElse(t: Track, f: FaceObservation): boolean {
    if (t.outcome?.decision !== 'recognized' || !f.candidates?.length) return false;
    const top = f.candidates[0];
    if (top.personId === t.outcome.personId || top.similarity < this.#thresholds.recognitionThreshold) return false;
    const mine = f.candidates.find((c) => c.personId === t.outcome!.personId)?.similarity ?? -1;
    return top.similarity - mine >= this.#o.voting.marginRef;
  }

  /** Another live track's prediction touches `box` (people close together: appearance must decide). */
  #crowded(t: Track, box: Box, predicted: ReadonlyMap<Track, Box>): boolean {
    for (const [other, p] of predicted) if (other !== t && iou(p, box) > 0.05) return true;
    return false;
  }

  /** The lost/unmatched track `e` clearly looks like, or null. */
  #bestRelink(e: Float32Array, candidates: Track[], face?: FaceObservation): Track | null {
    const a = this.#o.appearance;
    return clearlyMostAlike(e, candidates, a.relinkMin, a.relinkMargin, face && ((t) => !this.#namesSomeoneElse(t, face)));
  }

  /** A lost visit seen again: new sighting, motion restarted where it reappeared. */
  #resume(t: Track, box: Box, at: number): void {
    if (t.lost) {
      t.lost = false;
      t.sightings++;
      t.sightingAt = at;
    }
    t.motion = new BoxMotion(box, at);
  }

  /** Folds tentative track `t` (never announced) into lost visit `into`: the same person coming back. */
  #fold(t: Track, into: Track, at: number, events: TrackEvent[]): void {
    this.#tracks.splice(this.#tracks.indexOf(t), 1);
    this.#resume(into, t.box, at);
    into.motion = t.motion;
    into.box = t.box;
    into.score = t.score;
    into.lastSeenAt = t.lastSeenAt;
    into.frames += t.frames;
    into.hits += t.hits;
    into.appearance.absorb(t.appearance);
    into.tally.absorb(t.tally);
    if (t.firstVoteAt !== null) {
      into.firstVoteAt = Math.min(into.firstVoteAt ?? t.firstVoteAt, t.firstVoteAt);
      into.lastVoteAt = Math.max(into.lastVoteAt ?? t.lastVoteAt!, t.lastVoteAt!);
    }
    events.push({ type: 'discarded', trackId: t.id, cameraId: this.cameraId, at, into: into.id });
  }

  /** Applies face `fi` to track `t`; returns the track it ended up on (a tentative one may fold into a lost visit). */
  #observe(t: Track, frame: TrackerFrame, fi: number, out: FaceAssignment, at: number, events: TrackEvent[]): Track {
    const f = frame.faces[fi];
    if (t.frames > 0 && at > t.lastSeenAt) t.motion.update(f.box, at);
    t.box = f.box;
    t.score = f.score;
    t.lastSeenAt = at;
    t.hits++;
    t.frames++;
    const size = faceSizePx(f.box);
    const quality = f.quality?.score ?? f.score;
    const passed = f.quality?.passed !== false;
    // Best view: big, sharp, confident, and through the quality gate.
    const bestScore = Math.min(1, size / this.#o.voting.sizeRef) * quality * f.score * (passed ? 1 : 0.2);
    if (passed && f.embedding) {
      t.appearance.add(f.embedding, quality * Math.min(1, size / this.#o.voting.sizeRef));
      t.lastEmbedAt = at;
      // A tentative track's first good look: is it a lost visit coming back? Then it is that visit.
      if (!t.confirmed) {
        const into = this.#bestRelink(t.appearance.template()!, this.#tracks.filter((x) => x.lost && x.confirmed && x.appearance.count > 0), f);
        if (into) {
          this.#fold(t, into, at, events);
          t = into;
        }
      }
    }
    out.trackId = t.id;
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
    else {
      t.tally.add({ candidates: f.candidates, faceSize: size, quality, threshold: this.#thresholds.recognitionThreshold });
      t.lastVoteNamed = (f.candidates[0]?.similarity ?? -Infinity) >= this.#thresholds.recognitionThreshold;
      t.firstVoteAt ??= at;
      t.lastVoteAt = at;
    }
    if (t.confirmed) {
      const into = this.#settle(t, at, events);
      if (into !== t) {
        out.trackId = into.id;
        out.isBest = false; // the merged track's best view is the recorder's to compare (see 'merged')
        t = into;
      }
    }
    this.#label(t, out);
    return t;
  }

  #label(t: Track, out: FaceAssignment): void {
    out.decision = t.outcome?.decision ?? 'pending';
    out.personId = t.outcome?.personId ?? null;
  }

  #settle(t: Track, at: number, events: TrackEvent[]): Track {
    if (t.decision?.decision === 'recognized') return t; // never relabel a named track
    const winner = t.tally.clearWinner();
    if (winner) {
      // The same person's visit on this camera is still open (out of sight, within the visit gap): this is that visit.
      const earlier = this.#openVisitOf(t, winner, at);
      if (earlier) {
        this.#merge(t, earlier, at, events);
        return earlier;
      }
      this.#decide(t, winner, at, events);
      return t;
    }
    if (t.decision === null) {
      const span = t.firstVoteAt === null ? 0 : t.lastVoteAt! - t.firstVoteAt;
      const unknown = t.tally.clearUnknown(span);
      if (unknown) {
        // The same stranger's visit on this camera is still open (out of sight, within the visit gap): this is that
        // visit, as for a named person. Without this a stranger whose track broke (a long frame gap on a loaded
        // machine) got a second visit, a second alert, a few seconds after the first.
        const earlier = this.#openStrangerVisit(t);
        if (earlier) {
          this.#merge(t, earlier, at, events);
          return earlier;
        }
        this.#decide(t, unknown, at, events);
      } else this.#checkDeadline(t, at, events);
    }
    return t;
  }

  /** The earlier unknown visit track `t` clearly looks like, out of sight since before `t` appeared, or null. */
  #openStrangerVisit(t: Track): Track | null {
    const template = t.appearance.template();
    if (!template) return null;
    // Seen while `t` was: two faces at once are two people.
    const a = this.#o.appearance;
    return clearlyMostAlike(template, this.#tracks, a.strangerFoldMin, a.strangerFoldMargin,
      (x) => x !== t && x.confirmed && x.outcome?.decision === 'unknown' && x.lastSeenAt < t.startedAt);
  }

  /** Another announced visit of the person `d` names, not seen in this frame and not yet ended, or null. */
  #openVisitOf(t: Track, d: DecisionResult, at: number): Track | null {
    // Only a still undecided track: a decided one has its own row (alerts, cluster) and is upgraded in place.
    if (t.decision !== null || d.decision !== 'recognized' || !d.personId) return null;
    const o = this.#policy(d, at);
    if (o.decision !== 'recognized' || o.personId !== d.personId) return null;
    let best: Track | null = null;
    for (const x of this.#tracks) {
      if (x === t || !x.confirmed || x.lastSeenAt >= at || x.outcome?.decision !== 'recognized' || x.outcome.personId !== d.personId) continue;
      if (!best || x.lastSeenAt > best.lastSeenAt) best = x;
    }
    return best;
  }

  /** Announced track `t` is visit `into` (identity): `into` takes its sighting, evidence and motion; `t` goes. */
  #merge(t: Track, into: Track, at: number, events: TrackEvent[]): void {
    this.#tracks.splice(this.#tracks.indexOf(t), 1);
    this.#resume(into, t.box, at);
    into.motion = t.motion;
    into.box = t.box;
    into.score = t.score;
    into.lastSeenAt = Math.max(into.lastSeenAt, t.lastSeenAt);
    into.frames += t.frames;
    into.hits += t.hits;
    into.appearance.absorb(t.appearance);
    into.tally.absorb(t.tally);
    if (t.best > into.best) into.best = t.best;
    events.push({ type: 'merged', trackId: t.id, cameraId: this.cameraId, at, into: into.id });
  }

  #checkDeadline(t: Track, at: number, events: TrackEvent[]): void {
    const v = this.#o.voting;
    if (t.confirmed && t.decision === null && t.tally.count >= v.unknownMinVotes && at - t.sightingAt >= v.maxDecisionMs) {
      this.#decide(t, t.tally.final(), at, events);
    }
  }

  #decide(t: Track, d: DecisionResult, at: number, events: TrackEvent[]): void {
    t.decision = d;
    t.outcome = this.#policy(d, at);
    t.revision++;
    events.push({
      type: 'decided', trackId: t.id, cameraId: this.cameraId, at, revision: t.revision, frames: t.frames, ...d,
      outcome: t.outcome, template: t.appearance.template(),
    });
  }

  #expire(now: number, events: TrackEvent[]): void {
    for (let i = this.#tracks.length - 1; i >= 0; i--) {
      const t = this.#tracks[i];
      if (!t.lost && now - t.lastSeenAt > this.#o.maxAgeMs) {
        if (!t.confirmed) {
          // Seen fewer than minHits times: noise, never announced.
          this.#tracks.splice(i, 1);
          events.push({ type: 'discarded', trackId: t.id, cameraId: this.cameraId, at: now, into: null });
          continue;
        }
        this.#lose(t, now, events);
      }
      // Without an appearance a lost visit can never be re-linked: it ends with the sighting.
      if (t.lost && (t.appearance.count === 0 || now - t.lastSeenAt > this.#o.visitGapMs)) {
        this.#tracks.splice(i, 1);
        this.#end(t, now, events);
      }
    }
  }

  /** The sighting is over: an undecided visit is decided now on what it has (or a late clear name). */
  #lose(t: Track, now: number, events: TrackEvent[]): void {
    t.lost = true;
    if (!t.confirmed) return;
    if (t.decision === null || (t.decision.decision === 'unknown' && t.tally.clearWinner())) this.#decide(t, t.tally.final(), now, events);
    events.push({ type: 'lost', trackId: t.id, cameraId: this.cameraId, at: now, lastSeenAt: t.lastSeenAt, frames: t.frames });
  }

  #evictOldestLost(now: number, events: TrackEvent[]): boolean {
    let oldest = -1;
    this.#tracks.forEach((t, i) => {
      if (t.lost && (oldest < 0 || t.lastSeenAt < this.#tracks[oldest].lastSeenAt)) oldest = i;
    });
    if (oldest < 0) return false;
    const [t] = this.#tracks.splice(oldest, 1);
    this.#end(t, now, events);
    return true;
  }

  #end(t: Track, now: number, events: TrackEvent[]): void {
    if (!t.confirmed) {
      events.push({ type: 'discarded', trackId: t.id, cameraId: this.cameraId, at: now, into: null });
      return;
    }
    if (t.decision === null) this.#decide(t, t.tally.final(), now, events);
    events.push({
      type: 'ended', trackId: t.id, cameraId: this.cameraId, at: now, lastSeenAt: t.lastSeenAt, startedAt: t.startedAt, frames: t.frames,
      sightings: t.sightings, decision: t.decision!, outcome: t.outcome!, votes: t.tally.summary(), template: t.appearance.template(),
    });
  }

  /** Pending: always. Recognised: until it has 3 looks. Unknown: until it has unknownSettledLooks, then once per
   *  unknownEvidenceMs of frame time while its votes keep naming nobody; every frame again as soon as one names
   *  someone (the upgrade to a name is as fast as before). */
  #needsEvidence(t: Track): boolean {
    const d = t.outcome?.decision;
    if (d === 'recognized') return t.appearance.count < 3;
    if (d !== 'unknown' || t.lastVoteNamed || t.appearance.count < this.#o.unknownSettledLooks || t.lastEmbedAt === null) return true;
    return this.#lastAt - t.lastEmbedAt >= this.#o.unknownEvidenceMs;
  }
}

function checkThresholds(t: CameraThresholds): CameraThresholds {
  const bad = (k: string, why: string) => new TrackerInputError(`threshold ${k} ${why}`);
  if (!(t.minFacePx >= 0)) throw bad('minFacePx', 'must be >= 0');
  if (!(t.minDetectionConfidence >= 0 && t.minDetectionConfidence <= 1)) throw bad('minDetectionConfidence', 'must be in [0, 1]');
  if (!(t.recognitionThreshold >= -1 && t.recognitionThreshold <= 1)) throw bad('recognitionThreshold', 'must be in [-1, 1]');
  return { ...t };
}

/** Of the `tracks` that pass `eligible`, the one whose appearance `e` is most like, if at least `min` and `margin`
 *  above the second best; else null. (A predicate, not a filtered copy: this runs per unmatched face.) */
function clearlyMostAlike(e: Float32Array, tracks: readonly Track[], min: number, margin: number, eligible?: (t: Track) => boolean): Track | null {
  let best: Track | null = null;
  let bestSim = -1;
  let second = -1;
  for (const t of tracks) {
    if (eligible && !eligible(t)) continue;
    const s = t.appearance.similarity(e) ?? -1;
    if (s > bestSim) {
      second = bestSim;
      bestSim = s;
      best = t;
    } else if (s > second) second = s;
  }
  return best && bestSim >= min && bestSim - second >= margin ? best : null;
}
