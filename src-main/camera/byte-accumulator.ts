// A growable byte window for stream parsers: append network chunks, look at the unconsumed bytes,
// consume from the front. Memory is reused (compaction instead of Buffer.concat per chunk), so views
// are only valid until the next append: copy what must outlive it.

export class ByteAccumulator {
  private buf: Buffer;
  private start = 0;
  private end = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.buf.length && this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, live + chunk.length));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The unconsumed bytes (a view, not a copy). */
  view(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  consume(n: number): void {
    this.start = Math.min(this.end, this.start + n);
    if (this.start === this.end) this.start = this.end = 0;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}
