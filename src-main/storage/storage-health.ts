// Disk-full as a typed state. SQLite reports SQLITE_FULL (and file writes ENOSPC) when the data folder's disk is
// full; the host then cannot store events, audit rows or snapshots. The state is set by the first such failure and
// cleared by the next successful commit; /healthz reports it, requests that needed a write fail with STORAGE_FULL
// (507), and reads keep working (session "last seen" refreshes are skipped while the disk is full).
import { VigilError } from '../../src-contract/errors.ts';

export function isStorageFullError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || (typeof code === 'string' && code.startsWith('SQLITE_FULL'));
}

export const storageFullError = (): VigilError =>
  new VigilError('STORAGE_FULL', 'the disk holding the data folder is full: nothing new can be stored until space is freed');

export interface StorageState {
  state: 'ok' | 'full';
  /** When the disk was first found full (ISO time), while full. */
  since: string | null;
}

export class StorageHealth {
  #fullSince: number | null = null;
  readonly #listeners = new Set<(s: StorageState) => void>();

  /** Records a failed write; true when it was a disk-full failure. */
  noteError(err: unknown): boolean {
    if (!isStorageFullError(err)) return false;
    if (this.#fullSince === null) {
      this.#fullSince = Date.now();
      this.#emit();
    }
    return true;
  }

  noteOk(): void {
    if (this.#fullSince === null) return;
    this.#fullSince = null;
    this.#emit();
  }

  get full(): boolean {
    return this.#fullSince !== null;
  }

  get state(): StorageState {
    return { state: this.full ? 'full' : 'ok', since: this.#fullSince === null ? null : new Date(this.#fullSince).toISOString() };
  }

  /** Called on every change of state (full ↔ ok): the host raises and clears its alert here. */
  onChange(listener: (s: StorageState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    const s = this.state;
    for (const l of [...this.#listeners]) l(s);
  }
}

/** Process-wide: repositories deep in auth/audit note failures without a handle on the store. */
export const storageHealth = new StorageHealth();
