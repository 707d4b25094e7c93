// One camera for arrivals and departures (role "any"), as a pure policy: the first sighting of the day checks in,
// the last one is the check-out only once it has settled; until then the person is "In now".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { computeDay, settleAnyCheckOut, type AnyCameraRule, type PunchLike, type ShiftRule } from './day-rules.ts';

const Z = 'Europe/Berlin';
const at = (hhmm: string, day = '2025-11-06') => DateTime.fromISO(`${day}T${hhmm}`, { zone: Z }).toMillis();
const RULE: AnyCameraRule = { sameArrivalMs: 5 * 60_000, quietMs: 60 * 60_000 };
const OFFICE: ShiftRule = { id: 'shf', start: '09:00', end: '17:00', graceMinutes: 10, days: [1, 2, 3, 4, 5] }; // 2025-11-06 is a Thursday
const any = (...times: string[]): PunchLike[] => times.map((t) => ({ at: at(t), role: 'any' }));
const day = (punches: PunchLike[], now: string, shift: ShiftRule | null = OFFICE, extra: Partial<Parameters<typeof computeDay>[0]> = {}) =>
  computeDay({ day: '2025-11-06', zone: Z, shift, punches, now: at(now), anyCamera: RULE, ...extra });
const inNow = (r: ReturnType<typeof day>) => r.checkIn !== null && r.checkOut === null;

describe('any-role camera: first sighting in, last sighting out once settled', () => {
  it('a second sighting within the same arrival is not a check-out', () => {
    const r = day(any('08:55', '08:57'), '09:30');
    assert.equal(r.checkIn, at('08:55'));
    assert.equal(r.checkOut, null);
    assert.equal(r.lastSeen, null, 'two minutes later is the same arrival, not even a provisional check-out');
    assert.equal(r.status, 'present');
    assert.ok(inNow(r));
  });

  it('a later sighting during the shift keeps the person "In now" with a provisional check-out', () => {
    const r = day(any('08:55', '12:00', '12:45'), '14:00');
    assert.ok(inNow(r));
    assert.equal(r.lastSeen, at('12:45'));
    assert.equal(r.settlesAt, at('18:00'), 'an hour after the shift end');
    assert.equal(r.workedMinutes, 0);
    assert.equal(r.earlyLeaveMinutes, 0);
  });

  it('settles to the last sighting an hour after the later of the shift end and that sighting', () => {
    const before = day(any('08:55', '17:20'), '18:19');
    assert.ok(inNow(before));
    assert.equal(before.settlesAt, at('18:20'));
    const after = day(any('08:55', '17:20'), '18:20');
    assert.equal(after.checkOut, at('17:20'));
    assert.equal(after.lastSeen, null);
    assert.equal(after.settlesAt, null);
    assert.equal(after.workedMinutes, 8 * 60 + 25);
  });

  it('someone last seen at lunch who never came back is checked out then, with the early leave, after the shift', () => {
    const r = day(any('08:55', '12:45'), '18:00');
    assert.equal(r.checkOut, at('12:45'));
    assert.equal(r.earlyLeaveMinutes, 4 * 60 + 15);
  });

  it('without a shift the day end settles it; an exit camera is a check-out at once', () => {
    const open = day(any('10:00', '15:00'), '23:59', null);
    assert.ok(inNow(open));
    assert.equal(open.settlesAt, at('00:00', '2025-11-07'));
    assert.equal(day(any('10:00', '15:00'), '08:00', null, { now: at('08:00', '2025-11-07') }).checkOut, at('15:00'));
    const exit = day([...any('08:55'), { at: at('12:00'), role: 'exit' }], '12:01');
    assert.equal(exit.checkOut, at('12:00'));
    assert.equal(exit.settlesAt, null);
  });

  it('a sighting after an exit punch reopens the day; a manual check-out ends what is pending', () => {
    const back = day([...any('08:55'), { at: at('12:00'), role: 'exit' }, ...any('12:40')], '13:00');
    assert.ok(inNow(back), 'seen again after leaving: back in');
    const corrected = day(any('08:55', '12:45'), '14:00', OFFICE, {
      corrections: [{ field: 'check_out', value: at('13:30'), reason: 'left for a client', correctedBy: 'admin', createdAt: at('14:00') }],
    });
    assert.equal(corrected.checkOut, at('13:30'));
    assert.equal(corrected.settlesAt, null);
    assert.equal(corrected.lastSeen, null);
  });

  it('settleAnyCheckOut never waits past the end of the day', () => {
    const dayEnd = at('00:00', '2025-11-07');
    assert.deepEqual(settleAnyCheckOut({ lastSighting: at('23:30'), shiftEnd: at('17:00'), dayEnd, quietMs: RULE.quietMs, now: at('23:45') }), { checkOut: null, settlesAt: dayEnd });
    assert.deepEqual(settleAnyCheckOut({ lastSighting: at('23:30'), shiftEnd: at('17:00'), dayEnd, quietMs: RULE.quietMs, now: dayEnd }), { checkOut: at('23:30'), settlesAt: null });
  });
});
