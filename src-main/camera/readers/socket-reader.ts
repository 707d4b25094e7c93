// Raw TCP cameras: a byte stream of frames separated by a configured marker, with TCP
// keepalive so a silently dead peer is noticed by the OS too.
import net from 'node:net';
import type { CameraSource } from '../camera-config.ts';
import { CameraError } from '../camera-error.ts';
import { DelimitedFrameSplitter } from '../delimited-frame-splitter.ts';
import { JpegPushReader } from './jpeg-push-reader.ts';
import { cameraErrorFromNet } from './net-error.ts';
import type { ReaderPlan, ReaderSink } from './source-reader.ts';

type SocketSource = Extract<CameraSource, { type: 'socket' }>;

export class SocketReader extends JpegPushReader {
  private socket: net.Socket | null = null;
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: SocketSource,
    plan: ReaderPlan,
    sink: ReaderSink,
  ) {
    super(sink, plan);
  }

  start(): void {
    const { host, port } = this.source;
    const what = `tcp://${host}:${port}`;
    const splitter = new DelimitedFrameSplitter(Buffer.from(this.source.delimiter_hex, 'hex'), this.source.max_frame_bytes);
    const socket = net.connect({ host, port });
    this.socket = socket;
    this.connectTimer = this.timer('timeout', this.source.timeout_ms, () => this.end(new CameraError('TIMEOUT', `${what}: connect timed out after ${this.source.timeout_ms} ms`)));
    socket.on('connect', () => {
      this.clearTimer(this.connectTimer);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, this.source.keepalive_ms);
    });
    let garbage = 0;
    socket.on('data', (chunk: Buffer) => {
      if (!this.active) return;
      for (const r of splitter.push(chunk)) {
        if (r.kind === 'frame') this.pipeline.push(r.data, null);
        else {
          this.sink.received(r.bytes, 1);
          this.sink.corrupt(1, r.reason);
        }
      }
      if (splitter.garbageBytes > garbage) {
        this.sink.garbage(splitter.garbageBytes - garbage);
        garbage = splitter.garbageBytes;
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.end(cameraErrorFromNet(err, what)));
    socket.on('close', () => this.end(new CameraError('STREAM_ENDED', `${what}: connection closed by the camera`)));
  }

  protected release(): void {
    this.socket?.destroy();
  }
}
