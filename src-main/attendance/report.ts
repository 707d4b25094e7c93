// What the attendance statuses mean, in words, and the totals a report shows: pure, shared by the exports and
// (through the same definitions in docs/attendance.md) the console.
import type { DayStatus } from './day-rules.ts';

/** The one place status codes become words. */
export const STATUS_LABEL: Record<DayStatus, string> = {
  present: 'Present',
  late: 'Late',
  absent: 'Absent',
  in_progress: 'Not arrived yet',
  off: 'Day off',
};

/** One sentence per status: shown as tooltips/legend in the console and in the docs. */
export const STATUS_MEANING: Record<DayStatus, string> = {
  present: 'Checked in on time (within the grace period), or came in on a day without a shift.',
  late: 'Checked in after the shift start plus the grace period.',
  absent: 'A shift day that is over without a check-in.',
  in_progress: 'The shift day is not over and there is no check-in yet (not counted as present or absent).',
  off: 'No shift applies that day (weekend, before the start date) and a correction left no check-in.',
};

/** Days that count as attended: a check-in on time or late. "Not arrived yet" does not. */
export function attended(status: DayStatus): boolean {
  return status === 'present' || status === 'late';
}

/** Checked in and not checked out. */
export function inNow(d: { check_in: string | number | null; check_out: string | number | null }): boolean {
  return d.check_in !== null && d.check_out === null;
}

export interface DayLike {
  person_id: string; person_name: string; employee_id: string; department: string; date: string; status: DayStatus;
  late_minutes: number; early_leave_minutes: number; worked_minutes: number; corrected: boolean;
}

export interface PersonTotals {
  person_id: string; person_name: string; employee_id: string; department: string;
  days_present: number; late: number; absent: number; worked_minutes: number; late_minutes: number; early_leave_minutes: number; corrected: number;
}

export function totalsPerPerson(days: readonly DayLike[]): PersonTotals[] {
  const by = new Map<string, PersonTotals>();
  for (const d of days) {
    let t = by.get(d.person_id);
    if (!t) {
      t = { person_id: d.person_id, person_name: d.person_name, employee_id: d.employee_id, department: d.department, days_present: 0, late: 0, absent: 0, worked_minutes: 0, late_minutes: 0, early_leave_minutes: 0, corrected: 0 };
      by.set(d.person_id, t);
    }
    if (attended(d.status)) t.days_present++;
    if (d.status === 'late') t.late++;
    if (d.status === 'absent') t.absent++;
    t.worked_minutes += d.worked_minutes;
    t.late_minutes += d.late_minutes;
    t.early_leave_minutes += d.early_leave_minutes;
    if (d.corrected) t.corrected++;
  }
  return [...by.values()].sort((a, b) => a.department.localeCompare(b.department) || a.person_name.localeCompare(b.person_name));
}

export interface DailyCounts { date: string; on_time: number; late: number; absent: number }

/** Per calendar day in [from, to]: on time, late, absent (zero-filled). */
export function dailyCounts(days: readonly DayLike[], dates: readonly string[]): DailyCounts[] {
  const out = new Map(dates.map((date) => [date, { date, on_time: 0, late: 0, absent: 0 }]));
  for (const d of days) {
    const e = out.get(d.date);
    if (!e) continue;
    if (d.status === 'present') e.on_time++;
    else if (d.status === 'late') e.late++;
    else if (d.status === 'absent') e.absent++;
  }
  return [...out.values()];
}
