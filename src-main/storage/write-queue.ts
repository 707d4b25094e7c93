// Groups writes into one transaction per event-loop tick. Each operation runs inside its own SAVEPOINT so one
// failing operation is rejected alone; the promise of every other operation resolves only after COMMIT returned,
// which is what "acknowledged" means for events.
import type Database from 'better-sqlite3';
import { StorageClosedError } from './errors.ts';
import { storageHealth } from './storage-health.ts';
import { currentAuditScope, type AuditScope } from '../core/audit-scope.ts';

interface PendingOp {
  fn: () => unknown;
  /** The contract call that queued it: its audit row commits in this op's savepoint. */
  audit?: AuditScope;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface WriteQueueStats {
  batches: number;
  operations: number;
  failedOperations: number;
  largestBatch: number;
  lastCommitMs: number;
  pending: number;
}

export interface WriteQueueOptions {
  /** Most operations per transaction; the rest go to the next tick. */
  maxBatch?: number;
  /** Called after each commit (for metrics / slow-commit logging). */
  onCommit?: (info: { size: number; ms: number }) => void;
}

export class WriteQueue {
  readonly #db: Database.Database;
  readonly #maxBatch: number;
  readonly #onCommit?: (info: { size: number; ms: number }) => void;
  #pending: PendingOp[] = [];
  #scheduled = false;
  #closed = false;
  readonly #stats: WriteQueueStats = { batches: 0, operations: 0, failedOperations: 0, largestBatch: 0, lastCommitMs: 0, pending: 0 };
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;
  readonly #savepoint: Database.Statement;
  readonly #release: Database.Statement;
  readonly #rollbackTo: Database.Statement;

  constructor(db: Database.Database, options: WriteQueueOptions = {}) {
    this.#db = db;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#onCommit = options.onCommit;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
    this.#savepoint = db.prepare('SAVEPOINT wq_op');
    this.#release = db.prepare('RELEASE wq_op');
    this.#rollbackTo = db.prepare('ROLLBACK TO wq_op');
  }

  /** Runs `fn` (synchronous statements on the writer connection) in the next batch; resolves after its commit. */
  run<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ fn, resolve: resolve as (v: unknown) => void, reject, audit: currentAuditScope() });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#drain());
      }
    });
  }

  get stats(): WriteQueueStats {
    return { ...this.#stats, pending: this.#pending.length };
  }

  /** Commits everything queued now, synchronously (used on shutdown). */
  flushSync(): void {
    while (this.#pending.length > 0) this.#commitBatch();
  }

  /** Commits what is queued and refuses further writes. */
  close(): void {
    this.flushSync();
    this.#closed = true;
  }

  #drain(): void {
    this.#scheduled = false;
    this.#commitBatch();
    if (this.#pending.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  #commitBatch(): void {
    const batch = this.#pending.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    const t0 = performance.now();
    const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.#begin.run();
    } catch (err) {
      storageHealth.noteError(err);
      for (const op of batch) op.reject(err);
      return;
    }
    try {
      for (const op of batch) {
        this.#savepoint.run();
        try {
          const value = op.fn();
          // An async fn would escape the transaction: its writes would land after COMMIT, unacknowledged.
          if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
            throw new TypeError('WriteQueue.run() takes a synchronous function');
          }
          // The first write of an audited call carries its audit row: both commit or neither does.
          if (op.audit && !op.audit.done) op.audit.commit(value);
          this.#release.run();
          results.push({ ok: true, value });
        } catch (error) {
          storageHealth.noteError(error);
          this.#rollbackTo.run();
          this.#release.run();
          results.push({ ok: false, error });
        }
      }
      this.#commit.run();
    } catch (err) {
      // COMMIT (or savepoint bookkeeping) failed: nothing in this batch is durable.
      storageHealth.noteError(err);
      if (this.#db.inTransaction) this.#rollback.run();
      for (const op of batch) op.reject(err);
      return;
    }
    const ms = performance.now() - t0;
    if (results.some((r) => r.ok)) storageHealth.noteOk();
    this.#stats.batches += 1;
    this.#stats.operations += batch.length;
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, batch.length);
    this.#stats.lastCommitMs = ms;
    batch.forEach((op, i) => {
      const r = results[i];
      if (r.ok) op.resolve(r.value);
      else {
        this.#stats.failedOperations += 1;
        op.reject(r.error);
      }
    });
    this.#onCommit?.({ size: batch.length, ms });
  }
}
