// Plays a camera's live fragmented-MP4 stream (init segment, then moof+mdat fragments) in a <video> through Media
// Source Extensions. Two sources: the console's one WebSocket (`socket`: chunks named by camera, acknowledged once
// appended so the host paces each tile; a browser allows only six HTTP/1.1 connections per host, so a wall of long
// fetches would leave tiles black and stall every other request), or one chunked HTTP fetch (`http`: the Electron
// app:// protocol and any client without the socket). Restarts itself with backoff when the stream ends, stalls or
// the decoder fails; a new init segment (camera or host reconnect) starts a fresh MediaSource.
import { FMP4_INIT } from '../../../src-contract/http-transport.ts';
import { LiveAppendQueue } from './live-append-queue.ts';
import { Mp4BoxSplitter, codecsFromInit } from './mp4-boxes.ts';
import type { VideoSync } from './video-sync.ts';

export type PlayerState = 'starting' | 'playing' | 'retrying' | 'unsupported';

export interface Fmp4Chunk { flags: number; data: Uint8Array }
/** Opens the camera's chunk stream; returns the function that stops it. */
export type OpenFmp4Chunks = (onChunk: (chunk: Fmp4Chunk, done: () => void) => void, onError: (error: { code: string; message: string }) => void) => () => void;
export type Fmp4Source = { kind: 'http'; url: string } | { kind: 'socket'; open: OpenFmp4Chunks };

const STALL_MS = 8000;
/** Chunks kept while a new MediaSource opens (it takes a few milliseconds; a fragment is ≤ 0.5 s of video). */
const MAX_EARLY_CHUNKS = 60;

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** MSE takes views of ArrayBuffers (a socket message's payload is one, no copy needed). */
const own = (b: Uint8Array): Uint8Array<ArrayBuffer> => (b.buffer instanceof ArrayBuffer ? b as Uint8Array<ArrayBuffer> : new Uint8Array(b));

/** One MediaSource fed from one init segment. */
interface Session {
  gen: number;
  ms: MediaSource;
  queue: LiveAppendQueue | null;
  early: Array<{ data: Uint8Array<ArrayBuffer>; at: number; done: () => void }>;
}

export class MsePlayer {
  private abort: AbortController | null = null;
  private unsubscribe: (() => void) | null = null;
  private objectUrl: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stallTimer: ReturnType<typeof setInterval> | null = null;
  private failures = 0;
  private stopped = false;
  private lastData = 0;
  private generation = 0;
  private session: Session | null = null;
  private readonly source: Fmp4Source;

  constructor(
    private readonly video: HTMLVideoElement,
    source: string | Fmp4Source,
    private readonly onState: (state: PlayerState, detail?: string) => void,
    /** Timing shared with the overlay: the player reports fragment arrivals and holds the video back by its hold. */
    private readonly sync?: VideoSync,
  ) {
    this.source = typeof source === 'string' ? { kind: 'http', url: source } : source;
    video.muted = true;
    video.playsInline = true;
    video.addEventListener('playing', this.onPlaying);
    video.addEventListener('error', this.onVideoError);
  }

  static supported(): boolean {
    return typeof MediaSource !== 'undefined';
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('error', this.onVideoError);
    this.teardown();
  }

  private readonly onPlaying = () => {
    this.failures = 0;
    this.onState('playing');
  };

  private readonly onVideoError = () => {
    if (this.video.error && !this.stopped) this.retry(`decoder: ${this.video.error.message || this.video.error.code}`);
  };

  private open(): void {
    this.teardown();
    const gen = ++this.generation;
    this.onState('starting');
    this.lastData = Date.now();
    this.stallTimer = setInterval(() => {
      if (Date.now() - this.lastData > STALL_MS) this.retry('no data');
    }, 1000);
    if (this.source.kind === 'socket') {
      this.unsubscribe = this.source.open((chunk, done) => {
        if (gen !== this.generation) return done();
        this.onChunk(chunk.flags, chunk.data, done);
      }, (error) => {
        if (gen === this.generation) this.retry(`${error.code}: ${error.message}`);
      });
    } else {
      void this.fetchStream(this.source.url, gen);
    }
  }

  /** The HTTP source: split the body into the same chunks the socket delivers. */
  private async fetchStream(url: string, gen: number): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const noop = () => {};
    try {
      const res = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.getReader();
      const splitter = new Mp4BoxSplitter();
      let init: Uint8Array[] | null = [];
      let fragment: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (gen !== this.generation) return;
        if (done) throw new Error('stream ended');
        for (const box of splitter.push(value)) {
          if (init) {
            init.push(box.bytes);
            if (box.type !== 'moov') continue;
            const initBytes = concat(init);
            init = null;
            this.onChunk(FMP4_INIT, initBytes, noop);
            continue;
          }
          fragment.push(box.bytes);
          if (box.type !== 'mdat') continue; // styp/prft/moof wait for their mdat
          this.onChunk(0, concat(fragment), noop);
          fragment = [];
        }
        if (gen !== this.generation) return;
      }
    } catch (err) {
      if (gen === this.generation && !this.stopped) this.retry(err instanceof Error ? err.message : String(err));
    }
  }

  private onChunk(flags: number, data: Uint8Array, done: () => void): void {
    this.lastData = Date.now();
    if (flags & FMP4_INIT) return this.newSession(own(data), done);
    const s = this.session;
    if (!s) return done(); // media before any init segment cannot be decoded
    if (!s.queue) {
      if (s.early.length >= MAX_EARLY_CHUNKS) return this.retry('fell behind');
      s.early.push({ data: own(data), at: Date.now(), done });
      return;
    }
    if (s.queue.push(own(data), Date.now(), done) === 'overflow') return this.retry('fell behind');
    if (this.video.paused) void this.video.play().catch(() => {});
  }

  /** A new init segment: a fresh MediaSource and SourceBuffer (the codec or the timeline may have changed). */
  private newSession(init: Uint8Array<ArrayBuffer>, done: () => void): void {
    this.closeSession();
    this.sync?.resetVideo();
    const codecs = codecsFromInit(init);
    const mime = `video/mp4; codecs="${codecs ?? 'avc1.42E01E'}"`;
    if (!MediaSource.isTypeSupported(mime)) {
      done();
      this.onState('unsupported', codecs ?? 'unknown codec');
      this.stopped = true;
      this.teardown();
      return;
    }
    const ms = new MediaSource();
    const s: Session = { gen: this.generation, ms, queue: null, early: [] };
    this.session = s;
    this.objectUrl = URL.createObjectURL(ms);
    this.video.src = this.objectUrl;
    ms.addEventListener('sourceopen', () => {
      if (this.session !== s) return done();
      try {
        const sb = ms.addSourceBuffer(mime);
        sb.mode = 'segments';
        const sync = this.sync;
        const q = new LiveAppendQueue(sb, this.video, sync && {
          holdS: () => sync.holdS(Date.now()),
          onAppended: (at, end) => sync.noteFragment(at, end),
        });
        sb.addEventListener('updateend', () => {
          if (this.session !== s) return;
          try { q.onUpdateEnd(); } catch (err) { this.retry(String(err)); }
        });
        s.queue = q;
        q.push(init, Date.now(), done);
        for (const e of s.early.splice(0)) q.push(e.data, e.at, e.done);
        if (this.video.paused) void this.video.play().catch(() => {});
      } catch (err) {
        done();
        this.retry(err instanceof Error ? err.message : String(err));
      }
    }, { once: true });
  }

  private closeSession(): void {
    const s = this.session;
    if (!s) return;
    this.session = null;
    s.queue?.dispose();
    for (const e of s.early.splice(0)) e.done();
    if (this.objectUrl) {
      this.video.removeAttribute('src');
      this.video.load();
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
  }

  private retry(reason: string): void {
    if (this.stopped || this.retryTimer) return;
    this.teardown();
    this.failures++;
    const delay = Math.min(10_000, 500 * 2 ** Math.min(this.failures, 5));
    this.onState('retrying', reason);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private teardown(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = null;
    const off = this.unsubscribe;
    this.unsubscribe = null;
    off?.();
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    if (this.stopped && this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
    this.closeSession();
  }
}
