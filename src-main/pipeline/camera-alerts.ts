// Camera-offline alerts: a camera that falls into 'error' raises one persisted alert (not one per retry); it is
// resolved when the camera is live again or an admin stops / disables it.
import type { TopicBus } from '../core/topic-bus.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { AlertRecord, VisitsStore } from '../storage/repositories/visits.ts';
import { alertView } from './visit-views.ts';

export class CameraAlerts {
  readonly #unsubscribe: () => void;

  constructor(private readonly d: { store: HostStore; visits: VisitsStore; bus: TopicBus; cameraName: (id: string) => string }) {
    this.#unsubscribe = d.bus.subscribe('cameras.status', {}, (p) => {
      void this.#onState(p.camera_id, p.state, p.last_error).catch(() => {});
    });
  }

  close(): void {
    this.#unsubscribe();
  }

  async #onState(cameraId: string, state: string, lastError: string | null): Promise<void> {
    const { store, visits } = this.d;
    const now = Date.now();
    let changed: AlertRecord[] = [];
    if (state === 'error') {
      if (visits.alerts.openCameraAlert(cameraId)) return;
      const name = this.d.cameraName(cameraId);
      changed = [await store.write(() => visits.alerts.raise({
        kind: 'camera_offline', cameraId, cameraName: name, at: now, message: lastError ? `Camera offline: ${lastError}` : 'Camera offline',
      }))];
    } else if (state === 'live' || state === 'stopped' || state === 'disabled') {
      changed = await store.write(() => visits.alerts.resolveCamera(cameraId, state === 'live' ? 'camera back online' : `camera ${state}`, now));
    }
    for (const a of changed) this.d.bus.publish('alerts', alertView(store, visits, a));
  }
}
