// Attendance rules, pure: which attendance day an instant belongs to, and a day's record from its punches,
// shift and corrections. All wall-clock reasoning happens in the site's IANA zone (luxon), all durations in
// real elapsed time, so DST changes give the hours actually worked.
//
// Day boundaries: local midnight, except for overnight shifts (end <= start), whose day runs from the middle of
// the off-duty gap to the next one (22:00-06:00 → 14:00 to 14:00), so the 02:00 check-out of Monday's night shift
// belongs to Monday.
import { DateTime } from 'luxon';
import type { CameraRole } from '../../src-contract/camera-config.ts';
import type { DayStatus, DaySummary } from '../storage/repositories/attendance.ts';

export type { DayStatus };

export interface ShiftRule {
  id?: string;
  /** Local "HH:MM". */
  start: string;
  end: string;
  graceMinutes: number;
  /** ISO weekdays (1 = Monday) on which the shift starts. */
  days: readonly number[];
}

export interface PunchLike {
  at: number;
  role: CameraRole;
}

export interface CorrectionLike {
  field: 'check_in' | 'check_out';
  value: number | null;
  reason: string;
  correctedBy: string;
  createdAt: number;
}

/** How sightings of any-role cameras (one camera for arrivals and departures) end a day; see settleAnyCheckOut. */
export interface AnyCameraRule {
  /** A sighting this soon after the check-in is the same arrival (walking past the camera again), never a check-out. */
  sameArrivalMs: number;
  /** The last sighting becomes the check-out once nobody has seen the person for this long after it and after the
   *  shift's end. */
  quietMs: number;
}

export interface DayRecord extends DaySummary {
  scheduled: { start: number; end: number } | null;
  punchCount: number;
  /** What the punches alone gave, before corrections. */
  original: { checkIn: number | null; checkOut: number | null };
  corrections: CorrectionLike[];
}

export class AttendanceRuleError extends Error {
  override readonly name = 'AttendanceRuleError';
}

const MINUTE = 60_000;

function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new AttendanceRuleError(`bad time "${hhmm}", expected HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isOvernight(shift: ShiftRule): boolean {
  return minutesOf(shift.end) <= minutesOf(shift.start);
}

/** Local minute of day at which attendance days change over. */
function boundaryMinute(shift: ShiftRule | null): number {
  if (!shift || !isOvernight(shift)) return 0;
  const start = minutesOf(shift.start);
  const end = minutesOf(shift.end);
  return end + Math.floor((start - end) / 2);
}

function localDate(day: string, zone: string): DateTime {
  const d = DateTime.fromISO(day, { zone });
  if (!d.isValid) throw new AttendanceRuleError(`bad day "${day}" or zone "${zone}": ${d.invalidExplanation ?? d.invalidReason}`);
  return d;
}

function atMinute(d: DateTime, minute: number): DateTime {
  return d.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
}

export function checkZone(zone: string): void {
  if (!DateTime.now().setZone(zone).isValid) throw new AttendanceRuleError(`unknown time zone "${zone}"`);
}

/** The attendance day (YYYY-MM-DD) an instant belongs to. */
export function attendanceDayOf(at: number, zone: string, shift: ShiftRule | null): string {
  checkZone(zone);
  const local = DateTime.fromMillis(at, { zone });
  const b = boundaryMinute(shift);
  return (local.hour * 60 + local.minute < b ? local.minus({ days: 1 }) : local).toISODate()!;
}

/** The instants [from, to) that make up an attendance day. */
export function dayWindow(day: string, zone: string, shift: ShiftRule | null): { from: number; to: number } {
  const d = localDate(day, zone);
  const b = boundaryMinute(shift);
  return { from: atMinute(d, b).toMillis(), to: atMinute(d.plus({ days: 1 }), b).toMillis() };
}

/** Scheduled start/end of the shift on that day, or null when the shift does not start that day. */
export function scheduledShift(day: string, zone: string, shift: ShiftRule | null): { start: number; end: number } | null {
  if (!shift) return null;
  const d = localDate(day, zone);
  if (!shift.days.includes(d.weekday)) return null;
  const start = atMinute(d, minutesOf(shift.start));
  const end = atMinute(isOvernight(shift) ? d.plus({ days: 1 }) : d, minutesOf(shift.end));
  return { start: start.toMillis(), end: end.toMillis() };
}

/**
 * The check-out an any-role camera gives, as time-attendance terminals that do not know the direction do it
 * ("first punch in, last punch out"): the day's last sighting is the check-out, but only once it cannot be followed
 * by another one. Until it settles the person stays "In now" (checked in, no check-out) with `lastSeen` as the
 * provisional check-out. It settles at the end of the attendance day, or earlier when the person has a shift that
 * day: `quiet` after the later of the last sighting and the shift's end (someone seen at lunch and at their desk
 * the rest of the day is not checked out at 12:45; someone who leaves at 17:20 is checked out at 17:20 once an
 * hour has passed). Pure: `now` decides.
 */
export function settleAnyCheckOut(o: { lastSighting: number; shiftEnd: number | null; dayEnd: number; quietMs: number; now: number }): { checkOut: number | null; settlesAt: number | null } {
  const settlesAt = o.shiftEnd === null ? o.dayEnd : Math.min(o.dayEnd, Math.max(o.lastSighting, o.shiftEnd) + o.quietMs);
  return o.now >= settlesAt ? { checkOut: o.lastSighting, settlesAt: null } : { checkOut: null, settlesAt };
}

/**
 * Check-in: the first punch from an entry or any-role camera. Check-out: the last punch from an exit or any-role
 * camera after the check-in; an any-role one only once it settled (settleAnyCheckOut), and never one within the
 * same arrival (`anyCamera.sameArrivalMs` after the check-in). Corrections then override either field (latest wins); late / early leave / worked
 * time come from the corrected values.
 */
export function computeDay(input: {
  day: string;
  zone: string;
  shift: ShiftRule | null;
  punches: readonly PunchLike[];
  corrections?: readonly CorrectionLike[];
  now: number;
  /** First day the person counts (YYYY-MM-DD): earlier days have no schedule, so they are never absent or late. */
  startDate?: string | null;
  /** Any-role camera rule; absent: their last sighting is the check-out at once (the behaviour before it). */
  anyCamera?: AnyCameraRule;
}): DayRecord {
  const { day, zone, now } = input;
  const shift = input.startDate && day < input.startDate ? null : input.shift;
  const window = dayWindow(day, zone, input.shift); // the day's boundaries follow the shift even before the start date
  const punches = input.punches.filter((p) => p.at >= window.from && p.at < window.to).sort((a, b) => a.at - b.at);
  const ins = punches.filter((p) => p.role !== 'exit');
  const rawIn = ins.length ? ins[0].at : null;
  const sameArrival = input.anyCamera?.sameArrivalMs ?? 0;
  const outs = punches.filter((p) => p.role !== 'entry' && (rawIn === null || p.at > rawIn)
    && !(p.role === 'any' && rawIn !== null && p.at - rawIn < sameArrival));
  const last = outs.length ? outs[outs.length - 1] : null;
  let rawOut = last?.at ?? null;
  let lastSeen: number | null = null;
  let settlesAt: number | null = null;
  if (last?.role === 'any' && input.anyCamera) {
    const settled = settleAnyCheckOut({
      lastSighting: last.at, shiftEnd: scheduledShift(day, zone, shift)?.end ?? null, dayEnd: window.to, quietMs: input.anyCamera.quietMs, now,
    });
    rawOut = settled.checkOut;
    settlesAt = settled.settlesAt;
    if (rawOut === null) lastSeen = last.at;
  }

  let checkIn = rawIn;
  let checkOut = rawOut;
  const corrections = [...(input.corrections ?? [])].sort((a, b) => a.createdAt - b.createdAt);
  for (const c of corrections) {
    if (c.field === 'check_in') checkIn = c.value;
    else checkOut = c.value;
  }
  if (corrections.some((c) => c.field === 'check_out')) {
    lastSeen = null; // a check-out set by hand ends what the camera would have settled
    settlesAt = null;
  }

  const scheduled = scheduledShift(day, zone, shift);
  let status: DayStatus;
  let lateMinutes = 0;
  let earlyLeaveMinutes = 0;
  if (!scheduled) {
    status = checkIn !== null || checkOut !== null ? 'present' : 'off';
  } else if (checkIn === null && checkOut === null) {
    status = now < scheduled.end ? 'in_progress' : 'absent';
  } else {
    const grace = shift!.graceMinutes * MINUTE;
    if (checkIn !== null && checkIn > scheduled.start + grace) lateMinutes = Math.floor((checkIn - scheduled.start) / MINUTE);
    status = lateMinutes > 0 ? 'late' : 'present';
    // Early leave is only known once the shift is over (someone out for lunch has not left early).
    if (now >= scheduled.end && checkOut !== null && checkOut < scheduled.end - grace) {
      earlyLeaveMinutes = Math.floor((scheduled.end - checkOut) / MINUTE);
    }
  }
  const workedMinutes = checkIn !== null && checkOut !== null && checkOut > checkIn ? Math.floor((checkOut - checkIn) / MINUTE) : 0;
  return {
    day, timeZone: zone, shiftId: shift?.id ?? null, scheduled, status, checkIn, checkOut, lateMinutes, earlyLeaveMinutes, workedMinutes,
    punchCount: punches.length, corrected: corrections.length > 0, original: { checkIn: rawIn, checkOut: rawOut }, corrections, lastSeen, settlesAt,
  };
}
