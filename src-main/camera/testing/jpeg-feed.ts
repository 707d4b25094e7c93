// The sending side shared by the loopback JPEG servers (HTTP-MJPEG, WebSocket, raw socket): a timer
// that hands real JPEG frames to every connected client at a set rate, with switches for the faults
// the camera tests need: stall (connections open, nothing sent), garbage bytes, truncated frames.

export interface JpegFaults {
  /** Every Nth frame is preceded by random non-JPEG bytes. */
  garbageEvery?: number;
  /** Every Nth frame is cut in half. */
  truncateEvery?: number;
  garbageBytes?: number;
}

export interface FeedItem {
  /** 1-based frame counter. */
  index: number;
  jpeg: Buffer;
  truncated: boolean;
  /** Noise to send before the frame, when this frame is a garbage one. */
  garbage: Buffer | null;
  /** Send time (epoch ms), usable as the camera timestamp. */
  timestamp: number;
}

/** Random bytes without 0xFF, so noise never forms a JPEG marker by chance (exact counts in tests). */
export function noise(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(Math.random() * 255);
  return b;
}

export class JpegFeed {
  private timer: NodeJS.Timeout | null = null;
  private i = 0;
  stalled = false;
  sent = 0;
  truncatedSent = 0;
  garbageSent = 0;

  constructor(
    private readonly frames: Buffer[],
    private readonly fps: number,
    public faults: JpegFaults,
    private readonly send: (item: FeedItem) => void,
  ) {
    if (frames.length === 0) throw new Error('JpegFeed needs at least one frame');
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), 1000 / this.fps);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (this.stalled) return;
    const index = ++this.i;
    const jpeg = this.frames[(index - 1) % this.frames.length];
    const f = this.faults;
    const truncated = !!f.truncateEvery && index % f.truncateEvery === 0;
    const garbage = f.garbageEvery && index % f.garbageEvery === 0 ? noise(f.garbageBytes ?? 777) : null;
    if (truncated) this.truncatedSent++;
    if (garbage) this.garbageSent++;
    this.sent++;
    this.send({ index, jpeg: truncated ? jpeg.subarray(0, Math.floor(jpeg.length / 2)) : jpeg, truncated, garbage, timestamp: Date.now() });
  }
}
