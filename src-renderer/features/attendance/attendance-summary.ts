// Aggregations of attendance days for the range report, the daily presence chart and a person's summary.
import type { AttendanceDay } from '../../../src-contract/schemas.ts';
import { addDays } from '../../ui/format.ts';

// Attended = checked in (on time or late). "Not arrived yet" (in_progress) is neither present nor absent.
const attended = (d: AttendanceDay) => d.status === 'present' || d.status === 'late';

/** "In now": checked in and not checked out (docs/attendance.md). */
export const inNow = (d: Pick<AttendanceDay, 'check_in' | 'check_out'>) => d.check_in !== null && d.check_out === null;

export interface PersonTotals {
  person_id: string; person_name: string; employee_id: string; department: string;
  days_present: number; late: number; absent: number; worked_minutes: number; late_minutes: number; corrected: number;
}

export function totalsPerPerson(days: AttendanceDay[]): PersonTotals[] {
  const by = new Map<string, PersonTotals>();
  for (const d of days) {
    let t = by.get(d.person_id);
    if (!t) {
      t = { person_id: d.person_id, person_name: d.person_name, employee_id: d.employee_id, department: d.department, days_present: 0, late: 0, absent: 0, worked_minutes: 0, late_minutes: 0, corrected: 0 };
      by.set(d.person_id, t);
    }
    if (attended(d)) t.days_present++;
    if (d.status === 'late') t.late++;
    if (d.status === 'absent') t.absent++;
    t.worked_minutes += d.worked_minutes;
    t.late_minutes += d.late_minutes;
    if (d.corrected) t.corrected++;
  }
  return [...by.values()].sort((a, b) => a.department.localeCompare(b.department) || a.person_name.localeCompare(b.person_name));
}

export interface DailyPresence { date: string; present: number; late: number; absent: number }

/** One entry per calendar day from `from` to `to` inclusive, zero-filled. "present" counts on-time arrivals. */
export function dailyPresence(days: AttendanceDay[], from: string, to: string): DailyPresence[] {
  const out = new Map<string, DailyPresence>();
  for (let d = from, guard = 0; d <= to && guard < 400; d = addDays(d, 1), guard++) out.set(d, { date: d, present: 0, late: 0, absent: 0 });
  for (const d of days) {
    const e = out.get(d.date);
    if (!e) continue;
    if (d.status === 'late') e.late++;
    else if (d.status === 'absent') e.absent++;
    else if (attended(d)) e.present++;
  }
  return [...out.values()];
}

export interface PersonSummary { attended: number; late: number; absent: number; worked_minutes: number; avg_check_in_minutes: number | null }

/** For one person: days attended, late, absent, total worked, and the average local check-in time (minutes after midnight). */
export function personSummary(days: AttendanceDay[]): PersonSummary {
  let sum = 0;
  let n = 0;
  for (const d of days) {
    if (!d.check_in) continue;
    const t = new Date(d.check_in);
    sum += t.getHours() * 60 + t.getMinutes();
    n++;
  }
  return {
    attended: days.filter(attended).length,
    late: days.filter((d) => d.status === 'late').length,
    absent: days.filter((d) => d.status === 'absent').length,
    worked_minutes: days.reduce((s, d) => s + d.worked_minutes, 0),
    avg_check_in_minutes: n ? Math.round(sum / n) : null,
  };
}

export const clockOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
