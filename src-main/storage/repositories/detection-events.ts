// Detection events: one row per face track. Inserted as 'pending' when the track is born (provisional
// face_detected), updated when the vote settles (recognized / unknown), when a better face is seen, and at the end.
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { readJson } from '../input-validation.ts';
import type { Connections } from './connections.ts';
import type { FileDeletionsRepository } from './file-deletions.ts';

export type Box = [x: number, y: number, w: number, h: number];
export type Decision = 'pending' | 'recognized' | 'unknown';
export type EventFlag = 'watchlist' | 'no_consent' | 'low_quality' | 'liveness_failed';

export interface TrackStartInput {
  id: string;
  cameraId: string;
  cameraName: string;
  startedAt: number;
  box: Box;
  score: number;
  frameWidth: number;
  frameHeight: number;
  quality?: Record<string, unknown> | null;
  model?: string | null;
  traceId?: string | null;
}

export interface DecisionInput {
  decision: 'recognized' | 'unknown';
  personId: string | null;
  /** Similarity of the winner (weighted mean over its votes), null for unknown without candidates. */
  confidence: number | null;
  /** Cosine distance, 1 − confidence. */
  distance: number | null;
  margin: number | null;
  votes: unknown;
  decidedAt: number;
  flags?: EventFlag[];
}

export interface BestFaceInput {
  box: Box;
  score: number;
  quality?: Record<string, unknown> | null;
  frameWidth: number;
  frameHeight: number;
  faceSnapshot?: string | null;
  frameSnapshot?: string | null;
}

export interface Correction {
  from_decision: Decision;
  from_person_id: string | null;
  to_person_id: string | null;
  reason: string | null;
  history: Array<{ to_person_id: string | null; by: string; at: number; reason: string | null }>;
}

export interface EventRecord {
  id: string;
  cameraId: string | null;
  cameraName: string;
  startedAt: number;
  endedAt: number | null;
  decidedAt: number | null;
  decision: Decision;
  personId: string | null;
  personName: string | null;
  watchlist: boolean;
  confidence: number | null;
  distance: number | null;
  margin: number | null;
  votes: unknown;
  frameCount: number;
  box: Box;
  score: number | null;
  quality: Record<string, unknown> | null;
  faceSnapshot: string | null;
  frameSnapshot: string | null;
  frameWidth: number | null;
  frameHeight: number | null;
  model: string | null;
  timings: Record<string, number> | null;
  traceId: string | null;
  flags: EventFlag[];
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  correctedBy: string | null;
  correctedAt: number | null;
  correction: Correction | null;
}

export interface EventQuery {
  cameraId?: string;
  personId?: string;
  decision?: Decision;
  /** Inclusive lower / exclusive upper bound on started_at (epoch ms). */
  from?: number;
  to?: number;
  minConfidence?: number;
  limit?: number;
  cursor?: string | null;
}

interface EventRow {
  id: string; camera_id: string | null; camera_name: string; started_at: number; ended_at: number | null; decided_at: number | null;
  decision: Decision; person_id: string | null; person_name: string | null; watchlist: number | null; confidence: number | null;
  distance: number | null; margin: number | null; votes_json: string | null; frame_count: number; best_box_json: string;
  best_score: number | null; best_quality_json: string | null; face_snapshot: string | null; frame_snapshot: string | null;
  frame_width: number | null; frame_height: number | null; model: string | null; timings_json: string | null; trace_id: string | null;
  flags_json: string; acknowledged_by: string | null; acknowledged_at: number | null; corrected_by: string | null;
  corrected_at: number | null; correction_json: string | null;
}

const SELECT = `SELECT e.*, p.name AS person_name, p.watchlist AS watchlist FROM detection_events e LEFT JOIN persons p ON p.id = e.person_id`;

export class DetectionEventsRepository {
  readonly #reader;
  readonly #insert;
  readonly #decide;
  readonly #best;
  readonly #end;
  readonly #ack;
  readonly #delete;
  readonly #correct;
  readonly #get;
  readonly #getW;
  readonly #counts;

  constructor(db: Connections, private readonly deletions: FileDeletionsRepository) {
    this.#reader = db.reader;
    this.#insert = db.writer.prepare(
      `INSERT INTO detection_events (id, camera_id, camera_name, started_at, decision, frame_count, best_box_json, best_score, best_quality_json,
        frame_width, frame_height, model, trace_id)
       VALUES (@id, @cameraId, @cameraName, @startedAt, 'pending', 1, @box, @score, @quality, @frameWidth, @frameHeight, @model, @traceId)`,
    );
    this.#decide = db.writer.prepare(
      `UPDATE detection_events SET decision = @decision, person_id = @personId, confidence = @confidence, distance = @distance,
        margin = @margin, votes_json = @votes, decided_at = @decidedAt, flags_json = @flags WHERE id = @id`,
    );
    this.#best = db.writer.prepare(
      `UPDATE detection_events SET best_box_json = @box, best_score = @score, best_quality_json = @quality, frame_width = @frameWidth,
        frame_height = @frameHeight, face_snapshot = coalesce(@faceSnapshot, face_snapshot), frame_snapshot = coalesce(@frameSnapshot, frame_snapshot)
       WHERE id = @id`,
    );
    this.#end = db.writer.prepare('UPDATE detection_events SET ended_at = @endedAt, frame_count = @frameCount, timings_json = @timings, votes_json = coalesce(@votes, votes_json) WHERE id = @id');
    this.#ack = db.writer.prepare('UPDATE detection_events SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?');
    this.#delete = db.writer.prepare('DELETE FROM detection_events WHERE id = ?');
    this.#correct = db.writer.prepare(
      `UPDATE detection_events SET decision = @decision, person_id = @personId, corrected_by = @by, corrected_at = @at, correction_json = @correction
       WHERE id = @id`,
    );
    this.#get = db.reader.prepare<[string], EventRow>(`${SELECT} WHERE e.id = ?`);
    this.#getW = db.writer.prepare<[string], EventRow>(`${SELECT} WHERE e.id = ?`);
    this.#counts = db.reader.prepare<{ from: number; to: number }, { decision: Decision; n: number }>(
      'SELECT decision, count(*) AS n FROM detection_events WHERE started_at >= @from AND started_at < @to GROUP BY decision',
    );
  }

  insertPending(t: TrackStartInput): void {
    this.#insert.run({
      id: t.id, cameraId: t.cameraId, cameraName: t.cameraName, startedAt: t.startedAt, box: JSON.stringify(t.box), score: t.score,
      quality: t.quality ? JSON.stringify(t.quality) : null, frameWidth: t.frameWidth, frameHeight: t.frameHeight,
      model: t.model ?? null, traceId: t.traceId ?? null,
    });
  }

  applyDecision(id: string, d: DecisionInput): void {
    const r = this.#decide.run({
      id, decision: d.decision, personId: d.personId, confidence: d.confidence, distance: d.distance, margin: d.margin,
      votes: JSON.stringify(d.votes ?? null), decidedAt: d.decidedAt, flags: JSON.stringify(d.flags ?? []),
    });
    if (r.changes === 0) throw new NotFoundError('detection event', id);
  }

  /** Records a better face for the track; snapshot files it replaces are queued for deletion in the same transaction. */
  updateBest(id: string, b: BestFaceInput, now = Date.now()): void {
    const old = this.#getW.get(id);
    if (!old) throw new NotFoundError('detection event', id);
    this.#best.run({
      id, box: JSON.stringify(b.box), score: b.score, quality: b.quality ? JSON.stringify(b.quality) : null,
      frameWidth: b.frameWidth, frameHeight: b.frameHeight, faceSnapshot: b.faceSnapshot ?? null, frameSnapshot: b.frameSnapshot ?? null,
    });
    const replaced = [b.faceSnapshot && old.face_snapshot !== b.faceSnapshot ? old.face_snapshot : null,
      b.frameSnapshot && old.frame_snapshot !== b.frameSnapshot ? old.frame_snapshot : null];
    this.deletions.enqueue(replaced, 'snapshot replaced by a better face', now);
  }

  end(id: string, e: { endedAt: number; frameCount: number; timings?: Record<string, number> | null; votes?: unknown }): void {
    const r = this.#end.run({ id, endedAt: e.endedAt, frameCount: e.frameCount, timings: e.timings ? JSON.stringify(e.timings) : null, votes: e.votes === undefined ? null : JSON.stringify(e.votes) });
    if (r.changes === 0) throw new NotFoundError('detection event', id);
  }

  acknowledge(id: string, by: string, at = Date.now()): void {
    if (this.#ack.run(by, at, id).changes === 0) throw new NotFoundError('detection event', id);
  }

  /** "This was not Alice" / "this unknown is Bob": the original decision stays in `correction`. */
  correct(id: string, c: { personId: string | null; by: string; reason?: string | null; at?: number }): EventRecord {
    const row = this.#getW.get(id);
    if (!row) throw new NotFoundError('detection event', id);
    const at = c.at ?? Date.now();
    const prev = readJson<Correction>(row.correction_json);
    const correction: Correction = {
      from_decision: prev?.from_decision ?? row.decision,
      from_person_id: prev ? prev.from_person_id : row.person_id,
      to_person_id: c.personId,
      reason: c.reason ?? null,
      history: [...(prev?.history ?? []), { to_person_id: c.personId, by: c.by, at, reason: c.reason ?? null }],
    };
    try {
      this.#correct.run({ id, decision: c.personId ? 'recognized' : 'unknown', personId: c.personId, by: c.by, at, correction: JSON.stringify(correction) });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new NotFoundError('person', c.personId ?? '');
      throw err;
    }
    return toRecord(this.#getW.get(id)!);
  }

  /**
   * Folds an undecided visit row into visit `into` (the same person's earlier visit on the camera): `into` takes
   * the better best face (box, score, snapshots) and `id`'s row goes; snapshots no row uses any more are queued for
   * deletion. Returns false if `id` is gone or already decided (a decided row is never folded).
   */
  foldPendingInto(id: string, into: string, now = Date.now()): boolean {
    const row = this.#getW.get(id);
    const target = this.#getW.get(into);
    if (!row || !target) throw new NotFoundError('detection event', row ? into : id);
    if (row.decision !== 'pending') return false;
    const better = (row.best_score ?? -1) > (target.best_score ?? -1) && row.face_snapshot !== null;
    if (better) {
      this.#best.run({
        id: into, box: row.best_box_json, score: row.best_score, quality: row.best_quality_json, frameWidth: row.frame_width,
        frameHeight: row.frame_height, faceSnapshot: row.face_snapshot, frameSnapshot: row.frame_snapshot,
      });
    }
    this.#delete.run(id);
    const unused = better ? [target.face_snapshot, target.frame_snapshot] : [row.face_snapshot, row.frame_snapshot];
    this.deletions.enqueue(unused, 'visit merged into an earlier visit of the same person', now);
    return true;
  }

  get(id: string): EventRecord | null {
    const row = this.#get.get(id);
    return row ? toRecord(row) : null;
  }

  /** Newest first, keyset-paginated on (started_at, id). */
  list(q: EventQuery = {}): { items: EventRecord[]; nextCursor: string | null } {
    const where: string[] = [];
    const p: Record<string, unknown> = {};
    if (q.cameraId !== undefined) { where.push('e.camera_id = @cameraId'); p.cameraId = q.cameraId; }
    if (q.personId !== undefined) { where.push('e.person_id = @personId'); p.personId = q.personId; }
    if (q.decision !== undefined) { where.push('e.decision = @decision'); p.decision = q.decision; }
    if (q.from !== undefined) { where.push('e.started_at >= @from'); p.from = q.from; }
    if (q.to !== undefined) { where.push('e.started_at < @to'); p.to = q.to; }
    if (q.minConfidence !== undefined) {
      if (!(q.minConfidence >= 0 && q.minConfidence <= 1)) throw new InvalidInputError('invalid event query', [{ path: 'minConfidence', message: 'must be in [0, 1]' }]);
      where.push('e.confidence >= @minConfidence'); p.minConfidence = q.minConfidence;
    }
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['number', 'string']);
      where.push('(e.started_at < @ct OR (e.started_at = @ct AND e.id < @cid))');
      p.ct = t; p.cid = id;
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    p.limit = limit + 1;
    const rows = this.#reader.prepare<Record<string, unknown>, EventRow>(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.started_at DESC, e.id DESC LIMIT @limit`,
    ).all(p);
    const items = rows.slice(0, limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.startedAt, last.id]) : null };
  }

  counts(from: number, to: number): Record<Decision, number> {
    const out: Record<Decision, number> = { pending: 0, recognized: 0, unknown: 0 };
    for (const r of this.#counts.all({ from, to })) out[r.decision] = r.n;
    return out;
  }
}

function toRecord(r: EventRow): EventRecord {
  return {
    id: r.id, cameraId: r.camera_id, cameraName: r.camera_name, startedAt: r.started_at, endedAt: r.ended_at, decidedAt: r.decided_at,
    decision: r.decision, personId: r.person_id, personName: r.person_name, watchlist: r.watchlist === 1, confidence: r.confidence,
    distance: r.distance, margin: r.margin, votes: readJson(r.votes_json), frameCount: r.frame_count, box: JSON.parse(r.best_box_json) as Box,
    score: r.best_score, quality: readJson(r.best_quality_json), faceSnapshot: r.face_snapshot, frameSnapshot: r.frame_snapshot,
    frameWidth: r.frame_width, frameHeight: r.frame_height, model: r.model, timings: readJson(r.timings_json), traceId: r.trace_id,
    flags: JSON.parse(r.flags_json) as EventFlag[], acknowledgedBy: r.acknowledged_by, acknowledgedAt: r.acknowledged_at,
    correctedBy: r.corrected_by, correctedAt: r.corrected_at, correction: readJson<Correction>(r.correction_json),
  };
}
