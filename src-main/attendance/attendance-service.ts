// Turns recognized decisions into punches and keeps the daily records current. Every method is synchronous and
// meant to run inside one write (`store.write(() => attendance.recordRecognition(...))`) so a punch and the day it
// changes commit together. Punches are never deleted: a corrected event voids the ones it produced.
import { DateTime } from 'luxon';
import { InvalidInputError, NotFoundError } from '../storage/errors.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { PunchRecord } from '../storage/repositories/attendance.ts';
import type { CameraRole } from '../../src-contract/camera-config.ts';
import { attendanceDayOf, computeDay, dayWindow, type DayRecord, type ShiftRule } from './day-rules.ts';

export type PunchOutcome =
  | { recorded: false; reason: 'duplicate'; punch: PunchRecord }
  | {
    recorded: true; punch: PunchRecord; day: string; kind: 'check_in' | 'check_out' | null; record: DayRecord;
    /** Within the minimum punch gap of the person's previous punch: stored (it can become the check-in or
     *  check-out after a correction) but not announced as a new punch. */
    withinGap: boolean;
  };

type Store = Pick<HostStore, 'attendance' | 'persons' | 'shifts' | 'settings'>;

export class AttendanceService {
  constructor(private readonly store: Store, private readonly clock: () => number = Date.now) {}

  /**
   * A decided `recognized` event seen by a camera with `role`. Every sighting is stored as a punch, also those
   * within the minimum gap of the previous one: the day is always the first/last of all remaining sightings, so
   * voiding one (a wrong match) leaves the next as the check-in. The gap only decides what is announced.
   */
  recordRecognition(input: { personId: string; at: number; role: CameraRole; cameraId?: string | null; eventId?: string | null }): PunchOutcome {
    const settings = this.store.settings.get();
    const gapMs = settings.attendance.min_punch_gap_minutes * 60_000;
    if (input.eventId) {
      const existing = this.store.attendance.livePunchOfEvent(input.eventId, input.personId);
      if (existing) return { recorded: false, reason: 'duplicate', punch: existing };
    }
    const last = this.store.attendance.lastPunch(input.personId);
    const withinGap = last !== null && Math.abs(input.at - last.at) < gapMs;
    const punch = this.store.attendance.insertPunch({ personId: input.personId, at: input.at, role: input.role, cameraId: input.cameraId ?? null, eventId: input.eventId ?? null });
    const shift = this.#shiftOf(input.personId);
    const day = attendanceDayOf(input.at, settings.timezone, shift);
    const record = this.recomputeDay(input.personId, day);
    const kind = record.checkIn === punch.at ? 'check_in' : record.checkOut === punch.at ? 'check_out' : null;
    return { recorded: true, punch, day, kind, record, withinGap };
  }

  /**
   * The pipeline's AttendanceSink (src-main/pipeline/track-recorder.ts): a recognized sighting → the punch it made,
   * or null when it is not news (within the min gap of the last punch, a repeat of the same event) or was neither
   * the day's check-in nor its check-out.
   */
  recordSighting(s: { personId: string; cameraId: string; role: CameraRole; at: number; eventId: string }): { kind: 'check_in' | 'check_out'; date: string; at: number } | null {
    const r = this.recordRecognition(s);
    return r.recorded && r.kind && !r.withinGap ? { kind: r.kind, date: r.day, at: r.punch.at } : null;
  }

  /**
   * Manual correction of a day's check-in and/or check-out (null clears it). The punches stay untouched; the
   * correction row records who, why, and the value it replaced.
   */
  correct(input: { personId: string; day: string; checkIn?: number | null; checkOut?: number | null; reason: string; by: string }): DayRecord {
    if (input.checkIn === undefined && input.checkOut === undefined) throw new InvalidInputError('nothing to correct: give checkIn and/or checkOut');
    if (!input.reason || input.reason.trim().length < 3) throw new InvalidInputError('invalid correction', [{ path: 'reason', message: 'say why (3+ characters)' }]);
    if (!input.by) throw new InvalidInputError('invalid correction', [{ path: 'by', message: 'who corrects must be recorded' }]);
    const before = this.recomputeDay(input.personId, input.day);
    const window = dayWindow(input.day, before.timeZone, this.#shiftOf(input.personId));
    for (const [field, value, previous] of [['check_in', input.checkIn, before.checkIn], ['check_out', input.checkOut, before.checkOut]] as const) {
      if (value === undefined) continue;
      if (value !== null && (value < window.from || value >= window.to)) {
        throw new InvalidInputError('invalid correction', [{ path: field, message: `outside attendance day ${input.day}` }]);
      }
      this.store.attendance.insertCorrection({ personId: input.personId, day: input.day, field, value, previous, reason: input.reason.trim(), correctedBy: input.by }, this.clock());
    }
    return this.recomputeDay(input.personId, input.day);
  }

  /**
   * A detection event was corrected: the punches it had produced stop counting (voided, kept with who/when/why) and
   * those people's days are recomputed; then `to` (the person it now names, where the event has a camera) gets the
   * punch the sighting stands for. Manual corrections still overlay every recomputed day.
   */
  reassignEvent(input: {
    eventId: string;
    to: { personId: string; at: number; role: CameraRole; cameraId: string | null } | null;
    by: string;
    reason: string | null;
  }): { voided: PunchRecord[]; days: Array<{ personId: string; day: string; record: DayRecord }>; punch: PunchOutcome | null } {
    if (!input.by) throw new InvalidInputError('invalid event correction', [{ path: 'by', message: 'who corrects must be recorded' }]);
    const why = `event ${input.eventId} corrected to ${input.to?.personId ?? 'unknown'}${input.reason?.trim() ? `: ${input.reason.trim()}` : ''}`;
    const voided = this.store.attendance.voidPunchesOfEvent(input.eventId, { by: input.by, reason: why }, this.clock());
    const touched = new Map<string, { personId: string; day: string }>();
    for (const p of voided) {
      const day = this.dayOf(p.personId, p.at);
      touched.set(`${p.personId}|${day}`, { personId: p.personId, day });
    }
    const days = [...touched.values()].map((d) => ({ ...d, record: this.recomputeDay(d.personId, d.day) }));
    const punch = input.to ? this.recordRecognition({ ...input.to, eventId: input.eventId }) : null;
    return { voided, days, punch };
  }

  /** Recomputes and stores one person's day from its punches and corrections. */
  recomputeDay(personId: string, day: string, now = this.clock()): DayRecord {
    const settings = this.store.settings.get();
    const zone = settings.timezone;
    const shift = this.#shiftOf(personId);
    const window = dayWindow(day, zone, shift);
    const record = computeDay({
      day, zone, shift, now, startDate: this.startDateOf(personId),
      anyCamera: { sameArrivalMs: settings.attendance.min_punch_gap_minutes * 60_000, quietMs: settings.attendance.any_camera_quiet_minutes * 60_000 },
      punches: this.store.attendance.punchesBetween(personId, window.from, window.to),
      corrections: this.store.attendance.corrections(personId, day),
    });
    if (record.status === 'off' && record.punchCount === 0 && !record.corrected) {
      // Nothing to report: no shift that day (or before the start date) and nobody came. Not a row (it would be
      // counted in reports), and a stale "absent" from before the start date goes away.
      this.store.attendance.deleteDay(personId, day);
      return record;
    }
    this.store.attendance.upsertDay({
      personId, day, timeZone: zone, shiftId: record.shiftId, status: record.status, checkIn: record.checkIn, checkOut: record.checkOut,
      lateMinutes: record.lateMinutes, earlyLeaveMinutes: record.earlyLeaveMinutes, workedMinutes: record.workedMinutes,
      corrected: record.corrected, record, computedAt: now, lastSeen: record.lastSeen, settlesAt: record.settlesAt,
    });
    return record;
  }

  /** Recomputes the days whose provisional any-camera check-out is due (the last sighting becomes the check-out). */
  settleDue(now = this.clock()): number {
    const due = this.store.attendance.unsettledDue(now);
    for (const d of due) this.recomputeDay(d.personId, d.day, now);
    return due.length;
  }

  /** Recomputes a day for everyone who has a shift (marks absences once shifts are over). Returns how many. */
  refreshDay(day: string, now = this.clock()): number {
    const people = this.store.persons.activeWithShift();
    for (const p of people) this.recomputeDay(p.id, day, now);
    return people.length;
  }

  /** First day the person's attendance counts: their start date, or the day they were enrolled (site zone). */
  startDateOf(personId: string): string {
    const person = this.store.persons.get(personId);
    if (!person) throw new NotFoundError('person', personId);
    return person.startDate ?? DateTime.fromMillis(person.createdAt, { zone: this.store.settings.get().timezone }).toISODate()!;
  }

  /** The attendance day an instant belongs to for this person (their shift may move the boundary). */
  dayOf(personId: string, at: number): string {
    return attendanceDayOf(at, this.store.settings.get().timezone, this.#shiftOf(personId));
  }

  #shiftOf(personId: string): ShiftRule | null {
    const person = this.store.persons.get(personId);
    if (!person) throw new NotFoundError('person', personId);
    if (!person.shiftId) return null;
    const s = this.store.shifts.get(person.shiftId);
    return s ? { id: s.id, start: s.start, end: s.end, graceMinutes: s.graceMinutes, days: s.days } : null;
  }
}
