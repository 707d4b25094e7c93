// Settings & system: host status and statistics, settings, users and API tokens.
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../src-contract/api.ts';
import type { Settings, Token, User } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';

type Loadable<T> = { status: 'idle' | 'loading' | 'ready' | 'error'; data?: T; error?: unknown };
type SystemStatus = MethodOutput<'system.status'>;
type Stats = MethodOutput<'system.statistics'>;

interface SettingsState {
  system: Loadable<SystemStatus>;
  stats: Loadable<Stats>;
  settings: Loadable<Settings>;
  users: Loadable<User[]>;
  tokens: Loadable<Token[]>;
  loadSystem(): Promise<void>;
  loadSettings(force?: boolean): Promise<void>;
  saveSettings(patch: Partial<Settings>): Promise<void>;
  loadUsers(force?: boolean): Promise<void>;
  createUser(input: MethodInput<'users.create'>): Promise<void>;
  updateUser(input: MethodInput<'users.update'>): Promise<void>;
  loadTokens(force?: boolean): Promise<void>;
  createToken(input: MethodInput<'tokens.create'>): Promise<string>;
  revokeToken(id: string): Promise<void>;
}

async function into<T>(set: (v: Loadable<T>) => void, cur: Loadable<T>, fn: () => Promise<T>): Promise<void> {
  set({ ...cur, status: cur.data ? 'ready' : 'loading' });
  try {
    set({ status: 'ready', data: await fn() });
  } catch (err) {
    set(cur.data ? { ...cur, status: 'ready' } : { status: 'error', error: err });
    if (cur.data) throw err;
  }
}

export const useSettings = create<SettingsState>((set, get) => ({
  system: { status: 'idle' },
  stats: { status: 'idle' },
  settings: { status: 'idle' },
  users: { status: 'idle' },
  tokens: { status: 'idle' },

  async loadSystem() {
    await Promise.all([
      into((v) => set({ system: v }), get().system, () => api().call('system.status', {})),
      into((v) => set({ stats: v }), get().stats, () => api().call('system.statistics', { period: '24h' })),
    ]);
  },
  async loadSettings(force = false) {
    if (!force && get().settings.status === 'ready') return;
    await into((v) => set({ settings: v }), get().settings, () => api().call('settings.get', {}));
  },
  async saveSettings(patch) {
    set({ settings: { status: 'ready', data: await api().call('settings.update', patch) } });
  },
  async loadUsers(force = false) {
    if (!force && get().users.status === 'ready') return;
    await into((v) => set({ users: v }), get().users, () => api().call('users.list', {}));
  },
  async createUser(input) {
    const u = await api().call('users.create', input);
    set({ users: { status: 'ready', data: [...(get().users.data ?? []), u] } });
  },
  async updateUser(input) {
    const u = await api().call('users.update', input);
    set({ users: { status: 'ready', data: (get().users.data ?? []).map((x) => (x.id === u.id ? u : x)) } });
  },
  async loadTokens(force = false) {
    if (!force && get().tokens.status === 'ready') return;
    await into((v) => set({ tokens: v }), get().tokens, () => api().call('tokens.list', {}));
  },
  async createToken(input) {
    const { secret, ...token } = await api().call('tokens.create', input);
    set({ tokens: { status: 'ready', data: [...(get().tokens.data ?? []), token] } });
    return secret;
  },
  async revokeToken(id) {
    await api().call('tokens.revoke', { id });
    set({ tokens: { status: 'ready', data: (get().tokens.data ?? []).map((x) => (x.id === id ? { ...x, revoked: true } : x)) } });
  },
}));
