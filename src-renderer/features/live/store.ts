// Live wall state: grid size and page, keyboard focus, alerts (persisted by the host: loaded with alerts.list,
// kept current by the `alerts` topic) with sound and acknowledgement (one, per camera, all), and the recent
// events per camera for the single view.
import { create } from 'zustand';
import type { TopicPayload } from '../../../src-contract/api.ts';
import type { VigilEvent } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { playAlertSound } from './alert-sound.ts';

export const GRID_SIZES = [1, 4, 9, 16] as const;
export type GridSize = (typeof GRID_SIZES)[number];
export type Alert = TopicPayload<'alerts'>;
export interface AlertItem { alert: Alert; acknowledged: boolean; acking: boolean }
const isAcked = (a: Alert) => a.state === 'acknowledged' || a.state === 'resolved';

const MAX_ALERTS = 100;
const RECENT_PER_CAMERA = 20;

const stored = <T,>(key: string, fallback: T): T => {
  try {
    const v = globalThis.localStorage?.getItem(key);
    return v === null || v === undefined ? fallback : (JSON.parse(v) as T);
  } catch {
    return fallback;
  }
};
const persist = (key: string, value: unknown) => {
  try { globalThis.localStorage?.setItem(key, JSON.stringify(value)); } catch { /* private mode */ }
};

interface LiveState {
  grid: GridSize;
  /** False until the user picks a grid size: until then the grid fits the cameras (one camera fills the wall). */
  gridChosen: boolean;
  page: number;
  focus: number;
  soundOn: boolean;
  alerts: AlertItem[];
  recent: Record<string, { status: 'loading' | 'ready' | 'error'; events: VigilEvent[]; error?: unknown }>;
  setGrid(grid: GridSize): void;
  /** The smallest grid that shows `count` cameras, unless the user chose a size. */
  fitGrid(count: number): void;
  setPage(page: number): void;
  setFocus(index: number): void;
  toggleSound(): void;
  receiveAlert(alert: Alert): void;
  /** Open alerts from the host (after login, reload, reconnect). */
  loadAlerts(): Promise<void>;
  acknowledge(alertId: string): Promise<void>;
  acknowledgeAll(cameraId?: string): Promise<number>;
  acknowledgeOldest(): Promise<void>;
  reportWrongMatch(eventId: string, note?: string): Promise<void>;
  dismissAcknowledged(): void;
  loadRecent(cameraId: string): Promise<void>;
  applyTrack(payload: TopicPayload<'events.track'>): void;
  reset(): void;
}

export const useLive = create<LiveState>((set, get) => ({
  grid: stored<GridSize>('vigil.live.grid', 4),
  gridChosen: stored<GridSize | null>('vigil.live.grid', null) !== null,
  page: 0,
  focus: 0,
  soundOn: stored('vigil.live.sound', true),
  alerts: [],
  recent: {},

  setGrid(grid) {
    persist('vigil.live.grid', grid);
    // Keep the focused camera visible: move to the page that holds it.
    const focus = get().focus;
    set({ grid, gridChosen: true, page: Math.floor(focus / grid) });
  },
  fitGrid(count) {
    if (get().gridChosen) return;
    const grid = GRID_SIZES.find((g) => g >= count) ?? 16;
    if (grid !== get().grid) set({ grid, page: Math.floor(get().focus / grid) });
  },
  setPage(page) { set({ page: Math.max(0, page), focus: Math.max(0, page) * get().grid }); },
  setFocus(index) { set({ focus: index, page: Math.floor(index / get().grid) }); },
  toggleSound() {
    const soundOn = !get().soundOn;
    persist('vigil.live.sound', soundOn);
    set({ soundOn });
  },

  receiveAlert(alert) {
    const known = get().alerts.find((a) => a.alert.id === alert.id);
    // Resolved (an "unknown" visit that turned out to be someone, a camera back online): it leaves the panel.
    if (alert.state === 'resolved') {
      if (known) set({ alerts: get().alerts.filter((a) => a.alert.id !== alert.id) });
      return;
    }
    if (known) {
      set({ alerts: get().alerts.map((a) => (a.alert.id === alert.id ? { ...a, alert, acknowledged: isAcked(alert) } : a)) });
      return;
    }
    set({ alerts: [{ alert, acknowledged: isAcked(alert), acking: false }, ...get().alerts].slice(0, MAX_ALERTS) });
    if (get().soundOn && (alert.kind === 'unknown_person' || alert.kind === 'watchlist')) playAlertSound(alert.kind);
  },

  async loadAlerts() {
    const open = await api().call('alerts.list', { state: 'open', limit: MAX_ALERTS });
    const live = get().alerts.filter((a) => !open.some((o) => o.id === a.alert.id) && !a.acknowledged);
    const items = [...open.map((alert) => ({ alert, acknowledged: false, acking: false })), ...live]
      .sort((a, b) => b.alert.at.localeCompare(a.alert.at)).slice(0, MAX_ALERTS);
    set({ alerts: items });
  },

  async acknowledge(alertId) {
    const mark = (patch: Partial<AlertItem>) =>
      set({ alerts: get().alerts.map((a) => (a.alert.id === alertId ? { ...a, ...patch } : a)) });
    mark({ acking: true });
    try {
      await api().call('alerts.acknowledge', { ids: [alertId] });
      mark({ acknowledged: true, acking: false });
    } catch (err) {
      mark({ acking: false });
      throw err;
    }
  },

  async acknowledgeAll(cameraId) {
    const r = await api().call('alerts.acknowledge', cameraId ? { camera_id: cameraId } : { all: true });
    // Exactly the alerts the host acknowledged: one raised while the call ran is still open and stays so here.
    const done = new Set(r.ids);
    set({ alerts: get().alerts.map((a) => (done.has(a.alert.id) ? { ...a, acknowledged: true } : a)) });
    return r.acknowledged;
  },

  async acknowledgeOldest() {
    const open = get().alerts.filter((a) => !a.acknowledged && !a.acking);
    const oldest = open[open.length - 1];
    if (oldest) await get().acknowledge(oldest.alert.id);
  },

  async reportWrongMatch(eventId, note) {
    await api().call('events.reportWrongMatch', { id: eventId, note });
  },

  dismissAcknowledged() { set({ alerts: get().alerts.filter((a) => !a.acknowledged) }); },

  async loadRecent(cameraId) {
    const prev = get().recent[cameraId];
    if (!prev) set({ recent: { ...get().recent, [cameraId]: { status: 'loading', events: [] } } });
    try {
      const page = await api().call('events.list', { camera_id: cameraId, limit: RECENT_PER_CAMERA });
      set({ recent: { ...get().recent, [cameraId]: { status: 'ready', events: page.items } } });
    } catch (err) {
      if (!prev || prev.status !== 'ready') set({ recent: { ...get().recent, [cameraId]: { status: 'error', events: [], error: err } } });
    }
  },

  applyTrack({ kind, event }) {
    if (kind === 'face_detected') return; // provisional; the decision follows
    const entry = get().recent[event.camera_id];
    if (!entry || entry.status !== 'ready') return;
    const others = entry.events.filter((e) => e.id !== event.id);
    const events = [event, ...others].sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, RECENT_PER_CAMERA);
    set({ recent: { ...get().recent, [event.camera_id]: { status: 'ready', events } } });
    // An alert's event corrected or acknowledged elsewhere: keep the alert list in step.
    if (event.acknowledged_by) set({ alerts: get().alerts.map((a) => (a.alert.event?.id === event.id ? { ...a, acknowledged: true } : a)) });
  },

  reset() { set({ alerts: [], recent: {}, focus: 0, page: 0 }); },
}));
