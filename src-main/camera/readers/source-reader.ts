// What every source reader (ffmpeg child, HTTP-MJPEG, WebSocket, raw socket) reports to its camera
// session. A reader runs one connection: it never reconnects by itself; supervision lives in the session.
import type { CameraError } from '../camera-error.ts';
import type { FrameLease } from '../frame-pool.ts';
import type { LiveFormat } from '../live-view.ts';

export interface ReaderFrame {
  /** Packed rgb24, exactly width*height*3 bytes. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Capture time the source claimed (epoch ms), when it sends one. */
  cameraTimestamp: number | null;
  /** Presentation time in the live video's timeline (seconds), when the reader knows it. */
  mediaTimeS?: number | null;
  /** The pooled buffer `data` is (one reference, handed to the session with the frame). */
  lease?: FrameLease;
}

/** The source's own stream, as first seen on this connection. */
export interface StreamInfo {
  codec: string;
  width: number;
  height: number;
  fps: number | null;
}

export interface ReaderSink {
  frame(frame: ReaderFrame): void;
  info(info: StreamInfo): void;
  liveInit(data: Buffer, mime: string, codec: string | null): void;
  liveSegment(data: Buffer, keyframe: boolean, samples: number): void;
  liveJpeg(data: Buffer): void;
  /** Compressed bytes and source frames that arrived (bandwidth and capture counters). */
  received(bytes: number, frames: number): void;
  /** Frames that arrived but could not be used (corrupt, truncated, undecodable). */
  corrupt(count: number, reason: string): void;
  /** Bytes skipped outside any frame (noise between frames, a stream joined mid-frame). */
  garbage(bytes: number): void;
  /** Diagnostics, already redacted. */
  log(level: 'debug' | 'info' | 'warn', message: string): void;
  /** The connection is over (called at most once, never after stop()). */
  ended(error: CameraError): void;
}

export interface SourceReader {
  start(): void;
  /** Ends the connection; no sink call follows. */
  stop(): void;
  /** The OS process doing the work when there is one (CPU accounting). */
  readonly pid: number | undefined;
}

export interface ReaderPlan {
  fpsLimit: number;
  detectWidth: number;
  /** Live formats this connection must produce. */
  live: LiveFormat[];
  mjpegFps: number;
  mjpegWidth: number;
  /** A second stream to decode for detection (substream URL or file path); the source is then only copied. */
  detectStream?: string;
}
