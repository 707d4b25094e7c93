// Session state: first-run setup, login, logout, and the jump back to login when a session expires.
import { create } from 'zustand';
import type { User } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';

export type AuthPhase = 'booting' | 'unreachable' | 'setup' | 'login' | 'ready';

interface AuthState {
  phase: AuthPhase;
  user: User | null;
  setupTokenRequired: boolean;
  bootError: unknown;
  /** Set when the host rejected the session mid-use; the login screen explains why it appeared. */
  expired: boolean;
  /** True right after first-run setup: the shell opens the guided start. */
  justSetUp: boolean;
  boot(): Promise<void>;
  setup(input: { username: string; password: string; setup_token?: string }): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  sessionExpired(): void;
  finishWelcome(): void;
}

export const useAuth = create<AuthState>((set, get) => ({
  phase: 'booting',
  user: null,
  setupTokenRequired: false,
  bootError: null,
  expired: false,
  justSetUp: false,

  async boot() {
    set({ phase: 'booting', bootError: null });
    try {
      const status = await api().call('auth.status', {});
      if (status.setup_required) set({ phase: 'setup', setupTokenRequired: status.setup_token_required ?? false, user: null });
      else if (status.user) set({ phase: 'ready', user: status.user });
      else set({ phase: 'login', user: null });
    } catch (err) {
      set({ phase: 'unreachable', bootError: err });
    }
  },

  async setup(input) {
    const session = await api().call('auth.setup', { ...input, setup_token: input.setup_token || undefined });
    set({ phase: 'ready', user: session.user, expired: false, justSetUp: true });
  },

  async login(username, password) {
    const session = await api().call('auth.login', { username, password });
    set({ phase: 'ready', user: session.user, expired: false });
  },

  async logout() {
    try {
      await api().call('auth.logout', {});
    } finally {
      set({ phase: 'login', user: null, expired: false });
    }
  },

  sessionExpired() {
    if (get().phase === 'ready') set({ phase: 'login', user: null, expired: true });
  },

  finishWelcome() { set({ justSetUp: false }); },
}));
