// The live MJPEG tiles of one console WebSocket (live_open / live_ack / live_close in http-transport.ts).
// Flow control per tile, never a queue: a camera's newest JPEG waits as the tile's one pending picture (a newer one
// replaces it: stale pictures are dropped) and is sent only while the tile has credit (frames sent and not yet
// acknowledged as drawn < `credit`) and the socket is not backed up. A slow tile therefore shows fewer, always
// current pictures and never delays the other tiles or the socket's other messages.
import { encodeLiveFrame } from '../../src-contract/http-transport.ts';
import { VigilError } from '../../src-contract/errors.ts';

/** The host's side: calls `onJpeg` with each live picture of the camera; returns the unsubscribe function.
 * Throws VigilError NOT_FOUND for an unknown camera and STREAM_UNAVAILABLE when it has no JPEG live view. */
export type SubscribeLiveJpegs = (cameraId: string, onJpeg: (jpeg: Buffer) => void) => () => void;

export interface LiveTilesDeps {
  subscribe: SubscribeLiveJpegs;
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
}

export const DEFAULT_LIVE_TILES: LiveTilesOptions = { credit: 2, maxTiles: 64, retryMs: 50 };

interface Tile { off: () => void; inFlight: number; pending: Buffer | null }

export class LiveTiles {
  readonly stats = { sent: 0, dropped: 0 };
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

  /** Starts a tile (a repeated open of the same camera is a no-op). Throws the host's VigilError. */
  open(cameraId: string): void {
    if (this.#tiles.has(cameraId)) return;
    if (this.#tiles.size >= this.#o.maxTiles) throw new VigilError('INVALID_REQUEST', `at most ${this.#o.maxTiles} live tiles per connection`);
    const tile: Tile = { off: () => {}, inFlight: 0, pending: null };
    this.#tiles.set(cameraId, tile);
    try {
      tile.off = this.#d.subscribe(cameraId, (jpeg) => {
        if (tile.pending) this.stats.dropped++;
        tile.pending = jpeg;
        this.#pump(cameraId, tile);
      });
    } catch (err) {
      this.#tiles.delete(cameraId);
      throw err;
    }
  }

  /** The client drew a picture of this tile: one more may go. */
  ack(cameraId: string): void {
    const tile = this.#tiles.get(cameraId);
    if (!tile) return;
    // An ack for a frame sent on a previous connection must not add credit.
    tile.inFlight = Math.max(0, tile.inFlight - 1);
    this.#pump(cameraId, tile);
  }

  close(cameraId: string): void {
    const tile = this.#tiles.get(cameraId);
    if (!tile) return;
    tile.off();
    this.#tiles.delete(cameraId);
  }

  closeAll(): void {
    for (const id of [...this.#tiles.keys()]) this.close(id);
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }

  #pump(cameraId: string, tile: Tile): void {
    if (!tile.pending || tile.inFlight >= this.#o.credit) return;
    if (!this.#d.writable()) {
      this.#scheduleRetry();
      return;
    }
    const jpeg = tile.pending;
    tile.pending = null;
    tile.inFlight++;
    this.stats.sent++;
    this.#d.send(LiveTiles.#message(cameraId, jpeg));
  }

  #scheduleRetry(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      for (const [id, tile] of this.#tiles) this.#pump(id, tile);
    }, this.#o.retryMs);
    this.#retry.unref?.();
  }

  static #message(cameraId: string, jpeg: Buffer): Uint8Array {
    const hit = LiveTiles.#encoded.get(jpeg);
    if (hit && hit.cameraId === cameraId) return hit.message;
    const message = encodeLiveFrame(cameraId, jpeg);
    LiveTiles.#encoded.set(jpeg, { cameraId, message });
    return message;
  }
}
