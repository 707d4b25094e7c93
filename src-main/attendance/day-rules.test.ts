import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { AttendanceRuleError, attendanceDayOf, computeDay, dayWindow, scheduledShift, type ShiftRule } from './day-rules.ts';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const H = 3_600_000;
const DAY_SHIFT: ShiftRule = { id: 'shf_day', start: '09:00', end: '17:00', graceMinutes: 10, days: [1, 2, 3, 4, 5] };
const NIGHT_SHIFT: ShiftRule = { id: 'shf_night', start: '22:00', end: '06:00', graceMinutes: 5, days: [1, 2, 3, 4, 5, 6, 7] };

test('days change at local midnight in the configured zone', () => {
  const z = 'Europe/Berlin';
  assert.equal(attendanceDayOf(at('2025-11-06T23:59', z), z, null), '2025-11-06');
  assert.equal(attendanceDayOf(at('2025-11-07T00:01', z), z, null), '2025-11-07');
  // One instant, three zones, three answers.
  const instant = Date.UTC(2025, 10, 6, 23, 30);
  assert.equal(attendanceDayOf(instant, 'Europe/Berlin', null), '2025-11-07');
  assert.equal(attendanceDayOf(instant, 'America/New_York', null), '2025-11-06');
  assert.equal(attendanceDayOf(instant, 'UTC', null), '2025-11-06');
  const w = dayWindow('2025-11-06', 'Asia/Kolkata', null);
  assert.equal(w.from, Date.UTC(2025, 10, 5, 18, 30));
  assert.equal(w.to - w.from, 24 * H);
  assert.throws(() => attendanceDayOf(instant, 'Nowhere/Town', null), AttendanceRuleError);
  assert.throws(() => dayWindow('2025-13-40', 'UTC', null), AttendanceRuleError);
});

test('DST: the changeover days are 23 h and 25 h long, and worked time is real elapsed time', () => {
  const z = 'Europe/Berlin';
  const spring = dayWindow('2025-03-30', z, null);
  const autumn = dayWindow('2025-10-26', z, null);
  assert.equal(spring.to - spring.from, 23 * H);
  assert.equal(autumn.to - autumn.from, 25 * H);
  // Night shift across the spring-forward night: 22:00 → 06:00 on the clock is 7 hours.
  const night = computeDay({
    day: '2025-03-29', zone: z, shift: NIGHT_SHIFT, now: at('2025-03-31T00:00', z),
    punches: [{ at: at('2025-03-29T21:55', z), role: 'entry' }, { at: at('2025-03-30T06:05', z), role: 'exit' }],
  });
  assert.equal(night.workedMinutes, 7 * 60 + 10);
  assert.equal(night.scheduled!.end - night.scheduled!.start, 7 * H);
  assert.equal(night.status, 'present');
  // ...and 9 hours across the autumn night.
  const sched = scheduledShift('2025-10-25', z, NIGHT_SHIFT)!;
  assert.equal(sched.end - sched.start, 9 * H);
  // A day shift on the changeover day starts at 09:00 local = 07:00 UTC (summer time already in force).
  assert.equal(scheduledShift('2025-03-31', z, DAY_SHIFT)!.start, Date.UTC(2025, 2, 31, 7));
});

test('overnight shifts: the day runs mid-gap to mid-gap, so the 02:00 check-out belongs to the night before', () => {
  const z = 'America/Chicago';
  assert.equal(attendanceDayOf(at('2025-11-04T02:00', z), z, NIGHT_SHIFT), '2025-11-03');
  assert.equal(attendanceDayOf(at('2025-11-04T13:59', z), z, NIGHT_SHIFT), '2025-11-03');
  assert.equal(attendanceDayOf(at('2025-11-04T14:00', z), z, NIGHT_SHIFT), '2025-11-04');
  assert.equal(attendanceDayOf(at('2025-11-04T02:00', z), z, DAY_SHIFT), '2025-11-04', 'day shifts keep midnight');
  const r = computeDay({
    day: '2025-11-03', zone: z, shift: NIGHT_SHIFT, now: at('2025-11-05T00:00', z),
    punches: [{ at: at('2025-11-03T22:12', z), role: 'any' }, { at: at('2025-11-04T05:30', z), role: 'any' }, { at: at('2025-11-04T22:00', z), role: 'any' }],
  });
  assert.equal(r.checkIn, at('2025-11-03T22:12', z));
  assert.equal(r.checkOut, at('2025-11-04T05:30', z), "the next night's punch is not this day's check-out");
  assert.equal(r.status, 'late');
  assert.equal(r.lateMinutes, 12);
  assert.equal(r.earlyLeaveMinutes, 30);
  assert.equal(r.workedMinutes, 7 * 60 + 18);
});

test('late, grace, early leave, absent, in progress and days off', () => {
  const z = 'UTC';
  const day = '2025-11-06'; // a Thursday
  const t = (hhmm: string) => at(`${day}T${hhmm}`, z);
  const run = (punches: Array<[string, 'entry' | 'exit' | 'any']>, now: string, d = day) =>
    computeDay({ day: d, zone: z, shift: DAY_SHIFT, now: at(now, z), punches: punches.map(([h, role]) => ({ at: at(`${d}T${h}`, z), role })) });

  assert.equal(run([['09:09', 'entry']], `${day}T12:00`).status, 'present', 'inside the grace period');
  const late = run([['09:11', 'entry']], `${day}T12:00`);
  assert.equal(late.status, 'late');
  assert.equal(late.lateMinutes, 11, 'late minutes count from the shift start, not from the end of grace');
  assert.equal(run([], `${day}T08:00`).status, 'in_progress');
  assert.equal(run([], `${day}T16:59`).status, 'in_progress');
  assert.equal(run([], `${day}T17:00`).status, 'absent');
  const left = run([['08:55', 'entry'], ['16:30', 'exit']], `${day}T16:45`);
  assert.equal(left.earlyLeaveMinutes, 0, 'not early leave while the shift is still on');
  const leftAfter = run([['08:55', 'entry'], ['16:30', 'exit']], `${day}T18:00`);
  assert.equal(leftAfter.earlyLeaveMinutes, 30);
  assert.equal(leftAfter.workedMinutes, 7 * 60 + 35);
  assert.equal(run([['16:55', 'exit']], `${day}T18:00`).earlyLeaveMinutes, 0, 'within grace');
  const saturday = computeDay({ day: '2025-11-08', zone: z, shift: DAY_SHIFT, now: t('23:00') + 3 * 24 * H, punches: [] });
  assert.equal(saturday.status, 'off');
  assert.equal(saturday.scheduled, null);
  assert.equal(computeDay({ day, zone: z, shift: null, now: t('23:00'), punches: [{ at: t('10:00'), role: 'any' }] }).status, 'present');
  assert.equal(computeDay({ day, zone: z, shift: null, now: t('23:00'), punches: [] }).status, 'off');
});

test('camera roles: entry only checks in, exit only checks out, any does both', () => {
  const z = 'UTC';
  const t = (h: string) => at(`2025-11-06T${h}`, z);
  const r = computeDay({ day: '2025-11-06', zone: z, shift: null, now: t('23:00'), punches: [
    { at: t('07:00'), role: 'exit' }, // leaving through the exit before any entry: not a check-in
    { at: t('08:00'), role: 'entry' }, { at: t('12:00'), role: 'entry' }, // later entries do not move the check-in or make a check-out
    { at: t('17:00'), role: 'exit' },
  ] });
  assert.equal(r.checkIn, t('08:00'));
  assert.equal(r.checkOut, t('17:00'));
  const entryOnly = computeDay({ day: '2025-11-06', zone: z, shift: null, now: t('23:00'), punches: [{ at: t('08:00'), role: 'entry' }, { at: t('18:00'), role: 'entry' }] });
  assert.equal(entryOnly.checkOut, null);
  const single = computeDay({ day: '2025-11-06', zone: z, shift: null, now: t('23:00'), punches: [{ at: t('08:00'), role: 'any' }] });
  assert.deepEqual([single.checkIn, single.checkOut, single.workedMinutes], [t('08:00'), null, 0]);
  const anyBoth = computeDay({ day: '2025-11-06', zone: z, shift: null, now: t('23:00'), punches: [{ at: t('08:00'), role: 'any' }, { at: t('17:30'), role: 'any' }] });
  assert.deepEqual([anyBoth.checkIn, anyBoth.checkOut, anyBoth.workedMinutes], [t('08:00'), t('17:30'), 570]);
});

test('corrections override computed values, keep the original, and the status follows', () => {
  const z = 'UTC';
  const t = (h: string) => at(`2025-11-06T${h}`, z);
  const r = computeDay({
    day: '2025-11-06', zone: z, shift: DAY_SHIFT, now: t('20:00'),
    punches: [{ at: t('09:40'), role: 'entry' }],
    corrections: [
      { field: 'check_in', value: t('09:30'), reason: 'camera missed him', correctedBy: 'admin', createdAt: 1 },
      { field: 'check_out', value: t('17:05'), reason: 'forgot to pass the exit camera', correctedBy: 'admin', createdAt: 3 },
      { field: 'check_in', value: t('08:58'), reason: 'badge log shows 08:58', correctedBy: 'hr', createdAt: 2 },
    ],
  });
  assert.equal(r.checkIn, t('08:58'), 'latest correction wins');
  assert.equal(r.status, 'present', 'no longer late');
  assert.equal(r.workedMinutes, 8 * 60 + 7);
  assert.deepEqual(r.original, { checkIn: t('09:40'), checkOut: null });
  assert.equal(r.corrected, true);
  assert.deepEqual(r.corrections.map((c) => c.correctedBy), ['admin', 'hr', 'admin']);
});
