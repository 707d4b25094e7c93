// Feeds fMP4 segments into an MSE SourceBuffer one at a time (a SourceBuffer rejects appends while `updating`),
// keeps the buffer short (removes what is well behind the playhead) and keeps playback near the live edge:
// a small lag is caught up by playing slightly faster, a large one (tab in background, stall) by a jump, and a
// playhead too close to the newest frame plays slightly slower so it does not run dry before the next fragment.

export interface TimeRangesLike { readonly length: number; start(i: number): number; end(i: number): number }
export interface SourceBufferLike {
  readonly updating: boolean;
  readonly buffered: TimeRangesLike;
  appendBuffer(data: Uint8Array<ArrayBuffer>): void;
  remove(start: number, end: number): void;
}
export interface PlayheadLike { currentTime: number; playbackRate: number }

export interface LiveQueueOptions {
  /** Seconds of already-played video kept behind the playhead. */
  keepBehindS?: number;
  /** Lag beyond which the playhead jumps to the live edge. */
  maxLagS?: number;
  /** Lag beyond which playback runs slightly fast to catch up. */
  catchUpLagS?: number;
  /** How far behind the newest buffered frame a jump lands. */
  edgeOffsetS?: number;
  /** Queued segments beyond which the stream should be restarted instead of appended. */
  maxPending?: number;
  /** Extra seconds to stay behind the live edge, asked before each adjustment (see video-sync.ts). */
  holdS?: () => number;
  /** Called after each media segment is appended: when its bytes arrived, and where the buffered media now ends. */
  onAppended?: (arrivalMs: number, bufferedEndS: number) => void;
}

export type PushResult = 'queued' | 'overflow';

/** How far ahead of its target the playhead may be before it plays at half speed rather than 0.9×. */
const SLOW_MOTION_S = 0.4;

export class LiveAppendQueue {
  private readonly pending: Array<{ data: Uint8Array<ArrayBuffer>; at: number; done?: () => void }> = [];
  /** Called when the append in progress completes (the WebSocket tiles ack each fragment then: flow control). */
  private appendingDone: (() => void) | undefined;
  private readonly o: Required<Omit<LiveQueueOptions, 'holdS' | 'onAppended'>> & Pick<LiveQueueOptions, 'holdS' | 'onAppended'>;
  private appendingAt = 0;
  /** Media duration one appended segment adds (moving average); lag targets scale with it. */
  private segmentS = 0;
  private endBefore: number | null = null;

  constructor(private readonly sb: SourceBufferLike, private readonly media: PlayheadLike, opts: LiveQueueOptions = {}) {
    this.o = { keepBehindS: 8, maxLagS: 3, catchUpLagS: 1, edgeOffsetS: 0.3, maxPending: 90, ...opts };
  }

  get pendingCount(): number { return this.pending.length; }

  /** Releases every queued segment's `done` (the player is torn down: the host must not wait for them). */
  dispose(): void {
    for (const p of this.pending.splice(0)) p.done?.();
    const done = this.appendingDone;
    this.appendingDone = undefined;
    done?.();
  }

  /** Queues a segment; `arrivalMs` is when its last byte arrived (local clock); `done` runs once it is appended. */
  push(segment: Uint8Array<ArrayBuffer>, arrivalMs = Date.now(), done?: () => void): PushResult {
    if (this.pending.length >= this.o.maxPending) return 'overflow';
    this.pending.push({ data: segment, at: arrivalMs, done });
    this.pump();
    return 'queued';
  }

  /** Call on the SourceBuffer's `updateend`. */
  onUpdateEnd(): void {
    const done = this.appendingDone;
    this.appendingDone = undefined;
    done?.();
    if (this.endBefore !== null) {
      const b = this.sb.buffered;
      const grown = b.length ? b.end(b.length - 1) - this.endBefore : 0;
      if (grown > 0 && grown < 10) this.segmentS = this.segmentS === 0 ? grown : this.segmentS * 0.8 + grown * 0.2;
      if (grown > 0) this.o.onAppended?.(this.appendingAt, b.end(b.length - 1));
      this.endBefore = null;
    }
    this.followLiveEdge();
    this.pump();
  }

  /**
   * Fragments arrive whole, so the playhead must stay about a fragment behind the newest frame or it stalls. A
   * hold (the overlay's detection latency) longer than that moves every target back until the edge equals it.
   */
  private targets(hold: number): { slowDown: number; catchUp: number; maxLag: number; edge: number } {
    const seg = this.segmentS;
    const edge = Math.max(this.o.edgeOffsetS, seg + 0.1);
    const shift = Math.max(0, hold - edge);
    return {
      slowDown: seg * 1.25 + 0.1 + shift,
      catchUp: Math.max(this.o.catchUpLagS, seg * 1.5 + 0.2) + shift,
      maxLag: Math.max(this.o.maxLagS, seg * 3 + 0.5) + shift,
      edge: edge + shift,
    };
  }

  /** Lag between the playhead and the newest buffered frame, seconds (0 when nothing is buffered). */
  lag(): number {
    const b = this.sb.buffered;
    if (b.length === 0) return 0;
    return Math.max(0, b.end(b.length - 1) - this.media.currentTime);
  }

  private followLiveEdge(): void {
    const b = this.sb.buffered;
    if (b.length === 0) return;
    const end = b.end(b.length - 1);
    const lastStart = b.start(b.length - 1);
    const t = this.media.currentTime;
    const target = this.targets(Math.max(0, this.o.holdS?.() ?? 0));
    if (t < lastStart || end - t > target.maxLag) {
      this.media.currentTime = Math.max(lastStart, end - target.edge);
      this.media.playbackRate = 1;
    } else {
      const lag = end - t;
      // Well ahead of the target (the hold grew, or data came late): half speed gets there within a few seconds
      // without replaying frames, which a jump back would do.
      const rate = lag > target.catchUp ? 1.1 : lag < target.edge - SLOW_MOTION_S ? 0.5 : lag < target.slowDown ? 0.9 : 1;
      if (this.media.playbackRate !== rate) this.media.playbackRate = rate;
    }
  }

  private pump(): void {
    if (this.sb.updating) return;
    if (this.trim()) return;
    const next = this.pending.shift();
    if (!next) return;
    try {
      const b = this.sb.buffered;
      this.endBefore = b.length ? b.end(b.length - 1) : null;
      this.appendingAt = next.at;
      this.sb.appendBuffer(next.data);
      this.appendingDone = next.done;
    } catch (err) {
      if ((err as { name?: string }).name !== 'QuotaExceededError') throw err;
      // Buffer full: give the segment back, free everything behind the playhead, retry on updateend.
      this.pending.unshift(next);
      if (!this.trim(true)) throw err;
    }
  }

  /** Starts a removal of old media; true when one was started (the SourceBuffer is then updating). */
  private trim(aggressive = false): boolean {
    const b = this.sb.buffered;
    if (b.length === 0) return false;
    const start = b.start(0);
    const t = this.media.currentTime;
    const keep = aggressive ? 0.5 : this.o.keepBehindS;
    // Remove in chunks of at least a few seconds so trimming does not run after every segment.
    const slack = aggressive ? 0 : 4;
    if (t - keep - start <= slack) return false;
    this.sb.remove(start, t - keep);
    return true;
  }
}
