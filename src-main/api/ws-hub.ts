// Book-keeping shared by both WebSocket endpoints: a cap on clients, one timer for everyone that pings (a client
// that missed the previous pong is terminated), sends the application heartbeat, and re-checks the session so a
// logout, expiry or revoked token ends open sockets too.
import type { WebSocket } from 'ws';
import { WsChannel, type ChannelOptions, type ChannelTotals } from './ws-channel.ts';

export interface HubOptions {
  heartbeatMs: number;
  maxClients: number;
  channel: Partial<ChannelOptions>;
}

export const DEFAULT_HUB: HubOptions = { heartbeatMs: 15_000, maxClients: 2000, channel: {} };

export interface HubClient {
  channel: WsChannel;
  /** The heartbeat message for this endpoint. */
  heartbeat: () => unknown;
  /** False when the caller's session or token is no longer valid. */
  stillValid: () => boolean;
}

export class WsHub {
  readonly totals: ChannelTotals = { sent: 0, coalesced: 0, queuedPeak: 0, droppedClients: 0 };
  readonly #o: HubOptions;
  readonly #clients = new Map<WebSocket, HubClient & { alive: boolean }>();
  readonly #timer: NodeJS.Timeout;

  constructor(opts: Partial<HubOptions> = {}) {
    this.#o = { ...DEFAULT_HUB, ...opts };
    this.#timer = setInterval(() => this.#tick(), this.#o.heartbeatMs);
    this.#timer.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  get heartbeatMs(): number {
    return this.#o.heartbeatMs;
  }

  get full(): boolean {
    return this.#clients.size >= this.#o.maxClients;
  }

  /** Registers a socket; `cleanup` runs once when it closes for any reason. */
  add(ws: WebSocket, make: (channel: WsChannel) => HubClient, cleanup: () => void): HubClient {
    const channel = new WsChannel(ws, this.#o.channel, this.totals);
    const client = { ...make(channel), alive: true };
    this.#clients.set(ws, client);
    ws.on('pong', () => { client.alive = true; });
    ws.once('close', () => {
      this.#clients.delete(ws);
      cleanup();
    });
    return client;
  }

  close(): void {
    clearInterval(this.#timer);
    for (const ws of this.#clients.keys()) ws.terminate();
  }

  /** Closes every client whose caller lost its rights (called on each access change, not only at heartbeats). */
  recheck(): void {
    for (const [ws, c] of this.#clients) if (!c.stillValid()) ws.close(4401, 'access changed or session ended; reconnect');
  }

  #tick(): void {
    for (const [ws, c] of this.#clients) {
      if (!c.alive) {
        ws.terminate();
        continue;
      }
      if (!c.stillValid()) {
        ws.close(4401, 'session ended');
        continue;
      }
      c.alive = false;
      ws.ping();
      c.channel.send(c.heartbeat());
    }
  }
}
