// Turns tracker events into stored, published facts. One detection_events row per track: inserted at
// face_detected (provisional), updated with the best face's snapshots, decided (recognized / unknown) when the vote
// settles, closed when the track ends. Each track's writes run in order on its own promise chain; a topic is
// published only after its write committed, so whatever a client saw is in the database (acknowledged).
import type { Logger } from 'pino';
import type { Settings } from '../../src-contract/schemas.ts';
import type { CameraRole } from '../../src-contract/camera-config.ts';
import type { TopicBus } from '../core/topic-bus.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { EventFlag } from '../storage/repositories/detection-events.ts';
import { newId } from '../storage/ids.ts';
import type { CameraFrame } from '../camera/camera-frame.ts';
import type { DecisionResult, TrackEvent } from '../tracking/types.ts';
import { eventView, iso } from '../storage/views.ts';
import type { PipelineStats } from './pipeline-stats.ts';

export type Box = [number, number, number, number];

export interface PersonInfo {
  name: string;
  watchlist: boolean;
}

export interface AttendancePunch {
  kind: 'check_in' | 'check_out';
  date: string;
  at: number;
}

/** Attendance rules (src-main/attendance): called inside the decision's write transaction. */
export interface AttendanceSink {
  recordSighting(s: { personId: string; cameraId: string; role: CameraRole; at: number; eventId: string }): AttendancePunch | null;
}

export type ConsentDecision = 'allowed' | 'blocked' | 'flagged';

export interface CameraMeta {
  id: string;
  name: string;
  location: string;
  role: CameraRole;
}

export interface TrackRecorderDeps {
  store: HostStore;
  bus: TopicBus;
  logger: Logger;
  stats: PipelineStats;
  person: (personId: string) => PersonInfo | null;
  consent: (personId: string, now: number) => ConsentDecision;
  attendance: AttendanceSink | null;
  settings: () => Settings;
  model: () => string | null;
  /** Called after each committed track write (latency measurement, tests). */
  onCommitted?: (kind: 'face_detected' | 'recognized' | 'unknown' | 'ended', eventId: string) => void;
}

interface BestFace {
  frame: CameraFrame;
  box: Box;
  score: number;
  quality: Record<string, unknown> | null;
}

interface TrackState {
  id: string;
  camera: CameraMeta;
  chain: Promise<void>;
  inserted: boolean;
  best: BestFace | null;
  bestVersion: number;
  savedVersion: number;
  decision: 'pending' | 'recognized' | 'unknown';
  personId: string | null;
  confidence: number | null;
  flags: EventFlag[];
  punched: boolean;
  touchedAt: number;
  traceId: string | null;
}

export interface TrackLabel {
  decision: 'pending' | 'recognized' | 'unknown';
  personId: string | null;
  name: string | null;
  confidence: number | null;
  watchlist: boolean;
}

export class TrackRecorder {
  readonly #d: TrackRecorderDeps;
  readonly #tracks = new Map<string, TrackState>();
  #closed = false;

  constructor(deps: TrackRecorderDeps) {
    this.#d = deps;
  }

  get openTracks(): number {
    return this.#tracks.size;
  }

  /** The face of `trackId` in `frame` is its best view so far: keep it for the snapshot. */
  noteBest(camera: CameraMeta, trackId: string, frame: CameraFrame, face: Omit<BestFace, 'frame'>, traceId: string): void {
    const t = this.#track(camera, trackId, traceId);
    t.best = { frame, ...face };
    t.bestVersion++;
    t.touchedAt = Date.now();
  }

  /** What the live view shows for a track (consent applied). */
  label(trackId: string): TrackLabel {
    const t = this.#tracks.get(trackId);
    if (!t || t.decision === 'pending') return { decision: 'pending', personId: null, name: null, confidence: null, watchlist: false };
    const p = t.personId ? this.#d.person(t.personId) : null;
    return { decision: t.decision, personId: t.personId, name: p?.name ?? null, confidence: t.confidence, watchlist: p?.watchlist ?? false };
  }

  handle(camera: CameraMeta, ev: TrackEvent, traceId: string | null): void {
    if (this.#closed) return;
    const t = this.#track(camera, ev.trackId, traceId);
    t.touchedAt = Date.now();
    switch (ev.type) {
      case 'face_detected':
        this.#enqueue(t, () => this.#insert(t, ev.at, ev.box, ev.score));
        break;
      case 'decided':
        this.#applyDecisionState(t, ev, ev.at);
        this.#enqueue(t, () => this.#decide(t, ev, ev.at));
        break;
      case 'ended':
        // A track that ended without ever being confirmed has no row: nothing to record.
        if (!t.inserted && t.chain === DONE) { this.#tracks.delete(t.id); return; }
        this.#enqueue(t, () => this.#end(t, ev.at, ev.frames, ev.decision));
        break;
    }
  }

  /** Forgets tracks the tracker dropped before confirming them (they never get an 'ended'). */
  sweep(liveTrackIds: ReadonlySet<string>, olderThanMs = 10_000): void {
    const cutoff = Date.now() - olderThanMs;
    for (const [id, t] of this.#tracks) {
      if (!t.inserted && t.chain === DONE && !liveTrackIds.has(id) && t.touchedAt < cutoff) this.#tracks.delete(id);
    }
  }

  /** Waits for every queued write (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.#tracks.values()].map((t) => t.chain));
  }

  close(): void {
    this.#closed = true;
  }

  // ---- internals

  #track(camera: CameraMeta, id: string, traceId: string | null): TrackState {
    let t = this.#tracks.get(id);
    if (!t) {
      t = {
        id, camera, chain: DONE, inserted: false, best: null, bestVersion: 0, savedVersion: 0, decision: 'pending', personId: null,
        confidence: null, flags: [], punched: false, touchedAt: Date.now(), traceId,
      };
      this.#tracks.set(id, t);
    }
    return t;
  }

  #enqueue(t: TrackState, step: () => Promise<void>): void {
    t.chain = t.chain.then(step).catch((err: unknown) => {
      this.#d.logger.error({ event_type: 'track_write_failed', track_id: t.id, camera_id: t.camera.id, err }, 'could not record track');
    });
  }

  async #insert(t: TrackState, at: number, box: Box, score: number): Promise<void> {
    const { store } = this.#d;
    const frame = t.best?.frame;
    await store.write(() => store.events.insertPending({
      id: t.id, cameraId: t.camera.id, cameraName: t.camera.name, startedAt: at, box: t.best?.box ?? box, score: t.best?.score ?? score,
      frameWidth: frame?.width ?? 0, frameHeight: frame?.height ?? 0, quality: t.best?.quality ?? null,
      model: this.#d.model(), traceId: t.traceId,
    }));
    t.inserted = true;
    this.#d.stats.add(t.camera.id, 'faces_detected');
    this.#publish(t, 'face_detected');
    await this.#saveSnapshots(t);
  }

  /** Writes the best face's crop + full frame when it changed since the last save. */
  async #saveSnapshots(t: TrackState): Promise<void> {
    const best = t.best;
    if (!best || t.savedVersion === t.bestVersion) return;
    const version = t.bestVersion;
    const { store } = this.#d;
    const name = `${t.id.replace(/[^A-Za-z0-9_-]/g, '')}_${version}`;
    const at = best.frame.camera_timestamp ?? best.frame.received_timestamp;
    const image = { data: best.frame.data, width: best.frame.width, height: best.frame.height, channels: 3 as const };
    const [faceSnapshot, frameSnapshot] = await Promise.all([
      store.snapshots.writeFaceCrop(name, image, best.box, at),
      store.snapshots.writeFrame(name, image, at),
    ]);
    await store.write(() => store.events.updateBest(t.id, {
      box: best.box, score: best.score, quality: best.quality, frameWidth: best.frame.width, frameHeight: best.frame.height, faceSnapshot, frameSnapshot,
    }));
    t.savedVersion = version;
    // Keep the pixels of the best frame only while they may still be written.
  }

  #applyDecisionState(t: TrackState, d: DecisionResult, now: number): void {
    const flags: EventFlag[] = [];
    let decision = d.decision;
    let personId = d.personId;
    if (decision === 'recognized' && personId) {
      const c = this.#d.consent(personId, now);
      if (c === 'blocked') {
        // Policy "block": a person without valid consent is not identified at all.
        decision = 'unknown';
        personId = null;
      } else if (c === 'flagged') flags.push('no_consent');
      if (personId && this.#d.person(personId)?.watchlist) flags.push('watchlist');
    }
    t.decision = decision;
    t.personId = personId;
    t.confidence = decision === 'recognized' ? d.confidence : null;
    t.flags = flags;
  }

  async #decide(t: TrackState, d: Extract<TrackEvent, { type: 'decided' }>, at: number): Promise<void> {
    const { store } = this.#d;
    if (!t.inserted) return; // decided before confirmation cannot happen; be safe
    await this.#saveSnapshots(t);
    const decision = t.decision === 'recognized' ? 'recognized' : 'unknown';
    const personId = t.personId;
    const confidence = decision === 'recognized' ? d.confidence : null;
    let punch: AttendancePunch | null = null;
    await store.write(() => {
      store.events.applyDecision(t.id, {
        decision, personId, confidence, distance: confidence === null ? null : 1 - confidence, margin: decision === 'recognized' ? d.margin : null,
        votes: { reason: d.reason, share: d.share, revision: d.revision, votes: d.votes }, decidedAt: at, flags: t.flags,
      });
      if (decision === 'recognized' && personId && !t.punched && this.#d.attendance) {
        punch = this.#d.attendance.recordSighting({ personId, cameraId: t.camera.id, role: t.camera.role, at, eventId: t.id });
      }
      store.eventLog.append({
        type: 'detection', severity: 'info', at, cameraId: t.camera.id, cameraName: t.camera.name, traceId: t.traceId, detectionId: t.id,
        modelUsed: this.#d.model(), message: decision === 'recognized' ? 'person recognized' : 'unknown person',
        payload: { detections: [{ detection_id: t.id, person_id: personId, confidence, bounding_box: t.best?.box ?? null }] },
      });
    });
    this.#d.stats.add(t.camera.id, decision);
    const view = this.#publish(t, decision);
    if (decision === 'recognized') t.punched = true;
    if (punch) {
      const p: AttendancePunch = punch;
      this.#d.stats.add(t.camera.id, 'attendance_records');
      this.#d.bus.publish('attendance.punch', { person_id: personId!, date: p.date, kind: p.kind, at: iso(p.at) });
    }
    const settings = this.#d.settings();
    if (view && decision === 'unknown' && settings.recognition.unknown_alerts) {
      this.#d.bus.publish('alerts', { id: newId('evt'), kind: 'unknown_person', event: view, at: iso(at) });
    } else if (view && t.flags.includes('watchlist')) {
      this.#d.bus.publish('alerts', { id: newId('evt'), kind: 'watchlist', event: view, at: iso(at) });
    }
  }

  async #end(t: TrackState, at: number, frames: number, decision: DecisionResult): Promise<void> {
    const { store } = this.#d;
    this.#tracks.delete(t.id);
    if (!t.inserted) return;
    await this.#saveSnapshots(t);
    await store.write(() => store.events.end(t.id, { endedAt: at, frameCount: frames, votes: { final: decision.reason, share: decision.share, votes: decision.votes } }));
    t.best = null;
    this.#d.onCommitted?.('ended', t.id);
  }

  #publish(t: TrackState, kind: 'face_detected' | 'recognized' | 'unknown') {
    this.#d.onCommitted?.(kind, t.id);
    const rec = this.#d.store.events.get(t.id);
    if (!rec) return null;
    const view = eventView(rec);
    this.#d.logger.info({ event_type: 'track_event', kind, event_id: t.id, camera_id: t.camera.id, person_id: view.person_id, trace_id: t.traceId }, `track ${kind}`);
    this.#d.bus.publish('events.track', { kind, event: view });
    return view;
  }
}

const DONE: Promise<void> = Promise.resolve();
