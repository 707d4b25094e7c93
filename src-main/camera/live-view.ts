// The live picture for the UI, separate from detection frames. Two formats:
//  - `fmp4`: the camera's own H.264 (or H.265) remuxed without re-encoding into fragmented MP4 for
//    Media Source Extensions: an init segment, then media segments. A late viewer gets the init
//    segment and the segments since the last keyframe, so its decoder starts cleanly.
//  - `mjpeg`: JPEG pictures (the source's own JPEGs for MJPEG/WebSocket/socket cameras; a low-rate
//    JPEG encode for codecs a browser cannot play).
// The HTTP layer pipes either to browsers: `subscribe()` for push with its own flow control, or
// `stream()`, an async iterator that sheds load for slow consumers (whole GOPs, oldest JPEGs).
import { EventEmitter } from 'node:events';

export type LiveFormat = 'fmp4' | 'mjpeg';

export type LiveChunk =
  | { kind: 'init'; data: Buffer; mime: string; codec: string | null }
  | { kind: 'segment'; data: Buffer; keyframe: boolean; samples: number }
  | { kind: 'jpeg'; data: Buffer; timestamp: number };

type Listener = (chunk: LiveChunk) => void;

const MAX_GOP_CACHE_BYTES = 16 * 1024 * 1024;

export interface LiveViewCounters {
  /** Bytes produced per format since the camera session started. */
  fmp4_bytes: number;
  mjpeg_bytes: number;
  segments: number;
  jpegs: number;
  subscribers: number;
}

export class LiveView {
  private readonly emitter = new EventEmitter();
  private init: Extract<LiveChunk, { kind: 'init' }> | null = null;
  private gop: Array<Extract<LiveChunk, { kind: 'segment' }>> = [];
  private gopBytes = 0;
  private lastJpeg: Extract<LiveChunk, { kind: 'jpeg' }> | null = null;
  private readonly available = new Set<LiveFormat>();
  private readonly counters = { fmp4_bytes: 0, mjpeg_bytes: 0, segments: 0, jpegs: 0 };

  constructor(readonly cameraId: string) {
    this.emitter.setMaxListeners(0);
  }

  /** Formats the current connection produces (set by the camera session for each reader it starts). */
  get formats(): LiveFormat[] {
    return [...this.available];
  }

  /** MIME type with codecs for MSE, once the current connection's init segment is known. */
  get mime(): string | null {
    return this.init?.mime ?? null;
  }

  get subscriberCount(): number {
    return this.emitter.listenerCount('fmp4') + this.emitter.listenerCount('mjpeg');
  }

  get stats(): LiveViewCounters {
    return { ...this.counters, subscribers: this.subscriberCount };
  }

  /**
   * Calls `listener` with every chunk of `format`; starts with the init segment and the current GOP
   * (fmp4) or the latest picture (mjpeg). A new `init` chunk means the stream restarted: reset the
   * decoder (MSE: new SourceBuffer). Returns the unsubscribe function.
   */
  subscribe(format: LiveFormat, listener: Listener): () => void {
    try {
      if (format === 'fmp4' && this.init) {
        listener(this.init);
        for (const s of this.gop) listener(s);
      } else if (format === 'mjpeg' && this.lastJpeg) {
        listener(this.lastJpeg);
      }
    } catch {
      return () => {}; // same rule as emit(): a throwing subscriber is dropped
    }
    this.emitter.on(format, listener);
    return () => this.emitter.off(format, listener);
  }

  /**
   * Async iteration over `format` with bounded buffering: past `maxQueuedBytes` the queued media is
   * discarded and the stream resumes at the next keyframe (fmp4) or keeps only the newest JPEG.
   */
  stream(format: LiveFormat, options: { signal?: AbortSignal; maxQueuedBytes?: number } = {}): AsyncIterableIterator<LiveChunk> {
    const max = options.maxQueuedBytes ?? 8 * 1024 * 1024;
    const queue: LiveChunk[] = [];
    let queued = 0;
    let waiting: ((r: IteratorResult<LiveChunk>) => void) | null = null;
    let done = false;
    let needKeyframe = false;
    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe();
      options.signal?.removeEventListener('abort', finish);
      waiting?.({ value: undefined, done: true });
      waiting = null;
    };
    const deliver = (chunk: LiveChunk) => {
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: chunk, done: false });
        return;
      }
      if (chunk.kind === 'init') {
        queue.length = 0; // a new init makes everything queued before it useless
        queued = 0;
        needKeyframe = false;
      } else if (chunk.kind === 'segment') {
        if (needKeyframe && !chunk.keyframe) return;
        needKeyframe = false;
        if (queued + chunk.data.length > max) {
          // Keep the init segment (if queued), drop media, restart at the next keyframe.
          const init = queue.find((c) => c.kind === 'init');
          queue.length = 0;
          queued = 0;
          if (init) {
            queue.push(init);
            queued = init.data.length;
          }
          if (!chunk.keyframe) {
            needKeyframe = true;
            return;
          }
        }
      } else if (queued + chunk.data.length > max) {
        queue.length = 0;
        queued = 0;
      }
      queue.push(chunk);
      queued += chunk.data.length;
    };
    const unsubscribe = this.subscribe(format, deliver);
    if (options.signal?.aborted) finish();
    else options.signal?.addEventListener('abort', finish, { once: true });
    const it: AsyncIterableIterator<LiveChunk> = {
      next: () => {
        const chunk = queue.shift();
        if (chunk) {
          queued -= chunk.data.length;
          return Promise.resolve({ value: chunk, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  // ---- producer side (camera session) ----

  /** A new connection: forget the previous stream's init segment and GOP. */
  resetForConnection(formats: LiveFormat[]): void {
    this.available.clear();
    for (const f of formats) this.available.add(f);
    this.init = null;
    this.gop = [];
    this.gopBytes = 0;
  }

  pushInit(data: Buffer, mime: string, codec: string | null): void {
    this.init = { kind: 'init', data, mime, codec };
    this.gop = [];
    this.gopBytes = 0;
    this.counters.fmp4_bytes += data.length;
    this.emit('fmp4', this.init);
  }

  pushSegment(data: Buffer, keyframe: boolean, samples: number): void {
    const chunk: LiveChunk = { kind: 'segment', data, keyframe, samples };
    if (keyframe) {
      this.gop = [];
      this.gopBytes = 0;
    }
    if (this.gopBytes + data.length <= MAX_GOP_CACHE_BYTES) {
      this.gop.push(chunk);
      this.gopBytes += data.length;
    }
    this.counters.fmp4_bytes += data.length;
    this.counters.segments++;
    this.emit('fmp4', chunk);
  }

  pushJpeg(data: Buffer, timestamp: number): void {
    this.lastJpeg = { kind: 'jpeg', data, timestamp };
    this.counters.mjpeg_bytes += data.length;
    this.counters.jpegs++;
    this.emit('mjpeg', this.lastJpeg);
  }

  /** Drops every subscriber (camera removed). */
  close(): void {
    this.emitter.removeAllListeners();
  }

  private emit(format: LiveFormat, chunk: LiveChunk): void {
    // A throwing subscriber must not break the camera that feeds every other subscriber.
    for (const l of this.emitter.listeners(format) as Listener[]) {
      try {
        l(chunk);
      } catch {
        this.emitter.off(format, l);
      }
    }
  }
}
