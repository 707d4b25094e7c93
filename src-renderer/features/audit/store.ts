// Audit log: filtered, paged list and the hash-chain verification result.
import { create } from 'zustand';
import type { MethodOutput } from '../../../src-contract/api.ts';
import type { AuditRecord } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';

export interface AuditFilters { from?: string; to?: string; user_id?: string; action?: string; person_id?: string }

interface AuditState {
  filters: AuditFilters;
  items: AuditRecord[];
  nextCursor: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: unknown;
  key: string | null;
  loadingMore: boolean;
  verify: { status: 'idle' | 'running' | 'done' | 'error'; result?: MethodOutput<'audit.verify'>; error?: unknown; at?: number };
  setFilters(patch: AuditFilters): void;
  load(force?: boolean): Promise<void>;
  loadMore(): Promise<void>;
  runVerify(): Promise<void>;
}

const clean = (f: AuditFilters) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as AuditFilters;

export const useAudit = create<AuditState>((set, get) => ({
  filters: {},
  items: [],
  nextCursor: null,
  status: 'idle',
  key: null,
  loadingMore: false,
  verify: { status: 'idle' },

  setFilters(patch) {
    set({ filters: clean({ ...get().filters, ...patch }) });
    void get().load();
  },
  async load(force = false) {
    const filters = get().filters;
    const key = JSON.stringify(filters);
    if (!force && key === get().key && get().status === 'ready') return;
    set({ key, status: 'loading', error: undefined });
    try {
      const page = await api().call('audit.list', { ...filters, limit: 100 });
      if (get().key === key) set({ items: page.items, nextCursor: page.next_cursor, status: 'ready' });
    } catch (err) {
      if (get().key === key) set({ status: 'error', error: err });
    }
  },
  async loadMore() {
    const { nextCursor, key, loadingMore, filters } = get();
    if (!nextCursor || loadingMore) return;
    set({ loadingMore: true });
    try {
      const page = await api().call('audit.list', { ...filters, limit: 100, cursor: nextCursor });
      if (get().key === key) set({ items: [...get().items, ...page.items], nextCursor: page.next_cursor });
    } finally {
      set({ loadingMore: false });
    }
  },
  async runVerify() {
    set({ verify: { status: 'running' } });
    try {
      set({ verify: { status: 'done', result: await api().call('audit.verify', {}), at: Date.now() } });
    } catch (err) {
      set({ verify: { status: 'error', error: err } });
    }
  },
}));
