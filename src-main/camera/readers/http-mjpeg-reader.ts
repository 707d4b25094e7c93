// HTTP MJPEG cameras (multipart/x-mixed-replace), read in Node so that every part can
// be checked, counted and timestamped (X-Timestamp part headers) before decoding.
import http from 'node:http';
import https from 'node:https';
import type { CameraSource } from '../camera-config.ts';
import { CameraError } from '../camera-error.ts';
import { boundaryOf, MultipartParser } from '../multipart-parser.ts';
import { redactUrl } from '../redact.ts';
import { basicAuthHeader, effectiveCredentials } from '../url-credentials.ts';
import { parseCameraTimestamp } from './jpeg-push-pipeline.ts';
import { JpegPushReader } from './jpeg-push-reader.ts';
import { cameraErrorFromHttpStatus, cameraErrorFromNet } from './net-error.ts';
import type { ReaderPlan, ReaderSink } from './source-reader.ts';

type HttpMjpegSource = Extract<CameraSource, { type: 'http_mjpeg' }>;

const MAX_REDIRECTS = 3;

export class HttpMjpegReader extends JpegPushReader {
  private req: http.ClientRequest | null = null;
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: HttpMjpegSource,
    plan: ReaderPlan,
    sink: ReaderSink,
  ) {
    super(sink, plan);
  }

  start(): void {
    const creds = effectiveCredentials(this.source);
    this.request(new URL(creds.url), basicAuthHeader(creds), 0);
  }

  private request(url: URL, auth: string | null, redirects: number): void {
    const what = redactUrl(url.toString());
    const headers: Record<string, string> = { 'User-Agent': 'Vigil', Accept: 'multipart/x-mixed-replace, */*;q=0.5', ...this.source.headers };
    if (auth && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.Authorization = auth;
    const mod = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = mod.request(url, { method: 'GET', headers });
    } catch (err) {
      this.end(cameraErrorFromNet(err as NodeJS.ErrnoException, what));
      return;
    }
    this.req = req;
    this.connectTimer = this.timer('timeout', this.source.timeout_ms, () => this.end(new CameraError('TIMEOUT', `${what}: no response within ${this.source.timeout_ms} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => this.end(cameraErrorFromNet(err, what)));
    req.on('response', (res) => {
      this.clearTimer(this.connectTimer);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects < MAX_REDIRECTS) {
        res.resume();
        const next = new URL(res.headers.location, url);
        // Credentials follow a redirect only within the same origin.
        this.request(next, next.origin === url.origin ? auth : null, redirects + 1);
        return;
      }
      if (status !== 200) {
        res.resume();
        this.end(cameraErrorFromHttpStatus(status, what));
        return;
      }
      const boundary = boundaryOf(res.headers['content-type']);
      if (!boundary) {
        res.resume();
        this.end(new CameraError('UNSUPPORTED', `${what}: expected multipart/x-mixed-replace, got ${res.headers['content-type'] ?? 'no content type'}`));
        return;
      }
      const parser = new MultipartParser(boundary);
      let garbage = 0;
      res.on('data', (chunk: Buffer) => {
        if (!this.active) return;
        for (const part of parser.push(chunk)) {
          const ts = part.headers['x-timestamp'] ?? part.headers['x-frame-timestamp'] ?? part.headers['x-capture-timestamp'];
          this.pipeline.push(part.body, parseCameraTimestamp(ts));
        }
        if (parser.garbageBytes > garbage) {
          this.sink.garbage(parser.garbageBytes - garbage);
          garbage = parser.garbageBytes;
        }
      });
      res.on('end', () => this.end(new CameraError('STREAM_ENDED', `${what}: server ended the stream`)));
      res.on('error', (err: NodeJS.ErrnoException) => this.end(cameraErrorFromNet(err, what)));
      res.on('close', () => this.end(new CameraError('STREAM_UNAVAILABLE', `${what}: connection closed`)));
    });
    req.end();
  }

  protected release(): void {
    this.req?.destroy();
  }
}
