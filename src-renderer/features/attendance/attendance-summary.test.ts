import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttendanceDay } from '../../../src-contract/schemas.ts';
import { clockOf, dailyPresence, inNow, personSummary, totalsPerPerson } from './attendance-summary.ts';

const day = (person_id: string, date: string, status: AttendanceDay['status'], worked = 0, check_in: string | null = null): AttendanceDay => ({
  person_id, person_name: person_id === 'p1' ? 'Ada' : 'Bob', employee_id: person_id.toUpperCase(), department: person_id === 'p1' ? 'R&D' : 'Ops',
  date, check_in, check_out: null, status, late_minutes: status === 'late' ? 12 : 0, early_leave_minutes: 0, worked_minutes: worked, corrected: false,
});

test('totals per person for the range report', () => {
  const rows = totalsPerPerson([
    day('p1', '2024-05-01', 'present', 480), day('p1', '2024-05-02', 'late', 450), day('p1', '2024-05-03', 'absent'),
    day('p2', '2024-05-01', 'in_progress', 120), day('p2', '2024-05-02', 'off'),
  ]);
  // Sorted by department ("Ops" before "R&D"), then name. "Not arrived yet" (in_progress) is not a day present.
  assert.deepEqual(rows.map((r) => [r.person_name, r.days_present, r.late, r.absent, r.worked_minutes, r.late_minutes]), [
    ['Bob', 0, 0, 0, 120, 0],
    ['Ada', 2, 1, 1, 930, 12],
  ]);
});

test('daily presence is zero-filled across the whole range', () => {
  const series = dailyPresence([day('p1', '2024-02-28', 'present'), day('p2', '2024-02-28', 'late'), day('p1', '2024-03-01', 'absent'), day('p1', '2024-04-01', 'present')], '2024-02-28', '2024-03-01');
  assert.deepEqual(series, [
    { date: '2024-02-28', present: 1, late: 1, absent: 0 },
    { date: '2024-02-29', present: 0, late: 0, absent: 0 },
    { date: '2024-03-01', present: 0, late: 0, absent: 1 },
  ]);
});

test('a person summary averages the local check-in time', () => {
  const at = (h: number, m: number) => new Date(2024, 4, 1, h, m).toISOString();
  const s = personSummary([day('p1', '2024-05-01', 'present', 480, at(8, 50)), day('p1', '2024-05-02', 'late', 400, at(9, 20)), day('p1', '2024-05-03', 'absent')]);
  assert.deepEqual(s, { attended: 2, late: 1, absent: 1, worked_minutes: 880, avg_check_in_minutes: 9 * 60 + 5 });
  assert.equal(clockOf(s.avg_check_in_minutes!), '09:05');
  assert.equal(personSummary([]).avg_check_in_minutes, null);
});

test('"In now" is checked in and not checked out; no check-in is never "in now"', () => {
  assert.equal(inNow({ check_in: null, check_out: null }), false);
  assert.equal(inNow({ check_in: '2024-05-01T08:00:00Z', check_out: null }), true);
  assert.equal(inNow({ check_in: '2024-05-01T08:00:00Z', check_out: '2024-05-01T17:00:00Z' }), false);
});
