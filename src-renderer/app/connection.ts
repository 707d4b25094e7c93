// Host connection state as reported by the transport (WebSocket up/down, or the Electron bridge).
// `epoch` counts the times the connection came (back) up: views holding their own streams to the host (the
// MJPEG <img>) key on it to reopen them after a host restart, which a multipart stream does not do by itself.
import { create } from 'zustand';

interface ConnectionState { connected: boolean | null; since: number; epoch: number; set(connected: boolean): void }

export const useConnection = create<ConnectionState>((set, get) => ({
  connected: null,
  since: Date.now(),
  epoch: 0,
  set: (connected) => {
    if (get().connected === connected) return;
    set({ connected, since: Date.now(), epoch: connected ? get().epoch + 1 : get().epoch });
  },
}));
