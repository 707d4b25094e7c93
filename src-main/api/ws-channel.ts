// Outgoing side of one WebSocket client with back-pressure. While the socket keeps up, messages go straight out.
// When the kernel buffer backs up (ws.bufferedAmount over the soft limit) messages wait in a small per-client
// queue where high-rate ones are coalesced by key (only the newest frame per camera is kept: the client is
// downsampled). A client that stays behind for longer than the grace period, overflows the queue, or whose buffer
// passes the hard limit is disconnected (terminated: a close frame would wait behind the backlog). Memory per
// client is therefore bounded by hardLimitBytes + maxQueued messages, whatever the publish rate.
import type { WebSocket } from 'ws';

export interface ChannelOptions {
  softLimitBytes: number;
  hardLimitBytes: number;
  /** Most messages waiting in the queue (coalesced keys count once). */
  maxQueued: number;
  /** How long a client may stay over the soft limit before it is dropped. */
  slowGraceMs: number;
  /** How often a backed-up channel re-checks the socket. */
  drainCheckMs: number;
}

export const DEFAULT_CHANNEL: ChannelOptions = {
  softLimitBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024, maxQueued: 256, slowGraceMs: 10_000, drainCheckMs: 50,
};

export interface ChannelStats {
  sent: number;
  /** Messages replaced by a newer one with the same key while the client was behind. */
  coalesced: number;
  queuedPeak: number;
}

/** Counters over every channel of a server, for the health page and the benchmark. */
export interface ChannelTotals extends ChannelStats {
  droppedClients: number;
}

export class WsChannel {
  readonly stats: ChannelStats = { sent: 0, coalesced: 0, queuedPeak: 0 };
  readonly #ws: WebSocket;
  readonly #o: ChannelOptions;
  readonly #queue = new Map<string, string>();
  readonly #totals: ChannelTotals | undefined;
  #seq = 0;
  #behindSince = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Coalesced since the client last heard about it (sent as a "backpressure" notice by the caller's choice). */
  pendingDropNotice = 0;

  constructor(ws: WebSocket, opts: Partial<ChannelOptions> = {}, totals?: ChannelTotals, private readonly onDrop?: (reason: string) => void) {
    this.#ws = ws;
    this.#o = { ...DEFAULT_CHANNEL, ...opts };
    this.#totals = totals;
    ws.once('close', () => this.#stop());
  }

  get closed(): boolean {
    return this.#closed || this.#ws.readyState !== this.#ws.OPEN;
  }

  /** Queues or sends one message. `coalesceKey`: a newer message with the same key replaces a waiting one. */
  send(message: unknown, coalesceKey?: string): void {
    if (!this.closed) this.sendRaw(JSON.stringify(message), coalesceKey);
  }

  /** Same as send() for an already serialised message (one JSON.stringify shared by many clients). */
  sendRaw(data: string, coalesceKey?: string): void {
    if (this.closed) return;
    if (this.#queue.size === 0 && this.#ws.bufferedAmount < this.#o.softLimitBytes) {
      this.#write(data);
      return;
    }
    const key = coalesceKey ?? `#${this.#seq++}`;
    if (this.#queue.has(key)) {
      this.#queue.delete(key); // re-insert at the end: the newest one goes out in arrival order
      this.stats.coalesced++;
      if (this.#totals) this.#totals.coalesced++;
      this.pendingDropNotice++;
    }
    this.#queue.set(key, data);
    if (this.#queue.size > this.stats.queuedPeak) this.stats.queuedPeak = this.#queue.size;
    if (this.#totals && this.#queue.size > this.#totals.queuedPeak) this.#totals.queuedPeak = this.#queue.size;
    if (this.#queue.size > this.#o.maxQueued) return this.#drop('send queue overflow');
    if (this.#behindSince === 0) this.#behindSince = Date.now();
    this.#schedule();
  }

  #write(data: string): void {
    this.#ws.send(data);
    this.stats.sent++;
    if (this.#totals) this.#totals.sent++;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#drain();
    }, this.#o.drainCheckMs);
  }

  #drain(): void {
    if (this.closed) return this.#stop();
    const buffered = this.#ws.bufferedAmount;
    if (buffered > this.#o.hardLimitBytes) return this.#drop(`buffer over ${this.#o.hardLimitBytes} bytes`);
    for (const [key, data] of this.#queue) {
      if (this.#ws.bufferedAmount >= this.#o.softLimitBytes) break;
      this.#queue.delete(key);
      this.#write(data);
    }
    if (this.#queue.size === 0 && this.#ws.bufferedAmount < this.#o.softLimitBytes) {
      this.#behindSince = 0;
      return;
    }
    if (Date.now() - this.#behindSince > this.#o.slowGraceMs) return this.#drop(`behind for more than ${this.#o.slowGraceMs} ms`);
    this.#schedule();
  }

  #drop(reason: string): void {
    if (this.#closed) return;
    this.#stop();
    if (this.#totals) this.#totals.droppedClients++;
    this.onDrop?.(reason);
    // close() would queue a close frame behind the backlog; a client this far behind is cut off at once.
    this.#ws.terminate();
  }

  #stop(): void {
    this.#closed = true;
    this.#queue.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
