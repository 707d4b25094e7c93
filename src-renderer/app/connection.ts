// Host connection state as reported by the transport (WebSocket up/down, or the Electron bridge).
import { create } from 'zustand';

interface ConnectionState { connected: boolean | null; since: number; set(connected: boolean): void }

export const useConnection = create<ConnectionState>((set) => ({
  connected: null,
  since: Date.now(),
  set: (connected) => set({ connected, since: Date.now() }),
}));
