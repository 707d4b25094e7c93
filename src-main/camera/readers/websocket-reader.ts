// WebSocket cameras: one JPEG per message, binary or base64 text. A base64 message may
// also be JSON {"image"|"data"|"frame": "<base64>", "timestamp": …}, which carries the camera time.
// Pings detect a dead peer: no pong by the next ping → the connection is dropped and retried.
import WebSocket from 'ws';
import type { CameraSource } from '../camera-config.ts';
import { CameraError } from '../camera-error.ts';
import { redactUrl } from '../redact.ts';
import { basicAuthHeader, effectiveCredentials } from '../url-credentials.ts';
import { parseCameraTimestamp } from './jpeg-push-pipeline.ts';
import { JpegPushReader } from './jpeg-push-reader.ts';
import { cameraErrorFromHttpStatus, cameraErrorFromNet } from './net-error.ts';
import type { ReaderPlan, ReaderSink } from './source-reader.ts';

type WebsocketSource = Extract<CameraSource, { type: 'websocket' }>;

/** JPEG bytes and camera time from a text message; null when it carries no image. */
export function decodeTextFrame(text: string): { jpeg: Buffer; timestamp: number | null } | null {
  const t = text.trim();
  if (t.startsWith('{')) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(t) as Record<string, unknown>;
    } catch {
      return null;
    }
    const image = obj.image ?? obj.data ?? obj.frame ?? obj.jpeg;
    if (typeof image !== 'string') return null;
    return { jpeg: fromBase64(image), timestamp: parseCameraTimestamp(obj.timestamp ?? obj.ts ?? obj.time) };
  }
  return t ? { jpeg: fromBase64(t), timestamp: null } : null;
}

function fromBase64(s: string): Buffer {
  const comma = s.startsWith('data:') ? s.indexOf(',') : -1;
  return Buffer.from(comma >= 0 ? s.slice(comma + 1) : s, 'base64');
}

export class WebsocketReader extends JpegPushReader {
  private ws: WebSocket | null = null;
  private awaitingPong = false;

  constructor(
    private readonly source: WebsocketSource,
    plan: ReaderPlan,
    sink: ReaderSink,
  ) {
    super(sink, plan);
  }

  start(): void {
    const creds = effectiveCredentials(this.source);
    const what = redactUrl(creds.url);
    const headers: Record<string, string> = { ...this.source.headers };
    const auth = basicAuthHeader(creds);
    if (auth && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.Authorization = auth;
    let ws: WebSocket;
    try {
      ws = new WebSocket(creds.url, {
        headers,
        maxPayload: this.source.max_message_bytes,
        handshakeTimeout: this.source.timeout_ms,
        perMessageDeflate: false,
        followRedirects: false,
      });
    } catch (err) {
      this.end(new CameraError('INVALID_CONFIG', `${what}: ${(err as Error).message}`));
      return;
    }
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    ws.on('unexpected-response', (req, res) => {
      this.end(cameraErrorFromHttpStatus(res.statusCode ?? 0, what));
      req.destroy();
    });
    ws.on('open', () => this.startPings());
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!this.active) return;
      if (isBinary) {
        this.pipeline.push(data, null);
      } else if (this.source.protocol === 'base64') {
        const frame = decodeTextFrame(data.toString('utf8'));
        if (frame) this.pipeline.push(frame.jpeg, frame.timestamp);
        else this.sink.corrupt(1, 'text message without an image');
      }
      // protocol "binary": text messages are the server's control/status chatter, not frames.
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.end(new CameraError('UNSUPPORTED', `${what}: message larger than max_message_bytes (${this.source.max_message_bytes})`));
      } else if (/handshake has timed out/i.test(err.message)) {
        this.end(new CameraError('TIMEOUT', `${what}: opening handshake timed out`));
      } else {
        this.end(cameraErrorFromNet(err, what));
      }
    });
    ws.on('close', (code) => this.end(new CameraError('STREAM_ENDED', `${what}: closed by the server (code ${code})`)));
  }

  private startPings(): void {
    const every = this.source.ping_interval_ms;
    this.timer('interval', every, () => {
      if (this.awaitingPong) {
        this.end(new CameraError('STALLED', `no pong within ${every} ms`));
        return;
      }
      this.awaitingPong = true;
      this.ws?.ping();
    });
  }

  protected release(): void {
    this.ws?.terminate();
  }
}
