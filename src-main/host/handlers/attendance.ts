// attendance.*, shifts.*: daily records (check-in/out, late, absent, worked time), manual corrections that keep
// the original, shifts, and exports.
import { DateTime } from 'luxon';
import type { AttendanceDay } from '../../../src-contract/schemas.ts';
import { VigilError } from '../../../src-contract/errors.ts';
import type { Shift } from '../../storage/repositories/shifts.ts';
import type { DayRowWithPerson } from '../../storage/repositories/attendance.ts';
import type { Handlers } from '../../core/dispatcher.ts';
import type { HostContext } from '../host-context.ts';
import { isoOrNull } from '../../storage/views.ts';
import { exportTable } from '../exports/table-export.ts';
import { STATUS_LABEL, dailyCounts, totalsPerPerson } from '../../attendance/report.ts';

/** Longest range a report recomputes absences for (older days keep what was stored). */
const MAX_REFRESH_DAYS = 62;

function dayView(r: DayRowWithPerson): AttendanceDay {
  return {
    person_id: r.personId, person_name: r.personName, employee_id: r.employeeId, department: r.department, date: r.day,
    check_in: isoOrNull(r.checkIn), check_out: isoOrNull(r.checkOut), status: r.status, last_seen: isoOrNull(r.lastSeen ?? null),
    late_minutes: r.lateMinutes, early_leave_minutes: r.earlyLeaveMinutes, worked_minutes: r.workedMinutes, corrected: r.corrected,
  };
}

function shiftView(s: Shift) {
  return { id: s.id, name: s.name, start: s.start, end: s.end, grace_minutes: s.graceMinutes, days: s.days };
}

function daysBetween(from: string, to: string): string[] {
  const a = DateTime.fromISO(from, { zone: 'utc' });
  const b = DateTime.fromISO(to, { zone: 'utc' });
  if (!a.isValid || !b.isValid) throw new VigilError('INVALID_REQUEST', 'invalid date', { field: 'from' });
  if (b < a) throw new VigilError('INVALID_REQUEST', '"to" is before "from"', { field: 'to' });
  const out: string[] = [];
  for (let d = a; d <= b && out.length <= 3660; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

export function attendanceHandlers(ctx: HostContext): Handlers {
  /** Marks absences on the days asked for (only days that have started, the last MAX_REFRESH_DAYS). */
  const refresh = async (days: string[]) => {
    const today = DateTime.now().setZone(ctx.store.settings.get().timezone).toISODate()!;
    const todo = days.filter((d) => d <= today).slice(-MAX_REFRESH_DAYS);
    // Any-role cameras: provisional check-outs that are due become check-outs before anything is read.
    await ctx.store.write(() => {
      ctx.attendance.settleDue();
      for (const d of todo) ctx.attendance.refreshDay(d);
    });
  };
  const range = async (from: string, to: string, personId?: string, department?: string) => {
    await refresh(daysBetween(from, to));
    return ctx.store.attendance.listDays({ from, to, personId, department }).map(dayView);
  };

  return {
    'attendance.day': ({ date, department }) => range(date, date, undefined, department),
    'attendance.range': ({ from, to, person_id, department }) => range(from, to, person_id, department),
    'attendance.correct': async ({ person_id, date, check_in, check_out, reason }, caller) => {
      const by = caller.user?.username ?? caller.origin;
      await ctx.store.write(() => ctx.attendance.correct({
        personId: person_id, day: date, checkIn: check_in === null ? null : Date.parse(check_in), checkOut: check_out === null ? null : Date.parse(check_out), reason, by,
      }));
      const row = ctx.store.attendance.listDays({ from: date, to: date, personId: person_id })[0];
      if (!row) throw new VigilError('NOT_FOUND', `no attendance record for ${person_id} on ${date}`);
      return dayView(row);
    },
    'attendance.export': async ({ from, to, department, format }) => {
      await refresh(daysBetween(from, to));
      const stored = ctx.store.attendance.listDays({ from, to, department });
      const days = stored.map(dayView);
      const { timezone, locale } = ctx.store.settings.get();
      const fmtDay = (d: string) => DateTime.fromISO(d, { zone: timezone }).setLocale(locale).toLocaleString(DateTime.DATE_MED);
      const dates = daysBetween(from, to);
      return exportTable({
        name: `attendance-${from}_${to}${department ? `-${department.replace(/[^\w-]+/g, '_')}` : ''}`,
        title: 'Attendance report',
        subtitle: `${from === to ? fmtDay(from) : `${fmtDay(from)} – ${fmtDay(to)}`}${department ? ` · Department: ${department}` : ' · All departments'}`,
        timeZone: timezone,
        locale,
        columns: [
          { key: 'date', header: 'Date', type: 'date', width: 10 }, { key: 'employee_id', header: 'Employee ID', width: 11 }, { key: 'person_name', header: 'Name', width: 20 },
          { key: 'department', header: 'Department', width: 14 }, { key: 'status', header: 'Status', width: 12 },
          { key: 'check_in', header: 'Check-in', type: 'time', width: 8 }, { key: 'check_out', header: 'Check-out', type: 'time', width: 8 },
          { key: 'late', header: 'Late (h:mm)', type: 'duration', width: 8 }, { key: 'early_leave', header: 'Early leave (h:mm)', type: 'duration', width: 10 },
          { key: 'worked', header: 'Worked (h:mm)', type: 'duration', width: 9 }, { key: 'corrected', header: 'Corrected', type: 'bool', width: 8 },
        ],
        rows: stored.map((r) => ({
          date: r.day, employee_id: r.employeeId, person_name: r.personName, department: r.department, status: STATUS_LABEL[r.status],
          check_in: r.checkIn, check_out: r.checkOut, late: r.lateMinutes, early_leave: r.earlyLeaveMinutes, worked: r.workedMinutes, corrected: r.corrected,
        })),
        summary: {
          title: 'Totals per person',
          columns: [
            { key: 'employee_id', header: 'Employee ID', width: 11 }, { key: 'person_name', header: 'Name', width: 20 }, { key: 'department', header: 'Department', width: 14 },
            { key: 'days_present', header: 'Days present', type: 'number', width: 9 }, { key: 'late', header: 'Late (days)', type: 'number', width: 8 },
            { key: 'absent', header: 'Absent (days)', type: 'number', width: 9 }, { key: 'late_minutes', header: 'Late total (h:mm)', type: 'duration', width: 10 },
            { key: 'worked_minutes', header: 'Hours worked (h:mm)', type: 'duration', width: 11 },
          ],
          rows: totalsPerPerson(days).map((p) => ({ ...p })),
        },
        chart: {
          title: 'People per day',
          series: [{ name: 'On time', color: '#2e9d5b' }, { name: 'Late', color: '#e0a100' }, { name: 'Absent', color: '#d04545' }],
          bars: dailyCounts(days, dates).map((d) => ({ label: DateTime.fromISO(d.date).setLocale(locale).toFormat('d LLL'), values: [d.on_time, d.late, d.absent] })),
        },
      }, format);
    },
    /** Give many people one shift (or none): by id and/or everyone whose department matches. */
    'shifts.assign': async ({ shift_id, person_ids, department }) => {
      if (shift_id !== null && !ctx.store.shifts.get(shift_id)) throw new VigilError('NOT_FOUND', `shift ${shift_id} not found`);
      const ids = new Set(person_ids ?? []);
      if (department) for (const id of ctx.store.persons.idsInDepartment(department)) ids.add(id);
      if (!ids.size) throw new VigilError('INVALID_REQUEST', 'no people matched: give person_ids or a department with people in it', { field: 'department' });
      await ctx.store.write(() => { for (const id of ids) ctx.store.persons.update(id, { shift_id }); });
      return { updated: ids.size, person_ids: [...ids] };
    },

    'shifts.list': () => ctx.store.shifts.list().map(shiftView),
    'shifts.upsert': async (input) => shiftView(await ctx.store.write(() => ctx.store.shifts.upsert(input))),
    'shifts.remove': async ({ id }) => {
      await ctx.store.write(() => ctx.store.shifts.remove(id));
      return { ok: true as const };
    },
  };
}
