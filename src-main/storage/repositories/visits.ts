// Storage of the 'visits' scope: alerts (persisted, acknowledged, resolved), unknown-person clusters (one per
// stranger, built from the appearance templates of their visits) and the review queue of events guards marked
// "wrong match". Writes run inside the caller's store.write() transaction.
import type { Connections } from './connections.ts';
import { newId } from '../ids.ts';

export type AlertKind = 'unknown_person' | 'watchlist' | 'camera_offline';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface AlertRecord {
  id: string;
  kind: AlertKind;
  eventId: string | null;
  cameraId: string | null;
  cameraName: string;
  clusterId: string | null;
  message: string;
  createdAt: number;
  updatedAt: number;
  state: AlertState;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  resolvedReason: string | null;
}

interface AlertRow {
  id: string; kind: AlertKind; event_id: string | null; camera_id: string | null; camera_name: string; cluster_id: string | null;
  message: string; created_at: number; updated_at: number; state: AlertState; acknowledged_by: string | null;
  acknowledged_at: number | null; resolved_reason: string | null;
}

function alertOf(r: AlertRow): AlertRecord {
  return {
    id: r.id, kind: r.kind, eventId: r.event_id, cameraId: r.camera_id, cameraName: r.camera_name, clusterId: r.cluster_id, message: r.message,
    createdAt: r.created_at, updatedAt: r.updated_at, state: r.state, acknowledgedBy: r.acknowledged_by, acknowledgedAt: r.acknowledged_at,
    resolvedReason: r.resolved_reason,
  };
}

export class AlertsRepository {
  constructor(private readonly db: Connections) {}

  /** One alert per (event, kind): raising it twice returns the first. */
  raise(a: { kind: AlertKind; eventId?: string | null; cameraId: string | null; cameraName: string; clusterId?: string | null; message: string; at: number }): AlertRecord {
    if (a.eventId) {
      const existing = this.db.writer.prepare<[string, string], AlertRow>('SELECT * FROM alerts WHERE event_id = ? AND kind = ?').get(a.eventId, a.kind);
      if (existing) return alertOf(existing);
    }
    const id = newId('alr');
    this.db.writer.prepare(
      `INSERT INTO alerts (id, kind, event_id, camera_id, camera_name, cluster_id, message, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, a.kind, a.eventId ?? null, a.cameraId, a.cameraName, a.clusterId ?? null, a.message, a.at, a.at);
    return this.#getW(id)!;
  }

  /** Closes the open alerts of an event (e.g. an "unknown" visit that turned out to be someone). */
  resolveForEvent(eventId: string, kind: AlertKind, reason: string, at: number): AlertRecord[] {
    const rows = this.db.writer.prepare<[string, string], AlertRow>("SELECT * FROM alerts WHERE event_id = ? AND kind = ? AND state != 'resolved'").all(eventId, kind);
    for (const r of rows) this.db.writer.prepare("UPDATE alerts SET state = 'resolved', resolved_reason = ?, updated_at = ? WHERE id = ?").run(reason, at, r.id);
    return rows.map((r) => this.#getW(r.id)!);
  }

  /** The open camera-offline alert of a camera, if any. */
  openCameraAlert(cameraId: string): AlertRecord | null {
    const r = this.db.writer.prepare<[string], AlertRow>("SELECT * FROM alerts WHERE camera_id = ? AND kind = 'camera_offline' AND state = 'open' ORDER BY created_at DESC LIMIT 1").get(cameraId);
    return r ? alertOf(r) : null;
  }

  resolveCamera(cameraId: string, reason: string, at: number): AlertRecord[] {
    const rows = this.db.writer.prepare<[string], AlertRow>("SELECT * FROM alerts WHERE camera_id = ? AND kind = 'camera_offline' AND state != 'resolved'").all(cameraId);
    for (const r of rows) this.db.writer.prepare("UPDATE alerts SET state = 'resolved', resolved_reason = ?, updated_at = ? WHERE id = ?").run(reason, at, r.id);
    return rows.map((r) => this.#getW(r.id)!);
  }

  /** Acknowledges open alerts: by id, by camera, or all of them. Returns what changed. */
  acknowledge(sel: { ids?: readonly string[]; cameraId?: string; all?: boolean }, by: string, at: number): AlertRecord[] {
    let rows: AlertRow[];
    if (sel.ids?.length) {
      const q = this.db.writer.prepare<[string], AlertRow>("SELECT * FROM alerts WHERE id = ? AND state = 'open'");
      rows = sel.ids.map((id) => q.get(id)).filter((r): r is AlertRow => r !== undefined);
    } else if (sel.cameraId) {
      rows = this.db.writer.prepare<[string], AlertRow>("SELECT * FROM alerts WHERE camera_id = ? AND state = 'open'").all(sel.cameraId);
    } else if (sel.all) {
      rows = this.db.writer.prepare<[], AlertRow>("SELECT * FROM alerts WHERE state = 'open'").all();
    } else rows = [];
    const upd = this.db.writer.prepare("UPDATE alerts SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, updated_at = ? WHERE id = ?");
    for (const r of rows) upd.run(by, at, at, r.id);
    return rows.map((r) => this.#getW(r.id)!);
  }

  list(q: { state?: AlertState | 'all'; cameraId?: string; limit?: number } = {}): AlertRecord[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.state && q.state !== 'all') { where.push('state = ?'); args.push(q.state); }
    if (q.cameraId) { where.push('camera_id = ?'); args.push(q.cameraId); }
    args.push(Math.min(500, Math.max(1, q.limit ?? 100)));
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return this.db.reader.prepare<Array<string | number>, AlertRow>(sql).all(...args).map(alertOf);
  }

  get(id: string): AlertRecord | null {
    const r = this.db.reader.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
    return r ? alertOf(r) : null;
  }

  #getW(id: string): AlertRecord | null {
    const r = this.db.writer.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
    return r ? alertOf(r) : null;
  }
}

export type ClusterStatus = 'open' | 'enrolled' | 'merged' | 'dismissed';

export interface ClusterRecord {
  id: string;
  number: number;
  createdAt: number;
  lastSeenAt: number;
  visitCount: number;
  template: Float32Array;
  templateWeight: number;
  bestEventId: string | null;
  bestScore: number | null;
  status: ClusterStatus;
  personId: string | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
}

export interface ClusterVisit {
  eventId: string;
  cameraId: string | null;
  at: number;
  similarity: number | null;
  faceSnapshot: string | null;
  bestScore: number | null;
}

interface ClusterRow {
  id: string; number: number; created_at: number; last_seen_at: number; visit_count: number; template: Buffer; template_weight: number;
  best_event_id: string | null; best_score: number | null; status: ClusterStatus; person_id: string | null; resolved_by: string | null; resolved_at: number | null;
}

function clusterOf(r: ClusterRow): ClusterRecord {
  const t = new Float32Array(r.template.byteLength / 4);
  new Uint8Array(t.buffer).set(r.template);
  return {
    id: r.id, number: r.number, createdAt: r.created_at, lastSeenAt: r.last_seen_at, visitCount: r.visit_count, template: t,
    templateWeight: r.template_weight, bestEventId: r.best_event_id, bestScore: r.best_score, status: r.status, personId: r.person_id,
    resolvedBy: r.resolved_by, resolvedAt: r.resolved_at,
  };
}

const blob = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);

export class UnknownClustersRepository {
  constructor(private readonly db: Connections) {}

  /** Open clusters seen since `since` (candidates for a new unknown visit). Writer side: used inside a write. */
  openSince(since: number): ClusterRecord[] {
    return this.db.writer.prepare<[number], ClusterRow>("SELECT * FROM unknown_clusters WHERE status = 'open' AND last_seen_at >= ? ORDER BY last_seen_at DESC LIMIT 2000").all(since).map(clusterOf);
  }

  create(c: { template: Float32Array; weight: number; at: number }): ClusterRecord {
    const id = newId('ucl');
    const next = (this.db.writer.prepare<[], { n: number | null }>('SELECT max(number) AS n FROM unknown_clusters').get()?.n ?? 0) + 1;
    this.db.writer.prepare('INSERT INTO unknown_clusters (id, number, created_at, last_seen_at, visit_count, template, template_weight) VALUES (?, ?, ?, ?, 0, ?, ?)')
      .run(id, next, c.at, c.at, blob(c.template), c.weight);
    return this.#getW(id)!;
  }

  /** Adds a visit (idempotent per event) and stores the cluster's updated template. */
  addVisit(clusterId: string, v: { eventId: string; cameraId: string | null; at: number; similarity: number | null; template: Float32Array; weight: number; score: number }): void {
    const had = this.db.writer.prepare<[string], { cluster_id: string }>('SELECT cluster_id FROM unknown_cluster_visits WHERE event_id = ?').get(v.eventId);
    if (had) return;
    this.db.writer.prepare('INSERT INTO unknown_cluster_visits (event_id, cluster_id, camera_id, at, similarity) VALUES (?, ?, ?, ?, ?)')
      .run(v.eventId, clusterId, v.cameraId, v.at, v.similarity);
    this.db.writer.prepare(
      `UPDATE unknown_clusters SET visit_count = visit_count + 1, last_seen_at = max(last_seen_at, @at), template = @template, template_weight = @weight,
         best_event_id = CASE WHEN best_score IS NULL OR @score > best_score THEN @eventId ELSE best_event_id END,
         best_score = CASE WHEN best_score IS NULL OR @score > best_score THEN @score ELSE best_score END
       WHERE id = @id`,
    ).run({ id: clusterId, at: v.at, template: blob(v.template), weight: v.weight, score: v.score, eventId: v.eventId });
  }

  /** Takes a visit out of its cluster (it turned out to be someone); an emptied cluster is deleted. */
  removeVisit(eventId: string): string | null {
    const had = this.db.writer.prepare<[string], { cluster_id: string }>('SELECT cluster_id FROM unknown_cluster_visits WHERE event_id = ?').get(eventId);
    if (!had) return null;
    this.db.writer.prepare('DELETE FROM unknown_cluster_visits WHERE event_id = ?').run(eventId);
    this.db.writer.prepare('UPDATE unknown_clusters SET visit_count = visit_count - 1, best_event_id = CASE WHEN best_event_id = ? THEN NULL ELSE best_event_id END WHERE id = ?').run(eventId, had.cluster_id);
    this.db.writer.prepare("DELETE FROM unknown_clusters WHERE id = ? AND visit_count <= 0 AND status = 'open'").run(had.cluster_id);
    return had.cluster_id;
  }

  clusterOfEvent(eventId: string, writer = false): ClusterRecord | null {
    const conn = writer ? this.db.writer : this.db.reader;
    const r = conn.prepare<[string], ClusterRow>('SELECT c.* FROM unknown_clusters c JOIN unknown_cluster_visits v ON v.cluster_id = c.id WHERE v.event_id = ?').get(eventId);
    return r ? clusterOf(r) : null;
  }

  get(id: string): ClusterRecord | null {
    const r = this.db.reader.prepare<[string], ClusterRow>('SELECT * FROM unknown_clusters WHERE id = ?').get(id);
    return r ? clusterOf(r) : null;
  }

  list(q: { status?: ClusterStatus | 'all'; since?: number; limit?: number } = {}): ClusterRecord[] {
    const status = q.status ?? 'open';
    const rows = this.db.reader.prepare<[string, string, number, number], ClusterRow>(
      'SELECT * FROM unknown_clusters WHERE (? = \'all\' OR status = ?) AND last_seen_at >= ? AND visit_count > 0 ORDER BY last_seen_at DESC LIMIT ?',
    ).all(status, status, q.since ?? 0, Math.min(500, Math.max(1, q.limit ?? 100)));
    return rows.map(clusterOf);
  }

  /** The visits of a cluster with their best face crop, newest first. */
  visits(clusterId: string, limit = 200): ClusterVisit[] {
    return this.db.reader.prepare<[string, number], { event_id: string; camera_id: string | null; at: number; similarity: number | null; face_snapshot: string | null; best_score: number | null }>(
      `SELECT v.event_id, v.camera_id, v.at, v.similarity, e.face_snapshot, e.best_score FROM unknown_cluster_visits v
       JOIN detection_events e ON e.id = v.event_id WHERE v.cluster_id = ? ORDER BY v.at DESC LIMIT ?`,
    ).all(clusterId, limit).map((r) => ({ eventId: r.event_id, cameraId: r.camera_id, at: r.at, similarity: r.similarity, faceSnapshot: r.face_snapshot, bestScore: r.best_score }));
  }

  resolve(id: string, r: { status: Exclude<ClusterStatus, 'open'>; personId: string | null; by: string; at: number }): void {
    this.db.writer.prepare('UPDATE unknown_clusters SET status = ?, person_id = ?, resolved_by = ?, resolved_at = ? WHERE id = ?').run(r.status, r.personId, r.by, r.at, id);
  }

  /** Rolling window: open clusters not seen since `before` are forgotten (their visits stay as unknown events). */
  prune(before: number): number {
    return this.db.writer.prepare("DELETE FROM unknown_clusters WHERE status = 'open' AND last_seen_at < ?").run(before).changes;
  }

  #getW(id: string): ClusterRecord | null {
    const r = this.db.writer.prepare<[string], ClusterRow>('SELECT * FROM unknown_clusters WHERE id = ?').get(id);
    return r ? clusterOf(r) : null;
  }
}

export interface ReviewRecord {
  eventId: string;
  reportedBy: string;
  reportedAt: number;
  note: string | null;
  state: 'open' | 'resolved' | 'dismissed';
  resolvedBy: string | null;
  resolvedAt: number | null;
}

export class EventReviewsRepository {
  constructor(private readonly db: Connections) {}

  report(eventId: string, by: string, note: string | null, at: number): ReviewRecord {
    this.db.writer.prepare(
      `INSERT INTO event_reviews (event_id, reported_by, reported_at, note) VALUES (?, ?, ?, ?)
       ON CONFLICT(event_id) DO UPDATE SET reported_by = excluded.reported_by, reported_at = excluded.reported_at, note = excluded.note, state = 'open', resolved_by = NULL, resolved_at = NULL`,
    ).run(eventId, by, at, note);
    return this.get(eventId, true)!;
  }

  resolve(eventId: string, state: 'resolved' | 'dismissed', by: string, at: number): void {
    this.db.writer.prepare("UPDATE event_reviews SET state = ?, resolved_by = ?, resolved_at = ? WHERE event_id = ? AND state = 'open'").run(state, by, at, eventId);
  }

  list(state: ReviewRecord['state'] | 'all' = 'open', limit = 200): ReviewRecord[] {
    return this.db.reader.prepare<[string, string, number], ReviewRow>("SELECT * FROM event_reviews WHERE (? = 'all' OR state = ?) ORDER BY reported_at DESC LIMIT ?")
      .all(state, state, limit).map(reviewOf);
  }

  get(eventId: string, writer = false): ReviewRecord | null {
    const r = (writer ? this.db.writer : this.db.reader).prepare<[string], ReviewRow>('SELECT * FROM event_reviews WHERE event_id = ?').get(eventId);
    return r ? reviewOf(r) : null;
  }
}

interface ReviewRow { event_id: string; reported_by: string; reported_at: number; note: string | null; state: ReviewRecord['state']; resolved_by: string | null; resolved_at: number | null }
function reviewOf(r: ReviewRow): ReviewRecord {
  return { eventId: r.event_id, reportedBy: r.reported_by, reportedAt: r.reported_at, note: r.note, state: r.state, resolvedBy: r.resolved_by, resolvedAt: r.resolved_at };
}

export interface VisitsStore {
  alerts: AlertsRepository;
  clusters: UnknownClustersRepository;
  reviews: EventReviewsRepository;
}

export function visitsStore(db: Connections): VisitsStore {
  return { alerts: new AlertsRepository(db), clusters: new UnknownClustersRepository(db), reviews: new EventReviewsRepository(db) };
}
