// Contract subscriptions over one WebSocket (`/api/ws`): opened lazily when the first subscription exists,
// reconnected with capped exponential backoff, every live subscription re-sent after a reconnect, and a
// ping/heartbeat watchdog so a silently dead socket (sleeping laptop, dropped NAT) is noticed. Live MJPEG tiles
// share the socket: live_open per camera (re-sent after a reconnect), binary frames back, one live_ack per frame
// once every view of that camera has drawn it (the host sends the next one only then).
import type { SubscriptionFilter, TopicName } from '../../src-contract/api.ts';
import { decodeLiveFrame } from '../../src-contract/http-transport.ts';
import type { WsClientMessage, WsServerMessage } from '../../src-contract/http-transport.ts';

/** The part of the WebSocket API used here (the browser's WebSocket and the `ws` package both provide it). */
export interface WsLike {
  readonly readyState: number;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WsFactory = (url: string) => WsLike;

export interface WsSubscriptionsOptions {
  url: () => string;
  open: WsFactory;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Interval of client pings; the socket is recycled after 2.5 intervals without any server message. */
  pingMs?: number;
  /** Keep an idle socket this long after the last unsubscribe (views remounting must not churn connections). */
  idleCloseMs?: number;
  onRejected?: (topic: TopicName, error: { code: string; message: string }) => void;
}

interface Sub { topic: TopicName; filter: SubscriptionFilter; onEvent: (payload: unknown) => void }

/** A live picture for a view: call `done()` once it is drawn (or dropped) so the host may send the next one. */
export type LiveFrameListener = (jpeg: Uint8Array, done: () => void) => void;
export interface LiveListener { onFrame: LiveFrameListener; onError?: (error: { code: string; message: string }) => void }

const OPEN = 1;

export class WsSubscriptions {
  private readonly subs = new Map<string, Sub>();
  private readonly live = new Map<string, Set<LiveListener>>();
  private socket: WsLike | null = null;
  private connected = false;
  private closed = false;
  private attempts = 0;
  private nextId = 1;
  private lastSeen = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<(connected: boolean) => void>();
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pingMs: number;
  private readonly idleCloseMs: number;

  constructor(private readonly opts: WsSubscriptionsOptions) {
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.pingMs = opts.pingMs ?? 20_000;
    this.idleCloseMs = opts.idleCloseMs ?? 5_000;
  }

  subscribe(topic: TopicName, filter: SubscriptionFilter, onEvent: (payload: unknown) => void): () => void {
    if (this.closed) throw new Error('subscriptions closed');
    const id = `s${this.nextId++}`;
    this.subs.set(id, { topic, filter, onEvent });
    this.clearIdle();
    if (this.socket?.readyState === OPEN) this.send({ type: 'subscribe', id, topic, filter });
    else this.ensureSocket();
    return () => this.unsubscribe(id);
  }

  onConnectionChange(cb: (connected: boolean) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Live JPEG pictures of a camera over this socket; returns the function that stops them. */
  openLive(cameraId: string, listener: LiveListener): () => void {
    if (this.closed) throw new Error('subscriptions closed');
    let set = this.live.get(cameraId);
    if (!set) {
      this.live.set(cameraId, (set = new Set()));
      if (this.socket?.readyState === OPEN) this.send({ type: 'live_open', camera_id: cameraId });
    }
    set.add(listener);
    this.clearIdle();
    this.ensureSocket();
    return () => {
      const s = this.live.get(cameraId);
      if (!s?.delete(listener) || s.size > 0) return;
      this.live.delete(cameraId);
      if (this.socket?.readyState === OPEN) this.send({ type: 'live_close', camera_id: cameraId });
      this.idleIfUnused();
    };
  }

  get isConnected(): boolean { return this.connected; }
  get size(): number { return this.subs.size + this.live.size; }

  close(): void {
    this.closed = true;
    this.subs.clear();
    this.live.clear();
    this.teardown();
  }

  private unsubscribe(id: string): void {
    if (!this.subs.delete(id)) return;
    if (this.socket?.readyState === OPEN) this.send({ type: 'unsubscribe', id });
    this.idleIfUnused();
  }

  private idleIfUnused(): void {
    if (this.size > 0) return;
    this.clearIdle();
    this.idleTimer = setTimeout(() => { if (this.size === 0) this.teardown(); }, this.idleCloseMs);
  }

  private ensureSocket(): void {
    if (this.socket || this.reconnectTimer || this.closed || this.size === 0) return;
    let ws: WsLike;
    try {
      ws = this.opts.open(this.opts.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.attempts = 0;
      this.lastSeen = Date.now();
      for (const [id, s] of this.subs) this.send({ type: 'subscribe', id, topic: s.topic, filter: s.filter });
      for (const cameraId of this.live.keys()) this.send({ type: 'live_open', camera_id: cameraId });
      this.startPing();
      this.setConnected(true);
    };
    ws.onmessage = (ev) => {
      if (this.socket !== ws) return;
      this.lastSeen = Date.now();
      this.handle(ev.data);
    };
    ws.onerror = () => { /* onclose follows and handles the reconnect */ };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.stopPing();
      this.setConnected(false);
      this.scheduleReconnect();
    };
  }

  private handle(data: unknown): void {
    if (typeof data !== 'string') {
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) this.liveFrame(data);
      return;
    }
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(data) as WsServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'event') {
      const sub = this.subs.get(msg.id);
      if (sub) sub.onEvent(msg.payload);
    } else if (msg.type === 'live_error') {
      for (const l of this.live.get(msg.camera_id) ?? []) l.onError?.(msg.error);
    } else if (msg.type === 'error' && msg.id) {
      // The host refused this subscription (role, filter): resubscribing after a reconnect would fail again.
      const sub = this.subs.get(msg.id);
      if (sub) {
        this.subs.delete(msg.id);
        this.opts.onRejected?.(sub.topic, msg.error);
      }
    }
  }

  private liveFrame(data: ArrayBuffer | ArrayBufferView): void {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const frame = decodeLiveFrame(bytes);
    if (!frame) return;
    const listeners = this.live.get(frame.cameraId);
    const ws = this.socket;
    let left = listeners?.size ?? 0;
    // Acknowledged once every view drew it; a view closed meanwhile, or a frame of a socket since replaced, is not.
    const done = () => {
      if (--left === 0 && ws && this.socket === ws && this.live.has(frame.cameraId)) this.send({ type: 'live_ack', camera_id: frame.cameraId });
    };
    if (!listeners || left === 0) return;
    for (const l of [...listeners]) {
      let called = false;
      l.onFrame(frame.jpeg, () => { if (!called) { called = true; done(); } });
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.size === 0 || this.reconnectTimer) return;
    const base = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** this.attempts);
    this.attempts++;
    const delay = base * (0.8 + Math.random() * 0.4);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ensureSocket();
    }, delay);
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      const ws = this.socket;
      if (!ws) return;
      if (Date.now() - this.lastSeen > this.pingMs * 2.5) {
        // No heartbeat, pong or event for too long: treat the socket as dead and reconnect.
        this.socket = null;
        this.stopPing();
        try { ws.close(4000, 'heartbeat timeout'); } catch { /* already closing */ }
        this.setConnected(false);
        this.scheduleReconnect();
        return;
      }
      this.send({ type: 'ping' });
    }, this.pingMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private teardown(): void {
    this.clearIdle();
    this.stopPing();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.socket;
    this.socket = null;
    if (ws) {
      try { ws.close(1000, 'no subscriptions'); } catch { /* already closing */ }
    }
    this.attempts = 0;
    this.setConnected(false);
  }

  private send(msg: WsClientMessage): void {
    try { this.socket?.send(JSON.stringify(msg)); } catch { /* socket closing: onclose reconnects */ }
  }

  private setConnected(value: boolean): void {
    if (this.connected === value) return;
    this.connected = value;
    for (const cb of this.listeners) cb(value);
  }
}
