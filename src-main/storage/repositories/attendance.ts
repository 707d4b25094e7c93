// Attendance rows: raw punches (never edited, only voided when the event they came from is corrected),
// corrections (overlays that keep what they replaced) and the materialised daily records computed from both by
// src-main/attendance.
import { newId } from '../ids.ts';
import type { Connections } from './connections.ts';

export type CameraRole = 'entry' | 'exit' | 'any';
export type DayStatus = 'present' | 'late' | 'absent' | 'off' | 'in_progress';

export interface PunchRecord {
  id: string;
  personId: string;
  at: number;
  role: CameraRole;
  cameraId: string | null;
  eventId: string | null;
  source: 'camera' | 'manual';
  createdBy: string | null;
  createdAt: number;
  /** Set when the punch no longer counts (its event was corrected); the row stays as the audit of what was. */
  voidedAt: number | null;
  voidedBy: string | null;
  voidReason: string | null;
}

export interface CorrectionRecord {
  id: string;
  personId: string;
  day: string;
  field: 'check_in' | 'check_out';
  /** Epoch ms, or null to clear the field. */
  value: number | null;
  previous: number | null;
  reason: string;
  correctedBy: string;
  createdAt: number;
}

/** The summary of one attendance day that is stored in columns (the attendance rules' DayRecord extends it). */
export interface DaySummary {
  day: string;
  timeZone: string;
  shiftId: string | null;
  status: DayStatus;
  checkIn: number | null;
  checkOut: number | null;
  lateMinutes: number;
  earlyLeaveMinutes: number;
  workedMinutes: number;
  corrected: boolean;
  /** Any-role cameras: the last sighting after the check-in while it is not yet the check-out (null otherwise). */
  lastSeen?: number | null;
  /** When `lastSeen` becomes the check-out unless the person is seen again (null: nothing pending). */
  settlesAt?: number | null;
}

export interface DayRow extends DaySummary {
  personId: string;
  /** The full computed record (originals, corrections applied) as produced by the attendance rules. */
  record: unknown;
  computedAt: number;
}

export interface DayRowWithPerson extends DayRow {
  personName: string;
  employeeId: string;
  department: string;
}

interface PunchDbRow {
  id: string; person_id: string; at: number; role: CameraRole; camera_id: string | null; event_id: string | null; source: 'camera' | 'manual';
  created_by: string | null; created_at: number; voided_at: number | null; voided_by: string | null; void_reason: string | null;
}
interface CorrectionDbRow { id: string; person_id: string; day: string; field: 'check_in' | 'check_out'; value_json: string; previous_json: string; reason: string; corrected_by: string; created_at: number }
interface DayDbRow {
  person_id: string; day: string; time_zone: string; shift_id: string | null; status: DayStatus; check_in: number | null; check_out: number | null;
  late_minutes: number; early_leave_minutes: number; worked_minutes: number; corrected: number; record_json: string; computed_at: number;
  last_seen: number | null; settles_at: number | null;
  person_name?: string; employee_id?: string; department?: string | null;
}

export class AttendanceRepository {
  readonly #reader;
  readonly #insertPunch;
  readonly #lastPunch;
  readonly #punchesBetween;
  readonly #punchesOfEvent;
  readonly #voidPunch;
  readonly #insertCorrection;
  readonly #corrections;
  readonly #upsertDay;
  readonly #getDay;
  readonly #deleteDay;

  constructor(db: Connections) {
    this.#reader = db.reader;
    this.#insertPunch = db.writer.prepare(
      `INSERT INTO attendance_punches (id, person_id, at, role, camera_id, event_id, source, created_by, created_at)
       VALUES (@id, @personId, @at, @role, @cameraId, @eventId, @source, @createdBy, @createdAt)`,
    );
    // Punch reads happen inside the write that follows them (min-gap check, recompute): use the writer.
    this.#lastPunch = db.writer.prepare<[string], PunchDbRow>('SELECT * FROM attendance_punches WHERE person_id = ? AND voided_at IS NULL ORDER BY at DESC LIMIT 1');
    this.#punchesBetween = db.writer.prepare<[string, number, number], PunchDbRow>(
      'SELECT * FROM attendance_punches WHERE person_id = ? AND at >= ? AND at < ? AND voided_at IS NULL ORDER BY at, id',
    );
    this.#punchesOfEvent = db.writer.prepare<[string], PunchDbRow>('SELECT * FROM attendance_punches WHERE event_id = ? ORDER BY created_at, rowid');
    this.#voidPunch = db.writer.prepare('UPDATE attendance_punches SET voided_at = @at, voided_by = @by, void_reason = @reason WHERE id = @id AND voided_at IS NULL');
    this.#insertCorrection = db.writer.prepare(
      `INSERT INTO attendance_corrections (id, person_id, day, field, value_json, previous_json, reason, corrected_by, created_at)
       VALUES (@id, @personId, @day, @field, @value, @previous, @reason, @correctedBy, @createdAt)`,
    );
    this.#corrections = db.writer.prepare<[string, string], CorrectionDbRow>('SELECT * FROM attendance_corrections WHERE person_id = ? AND day = ? ORDER BY created_at, rowid');
    this.#upsertDay = db.writer.prepare(
      `INSERT INTO attendance_days (person_id, day, time_zone, shift_id, status, check_in, check_out, late_minutes, early_leave_minutes, worked_minutes, corrected, record_json, computed_at, last_seen, settles_at)
       VALUES (@personId, @day, @timeZone, @shiftId, @status, @checkIn, @checkOut, @lateMinutes, @earlyLeaveMinutes, @workedMinutes, @corrected, @record, @computedAt, @lastSeen, @settlesAt)
       ON CONFLICT (person_id, day) DO UPDATE SET time_zone = excluded.time_zone, shift_id = excluded.shift_id, status = excluded.status,
         check_in = excluded.check_in, check_out = excluded.check_out, late_minutes = excluded.late_minutes,
         early_leave_minutes = excluded.early_leave_minutes, worked_minutes = excluded.worked_minutes, corrected = excluded.corrected,
         record_json = excluded.record_json, computed_at = excluded.computed_at, last_seen = excluded.last_seen, settles_at = excluded.settles_at`,
    );
    this.#deleteDay = db.writer.prepare('DELETE FROM attendance_days WHERE person_id = ? AND day = ?');
    this.#getDay = db.reader.prepare<[string, string], DayDbRow>('SELECT * FROM attendance_days WHERE person_id = ? AND day = ?');
  }

  insertPunch(
    p: Omit<PunchRecord, 'id' | 'createdAt' | 'createdBy' | 'source' | 'voidedAt' | 'voidedBy' | 'voidReason'> & { source?: 'camera' | 'manual'; createdBy?: string | null },
    now = Date.now(),
  ): PunchRecord {
    const rec: PunchRecord = { id: newId('pun'), source: 'camera', createdBy: null, ...p, createdAt: now, voidedAt: null, voidedBy: null, voidReason: null };
    this.#insertPunch.run(rec);
    return rec;
  }

  /** Every punch derived from an event in the order they were made, voided ones included (the audit of its corrections). */
  punchesOfEvent(eventId: string): PunchRecord[] {
    return this.#punchesOfEvent.all(eventId).map(toPunch);
  }

  /** Voids the punches an event still counts for; returns them as voided. Already-voided punches keep their first audit. */
  voidPunchesOfEvent(eventId: string, v: { by: string; reason: string }, now = Date.now()): PunchRecord[] {
    const voided: PunchRecord[] = [];
    for (const p of this.punchesOfEvent(eventId)) {
      if (p.voidedAt !== null) continue;
      this.#voidPunch.run({ id: p.id, at: now, by: v.by, reason: v.reason });
      voided.push({ ...p, voidedAt: now, voidedBy: v.by, voidReason: v.reason });
    }
    return voided;
  }

  lastPunch(personId: string): PunchRecord | null {
    const r = this.#lastPunch.get(personId);
    return r ? toPunch(r) : null;
  }

  punchesBetween(personId: string, from: number, to: number): PunchRecord[] {
    return this.#punchesBetween.all(personId, from, to).map(toPunch);
  }

  insertCorrection(c: Omit<CorrectionRecord, 'id' | 'createdAt'>, now = Date.now()): CorrectionRecord {
    const rec: CorrectionRecord = { id: newId('cor'), ...c, createdAt: now };
    this.#insertCorrection.run({ ...rec, value: JSON.stringify(rec.value), previous: JSON.stringify(rec.previous) });
    return rec;
  }

  corrections(personId: string, day: string): CorrectionRecord[] {
    return this.#corrections.all(personId, day).map((r) => ({
      id: r.id, personId: r.person_id, day: r.day, field: r.field, value: JSON.parse(r.value_json) as number | null,
      previous: JSON.parse(r.previous_json) as number | null, reason: r.reason, correctedBy: r.corrected_by, createdAt: r.created_at,
    }));
  }

  upsertDay(d: DayRow): void {
    this.#upsertDay.run({ ...d, corrected: d.corrected ? 1 : 0, record: JSON.stringify(d.record), lastSeen: d.lastSeen ?? null, settlesAt: d.settlesAt ?? null });
  }

  /** Days whose provisional check-out (any-role cameras) is due to settle at `now`. */
  unsettledDue(now: number): Array<{ personId: string; day: string }> {
    return this.#reader.prepare<[number], { person_id: string; day: string }>('SELECT person_id, day FROM attendance_days WHERE settles_at IS NOT NULL AND settles_at <= ? ORDER BY day')
      .all(now).map((r) => ({ personId: r.person_id, day: r.day }));
  }

  /** Drops a stored day (a day before the person's start date that an earlier refresh marked absent). */
  deleteDay(personId: string, day: string): void {
    this.#deleteDay.run(personId, day);
  }

  /** The person's punch from this event that still counts, if any (a re-decided event does not punch twice). */
  livePunchOfEvent(eventId: string, personId: string): PunchRecord | null {
    return this.punchesOfEvent(eventId).find((p) => p.voidedAt === null && p.personId === personId) ?? null;
  }

  getDay(personId: string, day: string): DayRow | null {
    const r = this.#getDay.get(personId, day);
    return r ? toDay(r) : null;
  }

  /** Daily records for an inclusive date range, with the person's name, employee id and department. */
  listDays(q: { from: string; to: string; personId?: string; department?: string }): DayRowWithPerson[] {
    const where = ['d.day >= @from', 'd.day <= @to'];
    if (q.personId !== undefined) where.push('d.person_id = @personId');
    // Case-insensitive substring, as the people list filters ("sales" finds "Sales").
    if (q.department) where.push(`lower(p.department) LIKE @department ESCAPE '\\'`);
    return this.#reader.prepare<Record<string, unknown>, DayDbRow>(
      `SELECT d.*, p.name AS person_name, p.employee_id, p.department FROM attendance_days d JOIN persons p ON p.id = d.person_id
       WHERE ${where.join(' AND ')} ORDER BY d.day, p.name, d.person_id`,
    ).all({ from: q.from, to: q.to, personId: q.personId, department: q.department ? `%${q.department.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined }).map((r) => ({
      ...toDay(r), personName: r.person_name ?? '', employeeId: r.employee_id ?? '', department: r.department ?? '',
    }));
  }
}

function toPunch(r: PunchDbRow): PunchRecord {
  return {
    id: r.id, personId: r.person_id, at: r.at, role: r.role, cameraId: r.camera_id, eventId: r.event_id, source: r.source, createdBy: r.created_by,
    createdAt: r.created_at, voidedAt: r.voided_at, voidedBy: r.voided_by, voidReason: r.void_reason,
  };
}

function toDay(r: DayDbRow): DayRow {
  return {
    personId: r.person_id, day: r.day, timeZone: r.time_zone, shiftId: r.shift_id, status: r.status, checkIn: r.check_in, checkOut: r.check_out,
    lateMinutes: r.late_minutes, earlyLeaveMinutes: r.early_leave_minutes, workedMinutes: r.worked_minutes, corrected: r.corrected === 1,
    record: JSON.parse(r.record_json), computedAt: r.computed_at, lastSeen: r.last_seen ?? null, settlesAt: r.settles_at ?? null,
  };
}
