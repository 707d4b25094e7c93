// Attendance: the day view, the range report and shifts; punches from the `attendance.punch` topic refresh the day.
import { create } from 'zustand';
import type { AttendanceDay, Shift } from '../../../src-contract/schemas.ts';
import type { MethodInput } from '../../../src-contract/api.ts';
import { api } from '../../app/client.ts';
import { addDays, localDate } from '../../ui/format.ts';

type Status = 'idle' | 'loading' | 'ready' | 'error';

interface AttendanceState {
  day: { date: string; department: string; status: Status; rows: AttendanceDay[]; error?: unknown; key: string | null };
  range: { from: string; to: string; department: string; person: { id: string; name: string } | null; status: Status; rows: AttendanceDay[]; error?: unknown; key: string | null };
  shifts: { status: Status; items: Shift[]; error?: unknown };
  setDay(patch: Partial<{ date: string; department: string }>): void;
  loadDay(force?: boolean): Promise<void>;
  setRange(patch: Partial<{ from: string; to: string; department: string; person: { id: string; name: string } | null }>): void;
  loadRange(force?: boolean): Promise<void>;
  correct(input: MethodInput<'attendance.correct'>): Promise<void>;
  onPunch(date: string): void;
  loadShifts(force?: boolean): Promise<void>;
  saveShift(input: MethodInput<'shifts.upsert'>): Promise<void>;
  removeShift(id: string): Promise<void>;
}

let punchTimer: ReturnType<typeof setTimeout> | null = null;

export const useAttendance = create<AttendanceState>((set, get) => ({
  day: { date: localDate(), department: '', status: 'idle', rows: [], key: null },
  range: { from: addDays(localDate(), -13), to: localDate(), department: '', person: null, status: 'idle', rows: [], key: null },
  shifts: { status: 'idle', items: [] },

  setDay(patch) {
    set({ day: { ...get().day, ...patch } });
    void get().loadDay();
  },
  async loadDay(force = false) {
    const { date, department } = get().day;
    const key = `${date}|${department}`;
    if (!force && key === get().day.key && get().day.status === 'ready') return;
    const keep = get().day.status === 'ready' && get().day.key === key;
    set({ day: { ...get().day, key, status: keep ? 'ready' : 'loading', error: undefined } });
    try {
      const rows = await api().call('attendance.day', { date, department: department.trim() || undefined });
      if (get().day.key === key) set({ day: { ...get().day, rows, status: 'ready' } });
    } catch (err) {
      if (get().day.key === key) set({ day: { ...get().day, status: 'error', error: err } });
    }
  },

  setRange(patch) {
    set({ range: { ...get().range, ...patch } });
    void get().loadRange();
  },
  async loadRange(force = false) {
    const { from, to, department, person } = get().range;
    const key = `${from}|${to}|${department}|${person?.id ?? ''}`;
    if (!force && key === get().range.key && get().range.status === 'ready') return;
    if (from > to) { set({ range: { ...get().range, key, status: 'ready', rows: [] } }); return; }
    set({ range: { ...get().range, key, status: 'loading', error: undefined } });
    try {
      const rows = await api().call('attendance.range', { from, to, department: department.trim() || undefined, person_id: person?.id });
      if (get().range.key === key) set({ range: { ...get().range, rows, status: 'ready' } });
    } catch (err) {
      if (get().range.key === key) set({ range: { ...get().range, status: 'error', error: err } });
    }
  },

  async correct(input) {
    const row = await api().call('attendance.correct', input);
    const swap = (rows: AttendanceDay[]) => rows.map((r) => (r.person_id === row.person_id && r.date === row.date ? row : r));
    set({ day: { ...get().day, rows: swap(get().day.rows) }, range: { ...get().range, rows: swap(get().range.rows) } });
  },

  onPunch(date) {
    // Punches come in bursts (several people at the door): refresh the open day once per burst.
    if (date !== get().day.date || get().day.status !== 'ready') return;
    if (punchTimer) clearTimeout(punchTimer);
    punchTimer = setTimeout(() => { punchTimer = null; void get().loadDay(true); }, 800);
  },

  async loadShifts(force = false) {
    if (!force && get().shifts.status === 'ready') return;
    set({ shifts: { ...get().shifts, status: get().shifts.status === 'ready' ? 'ready' : 'loading' } });
    try {
      set({ shifts: { status: 'ready', items: await api().call('shifts.list', {}) } });
    } catch (err) {
      set({ shifts: { status: 'error', items: [], error: err } });
    }
  },
  async saveShift(input) {
    const s = await api().call('shifts.upsert', input);
    const items = get().shifts.items;
    set({ shifts: { status: 'ready', items: items.some((x) => x.id === s.id) ? items.map((x) => (x.id === s.id ? s : x)) : [...items, s] } });
  },
  async removeShift(id) {
    await api().call('shifts.remove', { id });
    set({ shifts: { ...get().shifts, items: get().shifts.items.filter((s) => s.id !== id) } });
  },
}));
