// Plays a camera's live fragmented-MP4 stream (chunked HTTP: init segment, then moof+mdat fragments) in a <video>
// through Media Source Extensions. Restarts itself with backoff when the stream ends, stalls or the decoder fails.
import { LiveAppendQueue } from './live-append-queue.ts';
import { Mp4BoxSplitter, codecsFromInit } from './mp4-boxes.ts';
import type { VideoSync } from './video-sync.ts';

export type PlayerState = 'starting' | 'playing' | 'retrying' | 'unsupported';

const STALL_MS = 8000;

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export class MsePlayer {
  private abort: AbortController | null = null;
  private objectUrl: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stallTimer: ReturnType<typeof setInterval> | null = null;
  private failures = 0;
  private stopped = false;
  private lastData = 0;
  private generation = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly url: string,
    private readonly onState: (state: PlayerState, detail?: string) => void,
    /** Timing shared with the overlay: the player reports fragment arrivals and holds the video back by its hold. */
    private readonly sync?: VideoSync,
  ) {
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
    this.sync?.resetVideo();
    this.onState('starting');
    const ms = new MediaSource();
    this.objectUrl = URL.createObjectURL(ms);
    this.video.src = this.objectUrl;
    ms.addEventListener('sourceopen', () => {
      if (gen === this.generation) void this.pump(ms, gen);
    }, { once: true });
  }

  private async pump(ms: MediaSource, gen: number): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    this.lastData = Date.now();
    this.stallTimer = setInterval(() => {
      if (Date.now() - this.lastData > STALL_MS) this.retry('no data');
    }, 1000);
    try {
      const res = await fetch(this.url, { signal: abort.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.getReader();
      const splitter = new Mp4BoxSplitter();
      const init: Uint8Array[] = [];
      let fragment: Uint8Array[] = [];
      let queue: LiveAppendQueue | null = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (gen !== this.generation) return;
        if (done) throw new Error('stream ended');
        this.lastData = Date.now();
        for (const box of splitter.push(value)) {
          if (!queue) {
            init.push(box.bytes);
            if (box.type !== 'moov') continue;
            const initBytes = concat(init);
            const codecs = codecsFromInit(initBytes);
            const mime = `video/mp4; codecs="${codecs ?? 'avc1.42E01E'}"`;
            if (!MediaSource.isTypeSupported(mime)) {
              this.onState('unsupported', codecs ?? 'unknown codec');
              this.stopped = true;
              abort.abort();
              return;
            }
            const sb = ms.addSourceBuffer(mime);
            sb.mode = 'segments';
            const sync = this.sync;
            const q = new LiveAppendQueue(sb, this.video, sync && {
              holdS: () => sync.holdS(Date.now()),
              onAppended: (at, end) => sync.noteFragment(at, end),
            });
            sb.addEventListener('updateend', () => {
              try { q.onUpdateEnd(); } catch (err) { this.retry(String(err)); }
            });
            queue = q;
            queue.push(initBytes);
            continue;
          }
          fragment.push(box.bytes);
          if (box.type !== 'mdat') continue; // styp/prft/moof wait for their mdat
          if (queue.push(concat(fragment)) === 'overflow') throw new Error('fell behind');
          fragment = [];
          if (this.video.paused) void this.video.play().catch(() => {});
        }
      }
    } catch (err) {
      if (gen === this.generation && !this.stopped) this.retry(err instanceof Error ? err.message : String(err));
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
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    if (this.stopped && this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
    if (this.objectUrl) {
      this.video.removeAttribute('src');
      this.video.load();
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
  }
}
