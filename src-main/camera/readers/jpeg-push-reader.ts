// The connection lifecycle shared by the Node readers whose frames are pushed JPEGs (HTTP-MJPEG, WebSocket, raw
// socket): one connection, ended once — by stop() (no sink call follows) or by end(err) (the sink hears ended()
// exactly once) — and on either way out the same cleanup: timers cleared, the JPEG pipeline closed, the
// connection released. Subclasses only open the connection and say how to release it.
import type { CameraError } from '../camera-error.ts';
import { JpegPushPipeline } from './jpeg-push-pipeline.ts';
import type { ReaderPlan, ReaderSink, SourceReader } from './source-reader.ts';

export abstract class JpegPushReader implements SourceReader {
  readonly pid = undefined;
  protected readonly pipeline: JpegPushPipeline;
  #stopped = false;
  #finished = false;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(protected readonly sink: ReaderSink, plan: ReaderPlan) {
    this.pipeline = new JpegPushPipeline(sink, plan);
  }

  abstract start(): void;

  /** Destroys the connection (request, socket); called once per way out, after timers and the pipeline. */
  protected abstract release(): void;

  /** Neither stopped nor ended: data still counts. */
  protected get active(): boolean {
    return !this.#stopped && !this.#finished;
  }

  stop(): void {
    this.#stopped = true;
    this.#cleanup();
  }

  /** The connection is over with `err`; reported to the sink once, never after stop(). */
  protected end(err: CameraError): void {
    if (!this.active) return;
    this.#finished = true;
    this.#cleanup();
    this.sink.ended(err);
  }

  /** A timer that the cleanup clears (connect timeouts, pings). */
  protected timer(kind: 'timeout' | 'interval', ms: number, fn: () => void): NodeJS.Timeout {
    const t = kind === 'timeout' ? setTimeout(() => { this.#timers.delete(t); fn(); }, ms) : setInterval(fn, ms);
    this.#timers.add(t);
    return t;
  }

  protected clearTimer(t: NodeJS.Timeout | null): void {
    if (!t) return;
    clearTimeout(t);
    this.#timers.delete(t);
  }

  #cleanup(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.pipeline.close();
    this.release();
  }
}
