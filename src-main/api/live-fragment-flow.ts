// Flow control of one fMP4 live tile on the console WebSocket (pure policy: the clock comes in, nothing is sent
// here). Unlike JPEG pictures, fragments cannot be dropped one by one: a fragment that is not a keyframe decodes
// only after every fragment since its keyframe. So fragments leave in order, at most `credit` unacknowledged (the
// client acks each once appended to its SourceBuffer), and the rest wait in a bounded queue. A tile that falls
// behind (slow client, busy socket) does not queue without bound: when a keyframe fragment arrives while older
// fragments have waited `skipAfterMs`, or the queue passes `maxQueuedBytes`, the queued fragments are dropped and
// the tile resumes at that keyframe (flagged GAP, so the player jumps over the hole). The host's ffmpeg writes
// `+frag_keyframe` with `-frag_duration 0.5 s`, so every keyframe starts a fragment: a skip costs at most a GOP.
import { FMP4_GAP, FMP4_INIT, FMP4_KEYFRAME } from '../../src-contract/http-transport.ts';

export type Fmp4TileChunk =
  | { kind: 'init'; data: Buffer }
  | { kind: 'segment'; data: Buffer; keyframe: boolean };

export interface FragmentFlowOptions {
  /** Fragments on the way before the client's ack (each ≤ 0.5 s of video: a few hide the round trip). */
  credit: number;
  /** Bytes the queue may hold; past it the tile waits for the next keyframe. */
  maxQueuedBytes: number;
  /** Queued fragments older than this are skipped when a keyframe arrives. */
  skipAfterMs: number;
}

export const DEFAULT_FRAGMENT_FLOW: FragmentFlowOptions = { credit: 4, maxQueuedBytes: 4 * 1024 * 1024, skipAfterMs: 1000 };

interface Queued { chunk: Fmp4TileChunk; flags: number; at: number }

export interface FragmentFlowStats {
  sent: number;
  /** Fragments dropped because the tile fell behind (never sent). */
  skipped: number;
  /** Times the tile resumed at a keyframe after a skip. */
  gaps: number;
}

export class FragmentFlow {
  readonly stats: FragmentFlowStats = { sent: 0, skipped: 0, gaps: 0 };
  readonly #o: FragmentFlowOptions;
  #queue: Queued[] = [];
  #bytes = 0;
  #inFlight = 0;
  /** Set after media was dropped without a keyframe to resume at: later non-keyframes are useless. */
  #needKeyframe = false;
  #gap = false;

  constructor(opts: Partial<FragmentFlowOptions> = {}) {
    this.#o = { ...DEFAULT_FRAGMENT_FLOW, ...opts };
  }

  get queued(): number {
    return this.#queue.length;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** A chunk of the camera's stream, in order, at local time `now` (ms). */
  offer(chunk: Fmp4TileChunk, now: number): void {
    if (chunk.kind === 'init') {
      // A new stream (camera reconnect): nothing queued before it can be decoded with the new init segment.
      this.#queue = [];
      this.#bytes = 0;
      this.#needKeyframe = false;
      this.#gap = false;
      this.#push({ chunk, flags: FMP4_INIT, at: now });
      return;
    }
    if (chunk.keyframe) {
      const oldest = this.#queue.find((q) => q.chunk.kind === 'segment');
      if (oldest && (now - oldest.at >= this.#o.skipAfterMs || this.#bytes + chunk.data.length > this.#o.maxQueuedBytes)) this.#drop();
      this.#needKeyframe = false;
      const flags = FMP4_KEYFRAME | (this.#gap ? FMP4_GAP : 0);
      this.#gap = false;
      this.#push({ chunk, flags, at: now });
      return;
    }
    if (this.#needKeyframe) {
      this.stats.skipped++;
      return;
    }
    if (this.#bytes + chunk.data.length > this.#o.maxQueuedBytes) {
      this.#drop();
      this.stats.skipped++;
      if (!this.#gap) this.stats.gaps++;
      this.#gap = true;
      this.#needKeyframe = true;
      return;
    }
    this.#push({ chunk, flags: 0, at: now });
  }

  /** The next chunk to send and its flags, when the tile has credit; null otherwise. */
  take(): { chunk: Fmp4TileChunk; flags: number } | null {
    if (this.#inFlight >= this.#o.credit) return null;
    const next = this.#queue.shift();
    if (!next) return null;
    this.#bytes -= next.chunk.data.length;
    this.#inFlight++;
    this.stats.sent++;
    return { chunk: next.chunk, flags: next.flags };
  }

  /** The client appended one chunk. An ack beyond what is on the way (an earlier connection's) adds no credit. */
  ack(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  /** Drops queued media (the tile fell behind), keeping a queued init segment; the next keyframe sent is a gap. */
  #drop(): void {
    const init = this.#queue.find((q) => q.chunk.kind === 'init');
    const media = this.#queue.length - (init ? 1 : 0);
    this.#queue = init ? [init] : [];
    this.#bytes = init ? init.chunk.data.length : 0;
    if (media === 0) return;
    this.stats.skipped += media;
    if (!this.#gap) this.stats.gaps++;
    this.#gap = true;
  }

  #push(q: Queued): void {
    this.#queue.push(q);
    this.#bytes += q.chunk.data.length;
  }
}
