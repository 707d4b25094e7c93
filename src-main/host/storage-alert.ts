// The "disk full" alert. Alerts are persisted in SQLite, which cannot be written while the disk is full, so
// this one lives in memory: raised (published on the `alerts` topic) the moment the storage state turns full,
// listed by alerts.list while the state lasts, and resolved (published as such) when a write succeeds again.
// It cannot be acknowledged while the disk is full: an acknowledgement is audited, and the audit row cannot be
// stored either (alerts.acknowledge answers STORAGE_FULL); it clears by itself. It is not written to the alerts table afterwards: the audit log and the host log
// (`storage_full` / `storage_ok`) keep the record.
import type { Alert } from '../../src-contract/visits.ts';
import type { StorageState } from '../storage/storage-health.ts';

export const STORAGE_ALERT_MESSAGE = 'The disk holding the data folder is full: events, snapshots and audit rows are not being stored. Free some space.';

export class StorageAlert {
  #open: Alert | null = null;

  constructor(private readonly publish: (a: Alert) => void) {}

  /** Feed every storage state change here (storageHealth.onChange). */
  onStorageChange(st: StorageState, now = Date.now()): void {
    if (st.state === 'full') {
      if (this.#open) return;
      const at = st.since ?? new Date(now).toISOString();
      this.#open = {
        id: `storage_full-${Date.parse(at)}`, kind: 'storage_full', event: null, at, state: 'open',
        camera_id: null, message: STORAGE_ALERT_MESSAGE, acknowledged_by: null, resolved_reason: null, updated_at: at,
      };
      this.publish(this.#open);
      return;
    }
    if (!this.#open) return;
    const resolved: Alert = { ...this.#open, state: 'resolved', resolved_reason: 'the data folder can be written again', updated_at: new Date(now).toISOString() };
    this.#open = null;
    this.publish(resolved);
  }

  /** The alert for alerts.list: only while the disk is full, for a list not narrowed to one camera. */
  list(filter: { state?: 'open' | 'acknowledged' | 'resolved' | 'all'; camera_id?: string }): Alert[] {
    const a = this.#open;
    if (!a || filter.camera_id) return [];
    return !filter.state || filter.state === 'all' || filter.state === a.state ? [a] : [];
  }
}
