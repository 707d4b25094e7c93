// Cuts a raw TCP byte stream into frames at a configured marker. When the marker is a
// JPEG SOI (FFD8…) it belongs to the frame, and the end is found by walking the JPEG structure, so a
// frame is delivered as soon as its EOI arrives rather than when the next frame starts. Any other
// marker is a frame header: it is stripped and the frame runs to the next marker.
import { ByteAccumulator } from './byte-accumulator.ts';
import { JPEG_INCOMPLETE, JPEG_INVALID, JpegScanner } from './jpeg-scan.ts';

export type SplitResult = { kind: 'frame'; data: Buffer } | { kind: 'corrupt'; reason: string; bytes: number };

export class DelimitedFrameSplitter {
  private readonly acc = new ByteAccumulator();
  private readonly jpegMode: boolean;
  private inFrame = false;
  private scanner: JpegScanner | null = null;
  private searchFrom = 0;
  /** After a corrupt frame the bytes up to the next marker are its remains, not noise. */
  private inCorrupt = false;
  /** Bytes thrown away outside any frame (noise between frames, a stream joined mid-frame). */
  garbageBytes = 0;

  constructor(
    private readonly delimiter: Buffer,
    private readonly maxFrameBytes: number,
  ) {
    if (delimiter.length === 0) throw new RangeError('frame delimiter must not be empty');
    this.jpegMode = delimiter.length >= 2 && delimiter[0] === 0xff && delimiter[1] === 0xd8;
  }

  push(chunk: Uint8Array): SplitResult[] {
    this.acc.append(chunk);
    const out: SplitResult[] = [];
    const d = this.delimiter;
    for (;;) {
      const v = this.acc.view();
      if (!this.inFrame) {
        const i = v.indexOf(d, this.searchFrom);
        if (i < 0) {
          // Keep a possible partial marker at the end; everything before it is noise.
          const drop = Math.max(0, v.length - (d.length - 1));
          if (!this.inCorrupt) this.garbageBytes += drop;
          this.acc.consume(drop);
          this.searchFrom = 0;
          return out;
        }
        if (!this.inCorrupt) this.garbageBytes += i;
        this.inCorrupt = false;
        this.acc.consume(i);
        this.inFrame = true;
        this.searchFrom = 0;
        this.scanner = this.jpegMode ? new JpegScanner() : null;
        continue;
      }
      if (this.scanner) {
        const end = this.scanner.scan(v);
        if (end >= 0) {
          out.push({ kind: 'frame', data: Buffer.from(v.subarray(0, end)) });
          this.acc.consume(end);
          this.inFrame = false;
          continue;
        }
        if (end === JPEG_INVALID || v.length > this.maxFrameBytes) {
          out.push({ kind: 'corrupt', reason: end === JPEG_INVALID ? 'truncated or malformed JPEG' : 'frame larger than max_frame_bytes', bytes: v.length });
          this.resync();
          continue;
        }
        if (end === JPEG_INCOMPLETE) return out;
      }
      const next = v.indexOf(d, Math.max(d.length, this.searchFrom));
      if (next >= 0) {
        out.push({ kind: 'frame', data: Buffer.from(v.subarray(d.length, next)) });
        this.acc.consume(next);
        this.inFrame = false;
        this.searchFrom = 0;
        continue;
      }
      if (v.length > this.maxFrameBytes) {
        out.push({ kind: 'corrupt', reason: 'frame larger than max_frame_bytes', bytes: v.length });
        this.resync();
        continue;
      }
      this.searchFrom = Math.max(d.length, v.length - d.length + 1);
      return out;
    }
  }

  /** Drops the current frame's marker and looks for the next one. */
  private resync(): void {
    this.acc.consume(1);
    this.inCorrupt = true;
    this.inFrame = false;
    this.scanner = null;
    this.searchFrom = 0;
  }
}
