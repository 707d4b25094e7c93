// The frame queue between cameras (and push-mode requests) and the engine: priorities, per-camera fairness, admission and age limits.
//
// - Four priority levels, served strictly in order urgent > high > normal > low.
// - Within a level, sources (cameras) are served by deficit round-robin with a cost in pixels, so a camera that
//   offers many (or large) frames gets the same share of engine time as a quiet one and cannot starve it.
// - Admission control: each source keeps at most `maxPerSource` frames (a newer live frame supersedes the oldest:
//   for video, a stale frame is worth less than the current one); the whole queue holds at most `capacity`
//   frames, and when it is full the lowest priority goes first (the busiest source's oldest frame); `low` frames
//   are shed as soon as the queue is half full; `urgent` is always admitted.
// - Frames older than `maxAgeMs` when their turn comes are dropped as stale.
// Every frame that leaves without being analysed goes through `onDrop` with a reason: nothing is lost silently.
import { DedupCache } from './dedup-cache.ts';

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type DropReason = 'queue_full' | 'shed_low_priority' | 'superseded' | 'stale' | 'engine_failed' | 'engine_unavailable';

export interface QueuedFrame<T> {
  /** Unique per frame (camera frames: `${camera_id}:${seq}`; push mode: the caller's frame_id). */
  frameId: string;
  source: string;
  priority: Priority;
  /** Relative engine cost; pixels for frames. */
  cost: number;
  enqueuedAt: number;
  payload: T;
}

export type OfferResult = { status: 'queued' } | { status: 'duplicate' } | { status: 'rejected'; reason: DropReason };

export interface SchedulerOptions<T> {
  capacity?: number;
  maxPerSource?: number;
  maxAgeMs?: number;
  /** DRR quantum in cost units; default one 1280×720 frame. */
  quantum?: number;
  dedupTtlMs?: number;
  now?: () => number;
  onDrop?: (frame: QueuedFrame<T>, reason: DropReason) => void;
}

export interface SchedulerCounters {
  offered: number;
  queued: number;
  duplicates: number;
  taken: number;
  dropped: Record<DropReason, number>;
}

const emptyDrops = (): Record<DropReason, number> => ({
  queue_full: 0, shed_low_priority: 0, superseded: 0, stale: 0, engine_failed: 0, engine_unavailable: 0,
});

/** One priority level: FIFO per source, deficit round-robin across sources. */
class Level<T> {
  readonly queues = new Map<string, QueuedFrame<T>[]>();
  readonly #ring: string[] = [];
  #ptr = 0;
  #turnStarted = false;
  readonly #deficit = new Map<string, number>();
  size = 0;

  constructor(private readonly quantum: number) {}

  push(f: QueuedFrame<T>): void {
    let q = this.queues.get(f.source);
    if (!q) {
      this.queues.set(f.source, (q = []));
      this.#ring.push(f.source);
    }
    q.push(f);
    this.size++;
  }

  /** Removes and returns the oldest frame of `source` at this level. */
  shiftFrom(source: string): QueuedFrame<T> | undefined {
    const q = this.queues.get(source);
    if (!q || q.length === 0) return undefined;
    const f = q.shift()!;
    this.size--;
    if (q.length === 0) this.#removeSource(source);
    return f;
  }

  /** The source with the most frames queued here (ties: the one whose head frame is oldest). */
  busiestSource(): string | undefined {
    let best: string | undefined;
    let n = 0;
    let t = Infinity;
    for (const s of this.#ring) {
      const q = this.queues.get(s)!;
      if (q.length > n || (q.length === n && q[0].enqueuedAt < t)) { n = q.length; t = q[0].enqueuedAt; best = s; }
    }
    return best;
  }

  /** Next frame by deficit round-robin. */
  next(): QueuedFrame<T> | undefined {
    while (this.#ring.length > 0) {
      if (this.#ptr >= this.#ring.length) this.#ptr = 0;
      const src = this.#ring[this.#ptr];
      const q = this.queues.get(src)!;
      if (!this.#turnStarted) {
        this.#deficit.set(src, (this.#deficit.get(src) ?? 0) + this.quantum);
        this.#turnStarted = true;
      }
      const head = q[0];
      const deficit = this.#deficit.get(src)!;
      if (head.cost <= deficit) {
        this.#deficit.set(src, deficit - head.cost);
        q.shift();
        this.size--;
        if (q.length === 0) this.#removeSource(src);
        return head;
      }
      this.#ptr++;
      this.#turnStarted = false;
    }
    return undefined;
  }

  oldest(): number {
    let t = Infinity;
    for (const q of this.queues.values()) if (q.length && q[0].enqueuedAt < t) t = q[0].enqueuedAt;
    return t;
  }

  #removeSource(src: string): void {
    const i = this.#ring.indexOf(src);
    this.queues.delete(src);
    this.#deficit.delete(src);
    if (i < 0) return;
    this.#ring.splice(i, 1);
    // An emptied queue forfeits its deficit (classic DRR) and ends its turn when it was the one being served.
    if (i < this.#ptr) this.#ptr--;
    else if (i === this.#ptr) this.#turnStarted = false;
  }
}

export class FrameScheduler<T> {
  readonly capacity: number;
  readonly maxPerSource: number;
  readonly maxAgeMs: number;
  readonly #levels: Record<Priority, Level<T>>;
  readonly #perSource = new Map<string, number>();
  readonly #dedup: DedupCache;
  readonly #now: () => number;
  readonly #onDrop?: (frame: QueuedFrame<T>, reason: DropReason) => void;
  readonly counters: SchedulerCounters = { offered: 0, queued: 0, duplicates: 0, taken: 0, dropped: emptyDrops() };
  readonly #droppedBySource = new Map<string, number>();

  constructor(opts: SchedulerOptions<T> = {}) {
    this.capacity = opts.capacity ?? 64;
    this.maxPerSource = opts.maxPerSource ?? 2;
    this.maxAgeMs = opts.maxAgeMs ?? 3000;
    const quantum = opts.quantum ?? 1280 * 720;
    if (!(this.capacity >= 1 && this.maxPerSource >= 1 && quantum > 0)) throw new RangeError('scheduler capacity, maxPerSource and quantum must be positive');
    this.#now = opts.now ?? Date.now;
    this.#dedup = new DedupCache({ ttlMs: opts.dedupTtlMs ?? 5000, now: this.#now });
    this.#onDrop = opts.onDrop;
    this.#levels = { urgent: new Level(quantum), high: new Level(quantum), normal: new Level(quantum), low: new Level(quantum) };
  }

  get depth(): number {
    let n = 0;
    for (const p of PRIORITIES) n += this.#levels[p].size;
    return n;
  }

  depthOf(source: string): number {
    return this.#perSource.get(source) ?? 0;
  }

  droppedFor(source: string): number {
    return this.#droppedBySource.get(source) ?? 0;
  }

  /** Enqueue time of the oldest frame still queued (Infinity when empty). */
  oldestEnqueuedAt(): number {
    let t = Infinity;
    for (const p of PRIORITIES) t = Math.min(t, this.#levels[p].oldest());
    return t;
  }

  offer(frame: Omit<QueuedFrame<T>, 'enqueuedAt'> & { enqueuedAt?: number }): OfferResult {
    this.counters.offered++;
    const f: QueuedFrame<T> = { ...frame, enqueuedAt: frame.enqueuedAt ?? this.#now() };
    if (!this.#dedup.admit(f.frameId)) {
      this.counters.duplicates++;
      return { status: 'duplicate' };
    }
    if (f.priority === 'low' && this.depth >= Math.ceil(this.capacity / 2)) return this.#reject(f, 'shed_low_priority');

    // Per-source cap: the source's own oldest frame at the same or a lower priority makes room.
    if (this.depthOf(f.source) >= this.maxPerSource) {
      const victim = this.#oldestOfSource(f.source, f.priority);
      if (!victim) return this.#reject(f, 'superseded');
      this.#drop(victim, 'superseded');
    }
    if (this.depth >= this.capacity) {
      const victim = this.#victimFor(f.priority);
      if (!victim) return this.#reject(f, 'queue_full');
      this.#drop(victim, 'queue_full');
    }
    this.#levels[f.priority].push(f);
    this.#perSource.set(f.source, this.depthOf(f.source) + 1);
    this.counters.queued++;
    return { status: 'queued' };
  }

  /** Up to `max` frames, highest priority first, sources interleaved fairly; stale frames are dropped on the way. */
  take(max: number): QueuedFrame<T>[] {
    const out: QueuedFrame<T>[] = [];
    const now = this.#now();
    for (const p of PRIORITIES) {
      const level = this.#levels[p];
      while (out.length < max) {
        const f = level.next();
        if (!f) break;
        this.#decSource(f.source);
        if (now - f.enqueuedAt > this.maxAgeMs) {
          this.#countDrop(f, 'stale');
          continue;
        }
        this.counters.taken++;
        out.push(f);
      }
      if (out.length >= max) break;
    }
    return out;
  }

  /** Drops every queued frame (shutdown, engine gone for good) with `reason`. */
  clear(reason: DropReason): number {
    let n = 0;
    for (const p of PRIORITIES) {
      let f: QueuedFrame<T> | undefined;
      while ((f = this.#levels[p].next())) {
        this.#decSource(f.source);
        this.#countDrop(f, reason);
        n++;
      }
    }
    return n;
  }

  /** Reports a frame that was taken but could not be analysed (engine crash after its retry, engine error). */
  reportDropped(frame: QueuedFrame<T>, reason: DropReason): void {
    this.#countDrop(frame, reason);
  }

  /** Lets a frame that is being retried through the queue pass de-duplication again. */
  forgetFrameId(frameId: string): void {
    this.#dedup.forget(frameId);
  }

  #oldestOfSource(source: string, atOrBelow: Priority): QueuedFrame<T> | undefined {
    // Lowest priority first, so a source's urgent frame is never pushed out by its own normal frame.
    for (let i = PRIORITIES.length - 1; i >= PRIORITIES.indexOf(atOrBelow); i--) {
      const f = this.#levels[PRIORITIES[i]].shiftFrom(source);
      if (f) {
        this.#decSource(source);
        return f;
      }
    }
    return undefined;
  }

  #victimFor(incoming: Priority): QueuedFrame<T> | undefined {
    const rank = PRIORITIES.indexOf(incoming);
    for (let i = PRIORITIES.length - 1; i >= 0; i--) {
      // Only a strictly lower priority makes room, except that urgent always gets in.
      if (i <= rank && incoming !== 'urgent') return undefined;
      const level = this.#levels[PRIORITIES[i]];
      const src = level.busiestSource();
      if (src === undefined) continue;
      const f = level.shiftFrom(src)!;
      this.#decSource(src);
      return f;
    }
    return undefined;
  }

  #reject(f: QueuedFrame<T>, reason: DropReason): OfferResult {
    this.#countDrop(f, reason);
    return { status: 'rejected', reason };
  }

  #drop(f: QueuedFrame<T>, reason: DropReason): void {
    this.#countDrop(f, reason);
  }

  #countDrop(f: QueuedFrame<T>, reason: DropReason): void {
    this.counters.dropped[reason]++;
    this.#droppedBySource.set(f.source, this.droppedFor(f.source) + 1);
    this.#onDrop?.(f, reason);
  }

  #decSource(source: string): void {
    const n = this.depthOf(source) - 1;
    if (n <= 0) this.#perSource.delete(source);
    else this.#perSource.set(source, n);
  }
}
