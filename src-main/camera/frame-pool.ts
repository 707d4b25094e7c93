// Preallocated detection-frame buffers with reference-counted release (one pool per camera and frame size).
// A decoded frame is written into a leased buffer; each holder that keeps the frame past the call that handed it
// over takes a reference (retain) and gives it back (release). The buffer returns to the pool only when the last
// reference is released, so it is never rewritten while anyone still holds it.
// - A leak (a holder that never releases) costs nothing but reuse: its buffer is simply never returned, the pool
//   allocates a fresh one and the garbage collector takes the leaked one once it is unreachable.
// - Use after release is caught: the lease's `data` (and a pooled CameraFrame's `data`, which reads it) throws
//   FrameReleasedError once the last reference is gone; a second release throws instead of returning the buffer
//   twice (which would hand one buffer to two frames).
// - Holders outside the camera → scheduler → engine path get a copy (detachFrame), never a lease.

export class FrameReleasedError extends Error {
  readonly code = 'FRAME_RELEASED';
  constructor(message: string) {
    super(message);
    this.name = 'FrameReleasedError';
  }
}

export interface FramePoolStats {
  /** Buffers allocated because none was free (the first ones, growth, leaks). */
  allocated: number;
  /** Leases served from a returned buffer. */
  reused: number;
  /** Buffers given back by their last holder. */
  returned: number;
  /** Returned buffers dropped because the free list was full (left to the garbage collector). */
  discarded: number;
  /** Leases out now (not yet fully released). */
  outstanding: number;
  free: number;
}

/** Free buffers kept per pool: a camera's frames in use at once are the ring's, the latest, one queued, one in the engine. */
export const DEFAULT_POOL_KEEP = 6;

export class FramePool {
  readonly #free: Buffer[] = [];
  readonly #keep: number;
  readonly #stats = { allocated: 0, reused: 0, returned: 0, discarded: 0, outstanding: 0 };
  #closed = false;

  constructor(readonly bytes: number, keep = DEFAULT_POOL_KEEP) {
    if (!Number.isInteger(bytes) || bytes <= 0) throw new RangeError(`frame pool: buffer size must be a positive integer, got ${bytes}`);
    this.#keep = keep;
  }

  /** A buffer of exactly `bytes`, held once by the caller. Its contents are whatever was there before. */
  acquire(): FrameLease {
    const reused = this.#free.pop();
    if (reused) this.#stats.reused++;
    else this.#stats.allocated++;
    this.#stats.outstanding++;
    return new FrameLease(reused ?? Buffer.allocUnsafeSlow(this.bytes), this);
  }

  /** Drops the free buffers and keeps no more (the camera is gone); leases still out stay valid until released. */
  close(): void {
    this.#closed = true;
    this.#free.length = 0;
  }

  stats(): FramePoolStats {
    return { ...this.#stats, free: this.#free.length };
  }

  /** @internal FrameLease's last release. */
  giveBack(buf: Buffer): void {
    this.#stats.outstanding--;
    this.#stats.returned++;
    if (this.#closed || this.#free.length >= this.#keep) this.#stats.discarded++;
    else this.#free.push(buf);
  }
}

export class FrameLease {
  #buf: Buffer | null;
  #refs = 1;
  readonly #pool: FramePool;

  constructor(buf: Buffer, pool: FramePool) {
    this.#buf = buf;
    this.#pool = pool;
  }

  /** The pixels; throws once the last holder released them. */
  get data(): Buffer {
    if (this.#buf === null) throw new FrameReleasedError('frame buffer used after its last holder released it');
    return this.#buf;
  }

  get released(): boolean {
    return this.#buf === null;
  }

  get refs(): number {
    return this.#refs;
  }

  /** One more holder; returns this lease. */
  retain(): this {
    if (this.#buf === null) throw new FrameReleasedError('frame buffer retained after its last holder released it');
    this.#refs++;
    return this;
  }

  release(): void {
    const buf = this.#buf;
    if (buf === null) throw new FrameReleasedError('frame buffer released more often than it was held');
    if (--this.#refs > 0) return;
    this.#buf = null;
    this.#pool.giveBack(buf);
  }
}

/** Frame sizes of one camera (a reconnection may change the detect size): one pool per byte size. */
export class FramePools {
  readonly #pools = new Map<number, FramePool>();
  constructor(private readonly keep = DEFAULT_POOL_KEEP) {}

  forSize(bytes: number): FramePool {
    let p = this.#pools.get(bytes);
    if (!p) {
      // Another size replaces the old one (its buffers are of no use now); leases out stay valid.
      for (const old of this.#pools.values()) old.close();
      this.#pools.clear();
      p = new FramePool(bytes, this.keep);
      this.#pools.set(bytes, p);
    }
    return p;
  }

  close(): void {
    for (const p of this.#pools.values()) p.close();
    this.#pools.clear();
  }

  stats(): FramePoolStats | null {
    const p = [...this.#pools.values()][0];
    return p ? p.stats() : null;
  }
}

/** Anything that may carry a lease for its pixels (camera frames, engine frames). */
export interface Leased {
  readonly lease?: FrameLease;
}

/** One more holder of `f`'s pixels when they are pooled; returns `f`. */
export function retainFrame<T extends Leased>(f: T): T {
  f.lease?.retain();
  return f;
}

/** This holder is done with `f`'s pixels (no-op for frames that own theirs). */
export function releaseFrame(f: Leased | null | undefined): void {
  f?.lease?.release();
}

/** A copy of `f` with its own pixels and no lease: for holders that keep a frame on their own terms. */
export function detachFrame<T extends Leased & { data: Uint8Array }>(f: T): Omit<T, 'lease'> {
  const { lease: _lease, data, ...rest } = f;
  const copy = Buffer.allocUnsafe(data.byteLength);
  copy.set(data);
  return { ...rest, data: copy } as Omit<T, 'lease'>;
}

const NOTHING_HELD = (): void => {};

/** One more holder of `f`'s pixels; the returned function gives that reference back, once (later calls do nothing). */
export function holdFrame(f: Leased): () => void {
  const lease = f.lease;
  if (!lease) return NOTHING_HELD;
  lease.retain();
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    lease.release();
  };
}
