// The live MJPEG tiles of one console WebSocket (live_open / live_ack / live_close in http-transport.ts).
// Flow control per tile, never a queue: a camera's newest JPEG waits as the tile's one pending picture (a newer one
// replaces it: stale pictures are dropped) and is sent only while the tile has credit (frames sent and not yet
// acknowledged as drawn < `credit`) and the socket is not backed up. A slow tile therefore shows fewer, always
// current pictures and never delays the other tiles or the socket's other messages.
// fMP4 tiles (`format: 'fmp4'`, H.264/H.265 cameras) send the init segment and whole fragments in order under the
// same credit and socket checks; what a video tile may skip when it falls behind is live-fragment-flow.ts.
import { encodeLiveFmp4, encodeLiveFrame, type LiveTileFormat } from '../../src-contract/http-transport.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { FragmentFlow, type FragmentFlowOptions, type Fmp4TileChunk } from './live-fragment-flow.ts';

/** The host's side: calls `onJpeg` with each live picture of the camera; returns the unsubscribe function.
 * Throws VigilError NOT_FOUND for an unknown camera and STREAM_UNAVAILABLE when it has no JPEG live view. */
export type SubscribeLiveJpegs = (cameraId: string, onJpeg: (jpeg: Buffer) => void) => () => void;
/** The host's side for video tiles: the init segment and the fragments since the last keyframe at once, then each
 * new chunk (a new init segment when the camera reconnects). Same errors as SubscribeLiveJpegs. */
export type SubscribeLiveFmp4 = (cameraId: string, onChunk: (chunk: Fmp4TileChunk) => void) => () => void;

export interface LiveTilesDeps {
  subscribe: SubscribeLiveJpegs;
  subscribeFmp4?: SubscribeLiveFmp4;
  send(message: Uint8Array): void;
  /** False while the socket's outgoing buffer is backed up. */
  writable(): boolean;
}

export interface LiveTilesOptions {
  /** Frames a tile may have on the way before its ack (2 hides one round trip; memory stays bounded). */
  credit: number;
  maxTiles: number;
  /** How soon a frame held back by a full socket buffer is tried again. */
  retryMs: number;
  fragments?: Partial<FragmentFlowOptions>;
  now?: () => number;
}

export const DEFAULT_LIVE_TILES: LiveTilesOptions = { credit: 2, maxTiles: 64, retryMs: 50 };

interface Tile { cameraId: string; off: () => void; inFlight: number; pending: Buffer | null; video: FragmentFlow | null }

const keyOf = (cameraId: string, format: LiveTileFormat) => (format === 'fmp4' ? `fmp4:${cameraId}` : cameraId);

export class LiveTiles {
  readonly stats = { sent: 0, dropped: 0, fragmentsSent: 0 };
  readonly #d: LiveTilesDeps;
  readonly #o: LiveTilesOptions;
  readonly #tiles = new Map<string, Tile>();
  #retry: NodeJS.Timeout | null = null;
  /** One encoded message per picture however many connections show it (pictures are shared Buffers). */
  static readonly #encoded = new WeakMap<Buffer, { cameraId: string; message: Uint8Array }>();

  constructor(deps: LiveTilesDeps, opts: Partial<LiveTilesOptions> = {}) {
    this.#d = deps;
    this.#o = { ...DEFAULT_LIVE_TILES, ...opts };
  }

  get size(): number {
    return this.#tiles.size;
  }

  /** Starts a tile (a repeated open of the same camera and format is a no-op). Throws the host's VigilError. */
  open(cameraId: string, format: LiveTileFormat = 'mjpeg'): void {
    const key = keyOf(cameraId, format);
    if (this.#tiles.has(key)) return;
    if (this.#tiles.size >= this.#o.maxTiles) throw new VigilError('INVALID_REQUEST', `at most ${this.#o.maxTiles} live tiles per connection`);
    const tile: Tile = { cameraId, off: () => {}, inFlight: 0, pending: null, video: null };
    this.#tiles.set(key, tile);
    try {
      if (format === 'fmp4') {
        if (!this.#d.subscribeFmp4) throw new VigilError('STREAM_UNAVAILABLE', 'live video is not available in this host');
        const flow = (tile.video = new FragmentFlow(this.#o.fragments));
        const now = this.#o.now ?? Date.now;
        tile.off = this.#d.subscribeFmp4(cameraId, (chunk) => {
          flow.offer(chunk, now());
          this.#pump(tile);
        });
      } else {
        tile.off = this.#d.subscribe(cameraId, (jpeg) => {
          if (tile.pending) this.stats.dropped++;
          tile.pending = jpeg;
          this.#pump(tile);
        });
      }
    } catch (err) {
      this.#tiles.delete(key);
      throw err;
    }
  }

  /** The client drew a picture (appended a fragment) of this tile: one more may go. */
  ack(cameraId: string, format: LiveTileFormat = 'mjpeg'): void {
    const tile = this.#tiles.get(keyOf(cameraId, format));
    if (!tile) return;
    // An ack for a frame sent on a previous connection must not add credit.
    if (tile.video) tile.video.ack();
    else tile.inFlight = Math.max(0, tile.inFlight - 1);
    this.#pump(tile);
  }

  close(cameraId: string, format: LiveTileFormat = 'mjpeg'): void {
    const key = keyOf(cameraId, format);
    const tile = this.#tiles.get(key);
    if (!tile) return;
    tile.off();
    this.#tiles.delete(key);
  }

  /** Flow statistics of a video tile (tests, diagnostics). */
  videoStats(cameraId: string): FragmentFlow['stats'] | null {
    return this.#tiles.get(keyOf(cameraId, 'fmp4'))?.video?.stats ?? null;
  }

  closeAll(): void {
    for (const id of [...this.#tiles.keys()]) this.close(id);
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }

  #pump(tile: Tile): void {
    if (tile.video) return this.#pumpVideo(tile, tile.video);
    if (!tile.pending || tile.inFlight >= this.#o.credit) return;
    if (!this.#d.writable()) {
      this.#scheduleRetry();
      return;
    }
    const jpeg = tile.pending;
    tile.pending = null;
    tile.inFlight++;
    this.stats.sent++;
    this.#d.send(LiveTiles.#message(tile.cameraId, jpeg));
  }

  #pumpVideo(tile: Tile, flow: FragmentFlow): void {
    for (;;) {
      if (flow.queued === 0) break;
      if (!this.#d.writable()) {
        this.#scheduleRetry();
        break;
      }
      const next = flow.take();
      if (!next) break;
      this.stats.fragmentsSent++;
      this.#d.send(LiveTiles.#fmp4Message(tile.cameraId, next.flags, next.chunk.data));
    }
  }

  #scheduleRetry(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      for (const tile of this.#tiles.values()) this.#pump(tile);
    }, this.#o.retryMs);
    this.#retry.unref?.();
  }

  /** Fragments are shared Buffers too: encoded once per camera and flags for every connection that sends them. */
  static readonly #encodedFmp4 = new WeakMap<Buffer, { cameraId: string; flags: number; message: Uint8Array }>();

  static #fmp4Message(cameraId: string, flags: number, data: Buffer): Uint8Array {
    const hit = LiveTiles.#encodedFmp4.get(data);
    if (hit && hit.cameraId === cameraId && hit.flags === flags) return hit.message;
    const message = encodeLiveFmp4(cameraId, flags, data);
    LiveTiles.#encodedFmp4.set(data, { cameraId, flags, message });
    return message;
  }

  static #message(cameraId: string, jpeg: Buffer): Uint8Array {
    const hit = LiveTiles.#encoded.get(jpeg);
    if (hit && hit.cameraId === cameraId) return hit.message;
    const message = encodeLiveFrame(cameraId, jpeg);
    LiveTiles.#encoded.set(jpeg, { cameraId, message });
    return message;
  }
}
