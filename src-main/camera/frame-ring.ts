// Fixed-capacity FIFO of the most recent frames (10 per camera by default; overflow drops the oldest).
// Slots are reused, so pushing and shifting never allocate.

export class FrameRing<T> {
  private readonly slots: Array<T | undefined>;
  private head = 0; // index of the oldest item
  private count = 0;
  /** Items evicted by overflow since creation. */
  dropped = 0;

  constructor(readonly capacity = 10) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item; returns the evicted oldest item when the ring was full. */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.count === this.capacity) {
      evicted = this.slots[this.head];
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.dropped++;
    }
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return evicted;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** The newest item without removing it. */
  peekLatest(): T | undefined {
    return this.count === 0 ? undefined : this.slots[(this.head + this.count - 1) % this.capacity];
  }

  /** Empties the ring; returns how many items were discarded. */
  clear(): number {
    const n = this.count;
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    return n;
  }
}
