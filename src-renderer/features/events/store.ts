// Events: filtered timeline (paged by cursor), kept current by the `events.track` topic, plus the open event.
import { create } from 'zustand';
import type { MethodInput, TopicPayload } from '../../../src-contract/api.ts';
import type { VigilEvent } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';

export interface EventFilters {
  camera_id?: string;
  person?: { id: string; name: string };
  decision?: 'recognized' | 'unknown' | 'pending';
  from?: string; // ISO
  to?: string; // ISO
  min_confidence?: number;
}

type ListInput = MethodInput<'events.list'>;

export function toQuery(f: EventFilters): Omit<ListInput, 'limit' | 'cursor'> {
  return { camera_id: f.camera_id, person_id: f.person?.id, decision: f.decision, from: f.from, to: f.to, min_confidence: f.min_confidence };
}

/** Whether a live event belongs in the current filtered view. */
export function matches(e: VigilEvent, f: EventFilters): boolean {
  if (f.camera_id && e.camera_id !== f.camera_id) return false;
  if (f.person && e.person_id !== f.person.id) return false;
  if (f.decision && e.decision !== f.decision) return false;
  if (f.from && e.started_at < f.from) return false;
  if (f.to && e.started_at > f.to) return false;
  if (f.min_confidence !== undefined && (e.confidence ?? 0) < f.min_confidence) return false;
  return true;
}

interface EventsState {
  filters: EventFilters;
  items: VigilEvent[];
  nextCursor: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: unknown;
  loadingMore: boolean;
  /** Query key of what `items` holds, so returning to the screen reuses it. */
  key: string | null;
  detail: { id: string; status: 'loading' | 'ready' | 'error'; event?: VigilEvent; error?: unknown } | null;
  setFilters(patch: Partial<EventFilters>): void;
  clearFilters(): void;
  load(force?: boolean): Promise<void>;
  loadMore(): Promise<void>;
  applyTrack(p: TopicPayload<'events.track'>): void;
  open(id: string): Promise<void>;
  put(e: VigilEvent): void;
}

const PAGE = 50;

export const useEvents = create<EventsState>((set, get) => ({
  filters: {},
  items: [],
  nextCursor: null,
  status: 'idle',
  error: null,
  loadingMore: false,
  key: null,
  detail: null,

  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch } });
    void get().load(true);
  },
  clearFilters() {
    set({ filters: {} });
    void get().load(true);
  },

  async load(force = false) {
    const query = toQuery(get().filters);
    const key = JSON.stringify(query);
    if (!force && key === get().key && get().status === 'ready') return;
    set({ status: 'loading', error: null, key });
    try {
      const page = await api().call('events.list', { ...query, limit: PAGE });
      if (get().key !== key) return; // filters changed meanwhile
      set({ items: page.items, nextCursor: page.next_cursor, status: 'ready' });
    } catch (err) {
      if (get().key === key) set({ status: 'error', error: err });
    }
  },

  async loadMore() {
    const { nextCursor, key, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    set({ loadingMore: true });
    try {
      const page = await api().call('events.list', { ...toQuery(get().filters), limit: PAGE, cursor: nextCursor });
      if (get().key !== key) return;
      const seen = new Set(get().items.map((e) => e.id));
      set({ items: [...get().items, ...page.items.filter((e) => !seen.has(e.id))], nextCursor: page.next_cursor });
    } finally {
      set({ loadingMore: false });
    }
  },

  applyTrack({ kind, event }) {
    if (kind === 'face_detected') return;
    const { items, filters, status, detail } = get();
    if (detail?.id === event.id) set({ detail: { ...detail, event } });
    if (status !== 'ready') return;
    const known = items.some((e) => e.id === event.id);
    if (known) set({ items: items.map((e) => (e.id === event.id ? event : e)) });
    else if (matches(event, filters)) set({ items: [event, ...items] });
  },

  async open(id) {
    const cached = get().items.find((e) => e.id === id);
    set({ detail: cached ? { id, status: 'ready', event: cached } : { id, status: 'loading' } });
    try {
      const event = await api().call('events.get', { id });
      if (get().detail?.id === id) set({ detail: { id, status: 'ready', event } });
    } catch (err) {
      if (get().detail?.id === id && !cached) set({ detail: { id, status: 'error', error: err } });
    }
  },

  put(event) {
    set({ items: get().items.map((e) => (e.id === event.id ? event : e)) });
    const d = get().detail;
    if (d?.id === event.id) set({ detail: { ...d, event } });
  },
}));
