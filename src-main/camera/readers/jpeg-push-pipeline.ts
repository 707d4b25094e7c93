// Shared tail of the readers whose frames are JPEGs pushed at the camera's own rate (HTTP-MJPEG,
// WebSocket, raw socket): structure check, live-view passthrough, rate limit to fps_limit *before*
// decoding, then decode to rgb24. At most one decode per camera is in flight; when the decoder is
// busy only the newest accepted JPEG waits, so a slow decode never builds a backlog.
import { jpegExtent, type JpegInfo } from '../jpeg-scan.ts';
import { jpegToRgb } from './jpeg-to-rgb.ts';
import type { ReaderPlan, ReaderSink } from './source-reader.ts';

interface Pending {
  jpeg: Buffer;
  info: JpegInfo;
  cameraTimestamp: number | null;
}

export class JpegPushPipeline {
  private lastAccepted = -Infinity;
  private busy = false;
  private pending: Pending | null = null;
  private closed = false;
  private infoSent = false;
  private readonly minIntervalMs: number;
  private readonly live: boolean;

  constructor(
    private readonly sink: ReaderSink,
    private readonly plan: ReaderPlan,
  ) {
    // Same 10 % slack as the ffmpeg readers: a 25 fps camera limited to 5 fps yields 5, not 4.2.
    this.minIntervalMs = 900 / plan.fpsLimit;
    this.live = plan.live.includes('mjpeg');
  }

  push(data: Buffer, cameraTimestamp: number | null): void {
    if (this.closed) return;
    this.sink.received(data.length, 1);
    const info = jpegExtent(data);
    if (!info) {
      this.sink.corrupt(1, 'truncated or malformed JPEG');
      return;
    }
    // Padding some cameras put after EOI is not part of the picture.
    const jpeg = info.end < data.length ? data.subarray(0, info.end) : data;
    if (info.end < data.length) this.sink.garbage(data.length - info.end);
    if (!this.infoSent) {
      this.infoSent = true;
      this.sink.info({ codec: 'mjpeg', width: info.width, height: info.height, fps: null });
    }
    if (this.live) this.sink.liveJpeg(jpeg);
    const now = performance.now();
    if (now - this.lastAccepted < this.minIntervalMs) return;
    this.lastAccepted = now;
    const item = { jpeg, info, cameraTimestamp };
    if (this.busy) {
      this.pending = item;
      return;
    }
    void this.decode(item);
  }

  close(): void {
    this.closed = true;
    this.pending = null;
  }

  private async decode(item: Pending): Promise<void> {
    this.busy = true;
    try {
      const rgb = await jpegToRgb(item.jpeg, item.info, this.plan.detectWidth);
      if (!this.closed) this.sink.frame({ data: rgb.data, width: rgb.width, height: rgb.height, cameraTimestamp: item.cameraTimestamp });
    } catch (err) {
      if (!this.closed) this.sink.corrupt(1, `undecodable JPEG: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      this.busy = false;
      const next = this.pending;
      this.pending = null;
      if (next && !this.closed) void this.decode(next);
    }
  }
}

/** Camera time from a header or JSON field: epoch seconds or ms, or an ISO-8601 string; null if unusable. */
export function parseCameraTimestamp(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  if (Number.isFinite(n)) return parseCameraTimestamp(n);
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}
