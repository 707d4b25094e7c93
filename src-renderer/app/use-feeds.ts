// Subscriptions the whole session needs, whatever screen is open: camera states and alerts.
import { useEffect } from 'react';
import type { Role } from '../../src-contract/schemas.ts';
import { api } from './client.ts';
import { useCameras } from '../features/cameras/store.ts';
import { useLive } from '../features/live/store.ts';

export function useSessionFeeds(role: Role): void {
  useEffect(() => {
    // Auditors see the audit trail only: no camera states, no alerts (the host refuses both topics to them).
    const offs: Array<() => void> = [];
    if (role !== 'auditor') {
      offs.push(api().subscribe('cameras.status', {}, (ev) => useCameras.getState().applyStatus(ev)));
      offs.push(api().subscribe('alerts', {}, (a) => useLive.getState().receiveAlert(a)));
      // Alerts are persisted: what is still open comes back after a reload, a new login or a host restart.
      void useLive.getState().loadAlerts().catch(() => {});
    }
    return () => { for (const off of offs) off(); };
  }, [role]);
}
