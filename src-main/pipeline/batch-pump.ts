// Dynamic batching: when the engine has a free slot, a batch leaves as soon as it is
// full or its oldest frame has waited `maxWaitMs`; under load the queue fills while the engine is busy, so
// batches form by themselves without adding latency at low load.
import type { FrameScheduler, QueuedFrame } from './frame-scheduler.ts';

export interface BatchPumpOptions<T> {
  scheduler: FrameScheduler<T>;
  maxBatch: number;
  maxWaitMs: number;
  /** Batches the engine can accept right now. */
  freeSlots: () => number;
  dispatch: (batch: QueuedFrame<T>[]) => void;
  now?: () => number;
}

export class BatchPump<T> {
  readonly #o: BatchPumpOptions<T>;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  batches = 0;
  framesDispatched = 0;

  constructor(opts: BatchPumpOptions<T>) {
    if (!(opts.maxBatch >= 1) || !(opts.maxWaitMs >= 0)) throw new RangeError('maxBatch must be >= 1 and maxWaitMs >= 0');
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Call after every offer and every completed batch. */
  kick(): void {
    if (this.#closed) return;
    const { scheduler, maxBatch, maxWaitMs } = this.#o;
    while (this.#o.freeSlots() > 0 && scheduler.depth > 0) {
      const waited = this.#now() - scheduler.oldestEnqueuedAt();
      if (scheduler.depth < maxBatch && waited < maxWaitMs) {
        this.#arm(maxWaitMs - waited);
        return;
      }
      const batch = scheduler.take(maxBatch);
      if (batch.length === 0) continue; // all stale: dropped and counted by the scheduler
      this.batches++;
      this.framesDispatched += batch.length;
      this.#o.dispatch(batch);
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(ms: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.kick();
    }, Math.max(0, Math.ceil(ms)));
  }
}
