// Camera sessions' periodic statistics, written for every camera together: the latest values per camera_sessions
// row are kept in memory and written in one transaction per interval (each commit is a full fsync: per camera
// every 5 s that was ~10 % of the host's CPU at 16 cameras). A session's end row carries its own last values, and
// close() writes what is pending, so a clean stop loses nothing; a killed host loses at most one interval (and the
// startup sweep then closes its open rows at their last written update).
import type { HostStore } from '../storage/host-store.ts';

/** How often pending statistics are written (ms). */
export const STATS_FLUSH_MS = 30_000;

export interface SessionStatsUpdate {
  state: string;
  stats: Record<string, unknown>;
  lastFrameAt: number | null;
}

export class SessionStatsWriter {
  readonly #store: Pick<HostStore, 'write' | 'sessions'>;
  readonly #pending = new Map<string, SessionStatsUpdate>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #onError: (err: unknown) => void;
  #closed = false;

  constructor(store: Pick<HostStore, 'write' | 'sessions'>, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}) {
    this.#store = store;
    this.#onError = opts.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), opts.intervalMs ?? STATS_FLUSH_MS);
    this.#timer.unref?.();
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.#pending.size;
  }

  /** The session row's latest statistics (replaces what was pending for it). */
  note(rowId: string, u: SessionStatsUpdate): void {
    if (this.#closed) return;
    this.#pending.set(rowId, u);
  }

  /** The row is being ended with its own last values: nothing pending for it is needed. */
  forget(rowId: string): void {
    this.#pending.delete(rowId);
  }

  /** Writes every pending row in one transaction; resolves once committed (errors go to onError). */
  flush(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    const rows = [...this.#pending];
    this.#pending.clear();
    const { sessions } = this.#store;
    return this.#store.write(() => { for (const [row, u] of rows) sessions.update(row, u); }).catch(this.#onError);
  }

  /** Stops the timer and writes what is pending. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    clearInterval(this.#timer);
    const done = this.flush();
    this.#closed = true;
    return done;
  }
}
