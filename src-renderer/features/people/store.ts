// People: the searchable list, the open person (with templates), their attendance summary and enrolment calls.
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../src-contract/api.ts';
import type { AttendanceDay, Consent, EnrolmentVerdict, Person, PersonInput, Shift } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { addDays, localDate } from '../../ui/format.ts';

export type PersonDetail = MethodOutput<'persons.get'>;
type Loadable<T> = { status: 'loading' | 'ready' | 'error'; data?: T; error?: unknown };

export interface ListQuery { query: string; status: 'active' | 'inactive' | 'all'; department: string }

interface PeopleState {
  list: { key: string | null; items: Person[]; nextCursor: string | null; total?: number; status: 'idle' | 'loading' | 'ready' | 'error'; error?: unknown; loadingMore: boolean };
  query: ListQuery;
  persons: Record<string, Loadable<PersonDetail>>;
  attendance: Record<string, Loadable<AttendanceDay[]>>;
  shifts: Loadable<Shift[]> | null;
  setQuery(patch: Partial<ListQuery>): void;
  loadList(force?: boolean): Promise<void>;
  loadMore(): Promise<void>;
  loadPerson(id: string): Promise<void>;
  loadAttendance(id: string): Promise<void>;
  loadShifts(): Promise<void>;
  create(input: PersonInput): Promise<Person>;
  update(id: string, patch: Partial<PersonInput>): Promise<Person>;
  setConsent(id: string, consent: Consent): Promise<void>;
  removeTemplate(id: string, templateId: string): Promise<void>;
  enrolPhotos(id: string, photos: MethodInput<'persons.enrolPhotos'>['photos']): Promise<EnrolmentVerdict[]>;
  enrolCapture(id: string, captureId: string, faceIndex: number): Promise<EnrolmentVerdict[]>;
  erase(id: string, reason: string): Promise<number>;
  /** Marks the list stale (a person was added or changed elsewhere on the screen). */
  invalidateList(): void;
}

const PAGE = 50;

export const usePeople = create<PeopleState>((set, get) => {
  const putPerson = (p: Person) => {
    const cur = get().persons[p.id];
    if (cur?.data) set({ persons: { ...get().persons, [p.id]: { ...cur, data: { ...cur.data, ...p } } } });
    set({ list: { ...get().list, items: get().list.items.map((x) => (x.id === p.id ? p : x)) } });
  };
  return {
    list: { key: null, items: [], nextCursor: null, status: 'idle', loadingMore: false },
    query: { query: '', status: 'all', department: '' },
    persons: {},
    attendance: {},
    shifts: null,

    setQuery(patch) {
      set({ query: { ...get().query, ...patch } });
      void get().loadList();
    },

    async loadList(force = false) {
      const q = get().query;
      const input = { query: q.query.trim() || undefined, status: q.status, department: q.department.trim() || undefined, limit: PAGE };
      const key = JSON.stringify(input);
      const list = get().list;
      if (!force && key === list.key && list.status === 'ready') return;
      set({ list: { ...list, key, status: list.status === 'ready' ? 'ready' : 'loading', error: undefined } });
      try {
        const page = await api().call('persons.list', input);
        if (get().list.key !== key) return;
        set({ list: { key, items: page.items, nextCursor: page.next_cursor, total: page.total, status: 'ready', loadingMore: false } });
      } catch (err) {
        if (get().list.key === key) set({ list: { ...get().list, status: 'error', error: err } });
      }
    },

    async loadMore() {
      const list = get().list;
      if (!list.nextCursor || list.loadingMore || !list.key) return;
      set({ list: { ...list, loadingMore: true } });
      try {
        const page = await api().call('persons.list', { ...(JSON.parse(list.key) as MethodInput<'persons.list'>), cursor: list.nextCursor });
        if (get().list.key !== list.key) return;
        set({ list: { ...get().list, items: [...get().list.items, ...page.items], nextCursor: page.next_cursor } });
      } finally {
        set({ list: { ...get().list, loadingMore: false } });
      }
    },

    async loadPerson(id) {
      const cur = get().persons[id];
      if (!cur?.data) set({ persons: { ...get().persons, [id]: { status: 'loading' } } });
      try {
        const data = await api().call('persons.get', { id });
        set({ persons: { ...get().persons, [id]: { status: 'ready', data } } });
      } catch (err) {
        if (!cur?.data) set({ persons: { ...get().persons, [id]: { status: 'error', error: err } } });
        else throw err;
      }
    },

    async loadAttendance(id) {
      const to = localDate();
      set({ attendance: { ...get().attendance, [id]: { status: 'loading', data: get().attendance[id]?.data } } });
      try {
        const data = await api().call('attendance.range', { from: addDays(to, -29), to, person_id: id });
        set({ attendance: { ...get().attendance, [id]: { status: 'ready', data } } });
      } catch (err) {
        set({ attendance: { ...get().attendance, [id]: { status: 'error', error: err } } });
      }
    },

    async loadShifts() {
      if (get().shifts?.status === 'ready') return;
      set({ shifts: { status: 'loading' } });
      try {
        set({ shifts: { status: 'ready', data: await api().call('shifts.list', {}) } });
      } catch (err) {
        set({ shifts: { status: 'error', error: err } });
      }
    },

    async create(input) {
      const p = await api().call('persons.create', input);
      get().invalidateList();
      return p;
    },
    async update(id, patch) {
      const p = await api().call('persons.update', { id, patch });
      putPerson(p);
      return p;
    },
    async setConsent(id, consent) {
      putPerson(await api().call('persons.setConsent', { id, consent }));
    },
    async removeTemplate(id, templateId) {
      await api().call('persons.removeTemplate', { id, template_id: templateId });
      await get().loadPerson(id);
    },
    async enrolPhotos(id, photos) {
      const res = await api().call('persons.enrolPhotos', { id, photos });
      putPerson(res.person);
      if (res.verdicts.some((v) => v.accepted)) void get().loadPerson(id).catch(() => {});
      return res.verdicts;
    },
    async enrolCapture(id, captureId, faceIndex) {
      const res = await api().call('persons.enrolCapture', { id, capture_id: captureId, face_index: faceIndex });
      putPerson(res.person);
      if (res.verdicts.some((v) => v.accepted)) void get().loadPerson(id).catch(() => {});
      return res.verdicts;
    },
    async erase(id, reason) {
      const res = await api().call('persons.erase', { id, reason });
      const persons = { ...get().persons };
      delete persons[id];
      set({ persons, list: { ...get().list, items: get().list.items.filter((p) => p.id !== id) } });
      return res.files_removed;
    },
    invalidateList() { set({ list: { ...get().list, key: null } }); },
  };
});
