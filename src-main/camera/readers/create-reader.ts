// Picks the reader for a source type. ffmpeg reads what it reads best (RTSP, local devices, files);
// Node reads the JPEG-per-frame protocols so each frame can be checked and counted.
import type { CameraSource } from '../camera-config.ts';
import type { FramePools } from '../frame-pool.ts';
import { FfmpegReader } from './ffmpeg-reader.ts';
import { HttpMjpegReader } from './http-mjpeg-reader.ts';
import { SocketReader } from './socket-reader.ts';
import type { ReaderPlan, ReaderSink, SourceReader } from './source-reader.ts';
import { WebsocketReader } from './websocket-reader.ts';

export interface CreateReaderOptions {
  source: CameraSource;
  plan: ReaderPlan;
  sink: ReaderSink;
  secrets: readonly string[];
  /** Called only for ffmpeg-backed sources (so a WebSocket camera works without ffmpeg installed). */
  ffmpegPath: () => string;
  decodeThreads?: number;
  /** The camera's detection-frame buffers (ffmpeg readers read into them). */
  pools?: FramePools;
}

export function usesFfmpeg(source: CameraSource): source is Extract<CameraSource, { type: 'rtsp' | 'usb' | 'file' }> {
  return source.type === 'rtsp' || source.type === 'usb' || source.type === 'file';
}

export function createReader(o: CreateReaderOptions): SourceReader {
  const { source } = o;
  if (usesFfmpeg(source)) {
    return new FfmpegReader({ ffmpegPath: o.ffmpegPath(), source, plan: o.plan, sink: o.sink, secrets: o.secrets, decodeThreads: o.decodeThreads, pools: o.pools });
  }
  switch (source.type) {
    case 'http_mjpeg':
      return new HttpMjpegReader(source, o.plan, o.sink);
    case 'websocket':
      return new WebsocketReader(source, o.plan, o.sink);
    case 'socket':
      return new SocketReader(source, o.plan, o.sink);
  }
}
