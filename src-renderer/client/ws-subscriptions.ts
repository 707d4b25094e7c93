// Contract subscriptions over one WebSocket (`/api/ws`): opened lazily when the first subscription exists,
// reconnected with capped exponential backoff, every live subscription re-sent after a reconnect, and a
// ping/heartbeat watchdog so a silently dead socket (sleeping laptop, dropped NAT) is noticed. Live MJPEG tiles
// share the socket: live_open per camera (re-sent after a reconnect), binary frames back, one live_ack per frame
// once every view of that camera has drawn it (the host sends the next one only then). Live fMP4 tiles likewise
// (live_open format 'fmp4'): each re-open (reconnect) starts with a fresh init segment; a second view of the same
// camera starts from the init segment and fragments since the last keyframe kept here.
import type { SubscriptionFilter, TopicName } from '../../src-contract/api.ts';
import { FMP4_INIT, FMP4_KEYFRAME, decodeLiveFmp4, decodeLiveFrame } from '../../src-contract/http-transport.ts';
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
/** A chunk of a camera's fMP4 stream (flags: FMP4_INIT, FMP4_KEYFRAME, FMP4_GAP): call `done()` once appended. */
export interface LiveVideoListener {
  onChunk: (chunk: { flags: number; data: Uint8Array }, done: () => void) => void;
  onError?: (error: { code: string; message: string }) => void;
}

/** Bytes of the current GOP kept per video camera for a view that joins late. */
const MAX_KEPT_GOP_BYTES = 8 * 1024 * 1024;
interface VideoEntry { listeners: Set<LiveVideoListener>; init: Uint8Array | null; gop: Array<{ flags: number; data: Uint8Array }>; gopBytes: number }

const OPEN = 1;

export class WsSubscriptions {
  private readonly subs = new Map<string, Sub>();
  private readonly live = new Map<string, Set<LiveListener>>();
  private readonly video = new Map<string, VideoEntry>();
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

  /** A camera's live fMP4 stream over this socket, chunk by chunk; returns the function that stops it. */
  openLiveVideo(cameraId: string, listener: LiveVideoListener): () => void {
    if (this.closed) throw new Error('subscriptions closed');
    let entry = this.video.get(cameraId);
    if (!entry) {
      this.video.set(cameraId, (entry = { listeners: new Set(), init: null, gop: [], gopBytes: 0 }));
      if (this.socket?.readyState === OPEN) this.send({ type: 'live_open', camera_id: cameraId, format: 'fmp4' });
    } else if (entry.init) {
      // Another view already plays this camera: start from its init segment and the current GOP.
      const noop = () => {};
      listener.onChunk({ flags: FMP4_INIT, data: entry.init }, noop);
      for (const c of entry.gop) listener.onChunk(c, noop);
    }
    entry.listeners.add(listener);
    this.clearIdle();
    this.ensureSocket();
    return () => {
      const e = this.video.get(cameraId);
      if (!e?.listeners.delete(listener) || e.listeners.size > 0) return;
      this.video.delete(cameraId);
      if (this.socket?.readyState === OPEN) this.send({ type: 'live_close', camera_id: cameraId, format: 'fmp4' });
      this.idleIfUnused();
    };
  }

  get isConnected(): boolean { return this.connected; }
  get size(): number { return this.subs.size + this.live.size + this.video.size; }

  close(): void {
    this.closed = true;
    this.subs.clear();
    this.live.clear();
    this.video.clear();
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
      for (const [cameraId, e] of this.video) {
        // The host starts the new socket with a fresh init segment; what is kept from the old one is stale.
        e.init = null;
        e.gop = [];
        e.gopBytes = 0;
        this.send({ type: 'live_open', camera_id: cameraId, format: 'fmp4' });
      }
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
      const listeners: Iterable<LiveListener | LiveVideoListener> = msg.format === 'fmp4' ? this.video.get(msg.camera_id)?.listeners ?? [] : this.live.get(msg.camera_id) ?? [];
      for (const l of [...listeners]) l.onError?.(msg.error);
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
    const chunk = decodeLiveFmp4(bytes);
    if (chunk) return this.liveVideoChunk(chunk.cameraId, chunk.flags, chunk.data);
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

  private liveVideoChunk(cameraId: string, flags: number, data: Uint8Array): void {
    const entry = this.video.get(cameraId);
    if (!entry || entry.listeners.size === 0) return;
    if (flags & FMP4_INIT) {
      entry.init = data;
      entry.gop = [];
      entry.gopBytes = 0;
    } else {
      if (flags & FMP4_KEYFRAME) {
        entry.gop = [];
        entry.gopBytes = 0;
      }
      if (entry.gopBytes + data.length <= MAX_KEPT_GOP_BYTES) {
        entry.gop.push({ flags, data });
        entry.gopBytes += data.length;
      }
    }
    const ws = this.socket;
    let left = entry.listeners.size;
    // One ack per chunk once every view appended it (the host's credit counts chunks); not for a replaced socket.
    const done = () => {
      if (--left === 0 && ws && this.socket === ws && this.video.get(cameraId) === entry) this.send({ type: 'live_ack', camera_id: cameraId, format: 'fmp4' });
    };
    for (const l of [...entry.listeners]) {
      let called = false;
      l.onChunk({ flags, data }, () => { if (!called) { called = true; done(); } });
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
