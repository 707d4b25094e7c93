// Files to delete are recorded in the same transaction that drops the rows pointing at them, and unlinked
// afterwards; `drain` runs at start-up and after each retention pass so a crash midway only delays deletion.
import type { Connections } from './connections.ts';

export interface PendingDeletion {
  path: string;
  reason: string;
  attempts: number;
}

export class FileDeletionsRepository {
  readonly #enqueue;
  readonly #next;
  readonly #done;
  readonly #failed;
  readonly #count;

  constructor(db: Connections) {
    this.#enqueue = db.writer.prepare('INSERT INTO pending_file_deletions (path, reason, queued_at) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING');
    // Read on the writer: the queue is consumed right after the transaction that filled it.
    this.#next = db.writer.prepare<[number], PendingDeletion>('SELECT path, reason, attempts FROM pending_file_deletions ORDER BY attempts, queued_at LIMIT ?');
    this.#done = db.writer.prepare('DELETE FROM pending_file_deletions WHERE path = ?');
    this.#failed = db.writer.prepare('UPDATE pending_file_deletions SET attempts = attempts + 1, last_error = ? WHERE path = ?');
    this.#count = db.writer.prepare<[], { n: number }>('SELECT count(*) AS n FROM pending_file_deletions');
  }

  /** Records files (paths relative to the data dir) for deletion; call inside the transaction that drops their rows. */
  enqueue(paths: Iterable<string | null | undefined>, reason: string, now = Date.now()): number {
    let n = 0;
    for (const p of paths) if (p) n += this.#enqueue.run(p, reason, now).changes;
    return n;
  }

  next(limit: number): PendingDeletion[] {
    return this.#next.all(limit);
  }

  markDone(path: string): void {
    this.#done.run(path);
  }

  markFailed(path: string, error: string): void {
    this.#failed.run(error.slice(0, 500), path);
  }

  count(): number {
    return this.#count.get()!.n;
  }
}
