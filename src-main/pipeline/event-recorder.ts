// Records tracker events. One detection_events row per visit (the tracker's track): inserted when the track is
// confirmed (provisional), decided (recognized / unknown, possibly upgraded to recognized later: the same row),
// updated with the best face's snapshots, closed when the visit ends. Each tracker event is one transaction
// (event row, attendance punch, unknown cluster, alert rows) and returns the committed view; the publisher
// (visit-publisher.ts) turns that into topics, so whatever a client saw is in the database.
// Decision state is the tracker's (with its consent/watchlist policy); this class only keeps, per open visit,
// its write chain and the pixels of its best face until they are saved.
import type { Logger } from 'pino';
import type { CameraRole } from '../../src-contract/camera-config.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { EventRecord } from '../storage/repositories/detection-events.ts';
import type { AlertRecord, ClusterRecord, VisitsStore } from '../storage/repositories/visits.ts';
import type { CameraFrame } from '../camera/camera-frame.ts';
import type { TrackEvent } from '../tracking/types.ts';
import { assignCluster, CLUSTER_DEFAULTS, mergeTemplates } from '../tracking/unknown-clusters.ts';

export type Box = [number, number, number, number];

export interface AttendancePunch {
  kind: 'check_in' | 'check_out';
  date: string;
  at: number;
}

/** Attendance rules (src-main/attendance): called inside the decision's write transaction. */
export interface AttendanceSink {
  recordSighting(s: { personId: string; cameraId: string; role: CameraRole; at: number; eventId: string }): AttendancePunch | null;
}

export interface CameraMeta {
  id: string;
  name: string;
  location: string;
  role: CameraRole;
}

/** What one recorded tracker event committed. */
export interface Committed {
  kind: 'face_detected' | 'recognized' | 'unknown' | 'lost' | 'ended' | 'merged';
  /** kind 'merged': the row that was folded into `event` (gone). */
  mergedId?: string;
  camera: CameraMeta;
  event: EventRecord;
  /** Alerts raised or resolved by this write. */
  alerts: AlertRecord[];
  cluster: ClusterRecord | null;
  punch: (AttendancePunch & { personId: string }) | null;
  traceId: string | null;
}

export interface EventRecorderDeps {
  store: HostStore;
  visits: VisitsStore;
  logger: Logger;
  attendance: AttendanceSink | null;
  model: () => string | null;
  /** Rolling window of unknown clusters (ms). */
  clusterWindowMs?: () => number;
  /** Called with each committed write, in commit order per visit. */
  onCommitted: (c: Committed) => void;
}

interface BestFace {
  frame: CameraFrame;
  box: Box;
  score: number;
  quality: Record<string, unknown> | null;
}

interface OpenVisit {
  chain: Promise<void>;
  inserted: boolean;
  best: BestFace | null;
  bestVersion: number;
  savedVersion: number;
  traceId: string | null;
}

const DONE: Promise<void> = Promise.resolve();

export class EventRecorder {
  readonly #d: EventRecorderDeps;
  readonly #open = new Map<string, OpenVisit>();
  #closed = false;

  constructor(deps: EventRecorderDeps) {
    this.#d = deps;
  }

  /** Visits with a row or pixels held (tests: must drain to 0 once every track ended). */
  get openTracks(): number {
    return this.#open.size;
  }

  /** The face of `trackId` in `frame` is its best view so far: keep it for the snapshot. */
  noteBest(_camera: CameraMeta, trackId: string, frame: CameraFrame, face: Omit<BestFace, 'frame'>, traceId: string): void {
    const v = this.#visit(trackId, traceId);
    v.best = { frame, ...face };
    v.bestVersion++;
  }

  handle(camera: CameraMeta, ev: TrackEvent, traceId: string | null): void {
    if (this.#closed) return;
    if (ev.type === 'merged') return this.#merge(camera, ev);
    if (ev.type === 'discarded') {
      // Never announced (noise, or folded into a lost visit): nothing was written.
      const v = this.#open.get(ev.trackId);
      if (v && !v.inserted) this.#open.delete(ev.trackId);
      return;
    }
    const v = this.#visit(ev.trackId, traceId);
    this.#enqueue(ev.trackId, v, async () => {
      const c = await this.#record(camera, v, ev);
      if (ev.type === 'ended') this.#open.delete(ev.trackId);
      if (c) this.#d.onCommitted(c);
    });
  }

  /** Track `ev.trackId` is the same person's earlier visit `ev.into`: its pending row folds into that one (after
   *  both rows' queued writes), keeping the better best face. */
  #merge(camera: CameraMeta, ev: Extract<TrackEvent, { type: 'merged' }>): void {
    const from = this.#open.get(ev.trackId);
    this.#open.delete(ev.trackId);
    const into = this.#visit(ev.into, from?.traceId ?? null);
    if (from?.best && (!into.best || from.best.score > into.best.score) && from.savedVersion !== from.bestVersion) {
      into.best = from.best; // unsaved pixels: the merged visit saves them if they are its best view
      into.bestVersion++;
    }
    const before = from?.chain ?? DONE;
    this.#enqueue(ev.into, into, async () => {
      await before;
      if (!from?.inserted || !into.inserted) return;
      const { store } = this.#d;
      let folded = false;
      await store.write(() => { folded = store.events.foldPendingInto(ev.trackId, ev.into, ev.at); });
      const event = store.events.get(ev.into);
      if (folded && event) this.#d.onCommitted({ ...this.#committed('merged', camera, into, event), mergedId: ev.trackId });
    });
  }

  /** Waits for every queued write (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.#open.values()].map((t) => t.chain));
  }

  close(): void {
    this.#closed = true;
  }

  // ---- internals

  #visit(id: string, traceId: string | null): OpenVisit {
    let v = this.#open.get(id);
    if (!v) {
      v = { chain: DONE, inserted: false, best: null, bestVersion: 0, savedVersion: 0, traceId };
      this.#open.set(id, v);
    }
    return v;
  }

  #enqueue(id: string, v: OpenVisit, step: () => Promise<void>): void {
    v.chain = v.chain.then(step).catch((err: unknown) => {
      this.#d.logger.error({ event_type: 'track_write_failed', track_id: id, err }, 'could not record track');
    });
  }

  async #record(camera: CameraMeta, v: OpenVisit, ev: Exclude<TrackEvent, { type: 'discarded' | 'merged' }>): Promise<Committed | null> {
    const { store } = this.#d;
    const id = ev.trackId;
    if (ev.type === 'face_detected') {
      const frame = v.best?.frame;
      await store.write(() => {
        store.events.insertPending({
          id, cameraId: camera.id, cameraName: camera.name, startedAt: ev.at, box: v.best?.box ?? ev.box, score: v.best?.score ?? ev.score,
          frameWidth: frame?.width ?? 0, frameHeight: frame?.height ?? 0, quality: v.best?.quality ?? null, model: this.#d.model(), traceId: v.traceId,
        });
      });
      v.inserted = true;
      await this.#saveSnapshots(id, v);
      const event = store.events.get(id); // committed: read back as every client will see it
      return event ? this.#committed('face_detected', camera, v, event) : null;
    }
    if (!v.inserted) return null; // not confirmed: no row
    await this.#saveSnapshots(id, v);
    if (ev.type === 'decided') return this.#decide(camera, v, ev);
    const ended = ev.type === 'ended';
    // A lost visit may come back: ended_at is provisional (last seen) until the visit ends.
    await store.write(() => {
      store.events.end(id, { endedAt: ev.lastSeenAt, frameCount: ev.frames, votes: ended ? { final: ev.decision.reason, share: ev.decision.share, votes: ev.votes, sightings: ev.sightings } : undefined });
    });
    const event = store.events.get(id);
    if (ended) v.best = null;
    return event ? this.#committed(ended ? 'ended' : 'lost', camera, v, event) : null;
  }

  async #decide(camera: CameraMeta, v: OpenVisit, d: Extract<TrackEvent, { type: 'decided' }>): Promise<Committed | null> {
    const { store, visits } = this.#d;
    const o = d.outcome;
    const id = d.trackId;
    const alerts: AlertRecord[] = [];
    let cluster: ClusterRecord | null = null;
    let punch: Committed['punch'] = null;
    await store.write(() => {
      store.events.applyDecision(id, {
        decision: o.decision, personId: o.personId, confidence: o.confidence, distance: o.confidence === null ? null : 1 - o.confidence,
        margin: o.decision === 'recognized' ? d.margin : null,
        votes: { reason: d.reason, share: d.share, revision: d.revision, votes: d.votes }, decidedAt: d.at, flags: o.flags,
      });
      if (o.decision === 'recognized') {
        // An "unknown" visit that turned out to be someone: out of the strangers' clusters, its alert resolved.
        visits.clusters.removeVisit(id);
        alerts.push(...visits.alerts.resolveForEvent(id, 'unknown_person', 'recognized later in the same visit', d.at));
        if (o.personId && this.#d.attendance) {
          const p = this.#d.attendance.recordSighting({ personId: o.personId, cameraId: camera.id, role: camera.role, at: d.at, eventId: id });
          if (p) punch = { ...p, personId: o.personId };
        }
      } else if (o.cluster && d.template) {
        cluster = this.#cluster(id, camera, d.template, d.frames, v.best?.score ?? 0.5, d.at);
      }
      if (o.alert) {
        alerts.push(visits.alerts.raise({
          kind: o.alert, eventId: id, cameraId: camera.id, cameraName: camera.name, clusterId: cluster?.id ?? null, at: d.at,
          message: o.alert === 'watchlist' ? 'watchlist person seen' : cluster ? `Unknown #${cluster.number}` : 'unknown person',
        }));
      }
      store.eventLog.append({
        type: 'detection', severity: 'info', at: d.at, cameraId: camera.id, cameraName: camera.name, traceId: v.traceId, detectionId: id,
        modelUsed: this.#d.model(), message: o.decision === 'recognized' ? 'person recognized' : 'unknown person',
        payload: { detections: [{ detection_id: id, person_id: o.personId, confidence: o.confidence, bounding_box: v.best?.box ?? null }] },
      });
    });
    const event = store.events.get(id);
    if (!event) return null;
    return { ...this.#committed(o.decision, camera, v, event), alerts, cluster, punch };
  }

  /** Inside the decision's transaction: the stranger's cluster this visit joins (or starts). */
  #cluster(eventId: string, camera: CameraMeta, template: Float32Array, frames: number, score: number, at: number): ClusterRecord {
    const { clusters } = this.#d.visits;
    const windowMs = this.#d.clusterWindowMs?.() ?? CLUSTER_DEFAULTS.windowMs;
    clusters.prune(at - windowMs);
    const open = clusters.openSince(at - windowMs);
    const { clusterId, similarity } = assignCluster(template, open);
    const weight = Math.min(10, Math.max(1, frames));
    const target = open.find((c) => c.id === clusterId);
    if (target) {
      clusters.addVisit(target.id, {
        eventId, cameraId: camera.id, at, similarity, score, weight: target.templateWeight + weight,
        template: mergeTemplates(target.template, target.templateWeight, template, weight),
      });
      return clusters.clusterOfEvent(eventId, true)!;
    }
    const created = clusters.create({ template, weight, at });
    clusters.addVisit(created.id, { eventId, cameraId: camera.id, at, similarity: null, score, weight, template });
    return clusters.clusterOfEvent(eventId, true)!;
  }

  /** Writes the best face's crop + full frame when it changed since the last save, then drops the pixels. */
  async #saveSnapshots(id: string, v: OpenVisit): Promise<void> {
    const best = v.best;
    if (!best || v.savedVersion === v.bestVersion) return;
    const version = v.bestVersion;
    const { store } = this.#d;
    const name = `${id.replace(/[^A-Za-z0-9_-]/g, '')}_${version}`;
    const at = best.frame.camera_timestamp ?? best.frame.received_timestamp;
    const image = { data: best.frame.data, width: best.frame.width, height: best.frame.height, channels: 3 as const };
    const [faceSnapshot, frameSnapshot] = await Promise.all([
      store.snapshots.writeFaceCrop(name, image, best.box, at),
      store.snapshots.writeFrame(name, image, at),
    ]);
    await store.write(() => store.events.updateBest(id, {
      box: best.box, score: best.score, quality: best.quality, frameWidth: best.frame.width, frameHeight: best.frame.height, faceSnapshot, frameSnapshot,
    }));
    v.savedVersion = version;
    if (v.best === best) v.best = { ...best, frame: { ...best.frame, data: EMPTY } }; // keep box/score for later inserts, not the pixels
  }

  #committed(kind: Committed['kind'], camera: CameraMeta, v: OpenVisit, event: EventRecord): Committed {
    return { kind, camera, event, alerts: [], cluster: null, punch: null, traceId: v.traceId };
  }
}

const EMPTY = new Uint8Array(0);
