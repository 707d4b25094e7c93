// The operational event log: detection, camera_connection, model_fallback and other host events,
// with the spec's indexed fields as columns and the rest of each shape in payload_json.
import { InvalidInputError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { newId } from '../ids.ts';
import type { Connections } from './connections.ts';

export type Severity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** Known event types; others (e.g. 'engine_restart', 'retention') are allowed as plain strings. */
export type EventLogType = 'detection' | 'camera_connection' | 'model_fallback' | (string & {});

export interface EventLogInput {
  type: EventLogType;
  severity?: Severity;
  at?: number;
  cameraId?: string | null;
  cameraName?: string | null;
  frameId?: string | null;
  traceId?: string | null;
  detectionId?: string | null;
  message?: string | null;
  processingTimeMs?: number | null;
  modelUsed?: string | null;
  /** The rest of the §8.1 shape: detections[], status, connection_attempt, primary/fallback model, reason... */
  payload?: Record<string, unknown>;
}

export interface EventLogEntry extends Required<Omit<EventLogInput, 'payload'>> {
  id: string;
  seq: number;
  payload: Record<string, unknown>;
}

export interface EventLogQuery {
  type?: string;
  cameraId?: string;
  minSeverity?: Severity;
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string | null;
}

const SEVERITY_RANK: Record<Severity, number> = { debug: 0, info: 1, warning: 2, error: 3, critical: 4 };

interface LogRow {
  seq: number; id: string; type: string; severity: Severity; at: number; camera_id: string | null; camera_name: string | null;
  frame_id: string | null; trace_id: string | null; detection_id: string | null; message: string | null;
  processing_time_ms: number | null; model_used: string | null; payload_json: string;
}

export class EventLogRepository {
  readonly #reader;
  readonly #insert;

  constructor(db: Connections) {
    this.#reader = db.reader;
    this.#insert = db.writer.prepare(
      `INSERT INTO event_log (id, type, severity, at, camera_id, camera_name, frame_id, trace_id, detection_id, message, processing_time_ms, model_used, payload_json)
       VALUES (@id, @type, @severity, @at, @cameraId, @cameraName, @frameId, @traceId, @detectionId, @message, @processingTimeMs, @modelUsed, @payload)`,
    );
  }

  /** Appends one entry (use through the write queue on hot paths). Returns its id (`evt_…`). */
  append(e: EventLogInput): string {
    const id = newId('evt');
    const severity = e.severity ?? 'info';
    if (!(severity in SEVERITY_RANK)) throw new InvalidInputError('invalid event log entry', [{ path: 'severity', message: `unknown severity ${severity}` }]);
    this.#insert.run({
      id, type: e.type, severity, at: e.at ?? Date.now(), cameraId: e.cameraId ?? null, cameraName: e.cameraName ?? null,
      frameId: e.frameId ?? null, traceId: e.traceId ?? null, detectionId: e.detectionId ?? null, message: e.message ?? null,
      processingTimeMs: e.processingTimeMs ?? null, modelUsed: e.modelUsed ?? null, payload: JSON.stringify(e.payload ?? {}),
    });
    return id;
  }

  /** Newest first. */
  list(q: EventLogQuery = {}): { items: EventLogEntry[]; nextCursor: string | null } {
    const where: string[] = [];
    const p: Record<string, unknown> = {};
    if (q.type !== undefined) { where.push('type = @type'); p.type = q.type; }
    if (q.cameraId !== undefined) { where.push('camera_id = @cameraId'); p.cameraId = q.cameraId; }
    if (q.from !== undefined) { where.push('at >= @from'); p.from = q.from; }
    if (q.to !== undefined) { where.push('at < @to'); p.to = q.to; }
    if (q.minSeverity !== undefined) {
      const allowed = (Object.keys(SEVERITY_RANK) as Severity[]).filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[q.minSeverity!]);
      where.push(`severity IN (${allowed.map((s) => `'${s}'`).join(', ')})`);
    }
    if (q.cursor) {
      const [seq] = decodeCursor(q.cursor, ['number']);
      where.push('seq < @seq'); p.seq = seq;
    }
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    p.limit = limit + 1;
    const rows = this.#reader.prepare<Record<string, unknown>, LogRow>(
      `SELECT * FROM event_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`,
    ).all(p);
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id, seq: r.seq, type: r.type, severity: r.severity, at: r.at, cameraId: r.camera_id, cameraName: r.camera_name,
      frameId: r.frame_id, traceId: r.trace_id, detectionId: r.detection_id, message: r.message,
      processingTimeMs: r.processing_time_ms, modelUsed: r.model_used, payload: JSON.parse(r.payload_json) as Record<string, unknown>,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null };
  }
}
