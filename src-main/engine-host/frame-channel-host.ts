// Host end of the frame side channel (wire format and engine end: src-engine/frame-channel.ts). One per engine
// process: the launcher opens it before starting the process and passes its path and a one-time token in the
// child's environment; the first connection that presents the token becomes the channel, the listening socket is
// closed and its path removed. Until then, and after the channel breaks, `send` answers false and the caller
// uses the message channel: frames are never lost to a missing or broken side channel.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  FRAME_CHANNEL_ENV,
  FRAME_HEADER_BYTES,
  FRAME_TOKEN_ENV,
  FrameChannelError,
  decodeHello,
  writeFrameHeader,
} from '../../src-engine/protocol.ts';

export { FrameChannelError } from '../../src-engine/protocol.ts';

/** Forces fork/parentPort IPC for frames (benchmarks, troubleshooting): VIGIL_FRAME_TRANSPORT=ipc. */
export const FRAME_TRANSPORT_ENV = 'VIGIL_FRAME_TRANSPORT';

export interface FrameChannelOptions {
  /** Bytes queued in the socket above which the channel reports congestion (default ~2 frames of 1280×720). */
  congestionBytes?: number;
  /** How long the engine has to connect and say hello (ms). */
  helloTimeoutMs?: number;
}

export interface FrameChannelStats {
  state: 'listening' | 'open' | 'closed';
  frames: number;
  bytes: number;
  /** Why the channel is closed (null while listening or open). */
  closeReason: string | null;
}

/** Slots of preallocated header + options bytes; a slot is reused once the socket has written it. */
const HEADER_SLOTS = 8;
const SLOT_BYTES = 4096;

export class FrameChannelHost extends EventEmitter<{ open: []; drain: []; close: [FrameChannelError] }> {
  readonly path: string;
  readonly #token: string;
  readonly #server: net.Server;
  readonly #dir: string | null;
  readonly #congestionBytes: number;
  #socket: net.Socket | null = null;
  #state: FrameChannelStats['state'] = 'listening';
  #closeReason: string | null = null;
  #frames = 0;
  #bytes = 0;
  readonly #slots = Array.from({ length: HEADER_SLOTS }, () => ({ buf: Buffer.allocUnsafeSlow(SLOT_BYTES), busy: false }));
  #nextSlot = 0;
  #helloTimer: ReturnType<typeof setTimeout> | null = null;
  #lastOptions: unknown = undefined;
  #lastOptionsJson = Buffer.alloc(0);

  constructor(opts: FrameChannelOptions = {}) {
    super();
    this.#congestionBytes = opts.congestionBytes ?? 2 * 1280 * 720 * 3;
    this.#token = randomBytes(24).toString('hex');
    if (process.platform === 'win32') {
      this.#dir = null;
      this.path = `\\\\.\\pipe\\vigil-frames-${process.pid}-${randomBytes(8).toString('hex')}`;
    } else {
      // A private folder (0700 from mkdtemp): only this user can reach the socket; the token proves the peer.
      this.#dir = mkdtempSync(path.join(tmpdir(), 'vigil-fc-'));
      this.path = path.join(this.#dir, 'frames.sock');
    }
    this.#server = net.createServer((s) => this.#onConnection(s));
    this.#server.on('error', (err) => this.#close(new FrameChannelError('LISTEN_FAILED', `frame channel: cannot listen on ${this.path}: ${err.message}`)));
    this.#server.listen(this.path);
    this.#server.unref();
    this.#helloTimer = setTimeout(() => this.#close(new FrameChannelError('CONNECT_FAILED', 'frame channel: the engine did not connect')), opts.helloTimeoutMs ?? 120_000);
    this.#helloTimer.unref();
  }

  /** What the engine process needs in its environment to connect. */
  get env(): Record<string, string> {
    return { [FRAME_CHANNEL_ENV]: this.path, [FRAME_TOKEN_ENV]: this.#token };
  }

  get open(): boolean {
    return this.#state === 'open';
  }

  /** More than `congestionBytes` are waiting in the socket: send no more frames until 'drain'. */
  get congested(): boolean {
    return this.#socket !== null && this.#socket.writableLength > this.#congestionBytes;
  }

  stats(): FrameChannelStats {
    return { state: this.#state, frames: this.#frames, bytes: this.#bytes, closeReason: this.#closeReason };
  }

  /**
   * Writes one analyze_frame request. The pixels are not copied: they must not change until the socket has
   * written them (pooled camera frames come with their lease, held here until then; crops are fresh). False: the
   * channel is not open, send it by the message channel.
   */
  send(id: number, frame: { width: number; height: number; channels: number; data: Uint8Array; lease?: { retain(): unknown; release(): void } }, options: unknown): boolean {
    const s = this.#socket;
    if (this.#state !== 'open' || !s || s.destroyed) return false;
    if (options !== this.#lastOptions) {
      // Options are a few small fields (never pixels); the same object is usually sent frame after frame.
      this.#lastOptions = options;
      this.#lastOptionsJson = options === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(options), 'utf8');
    }
    const opts = this.#lastOptionsJson;
    const headLen = FRAME_HEADER_BYTES + opts.length;
    const slot = this.#slots[this.#nextSlot];
    let head: Buffer;
    let release: (() => void) | undefined;
    if (!slot.busy && headLen <= SLOT_BYTES) {
      this.#nextSlot = (this.#nextSlot + 1) % HEADER_SLOTS;
      slot.busy = true;
      head = slot.buf.subarray(0, headLen);
      release = () => { slot.busy = false; };
    } else {
      head = Buffer.allocUnsafe(headLen);
    }
    writeFrameHeader(head, id, frame.width, frame.height, frame.channels, opts.length, frame.data.byteLength);
    opts.copy(head, FRAME_HEADER_BYTES);
    s.cork();
    s.write(head, release);
    const lease = frame.lease;
    if (lease) {
      lease.retain();
      // Called once the socket wrote the pixels, or with an error when it is destroyed first.
      s.write(frame.data, () => lease.release());
    } else {
      s.write(frame.data);
    }
    s.uncork();
    this.#frames++;
    this.#bytes += headLen + frame.data.byteLength;
    return true;
  }

  /** Ends the channel (the engine exited, or the host stops). */
  close(): void {
    this.#close(new FrameChannelError('CLOSED', 'frame channel closed by the host'));
  }

  #onConnection(s: net.Socket): void {
    if (this.#state !== 'listening') { s.destroy(); return; }
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let hello;
      try {
        hello = decodeHello(buf);
      } catch {
        s.destroy();
        return;
      }
      if (!hello) return;
      s.off('data', onData);
      const a = Buffer.from(hello.token);
      const b = Buffer.from(this.#token);
      if (a.length !== b.length || !timingSafeEqual(a, b) || this.#state !== 'listening') { s.destroy(); return; }
      this.#accept(s);
    };
    s.on('data', onData);
    s.on('error', () => {});
  }

  #accept(s: net.Socket): void {
    if (this.#helloTimer) clearTimeout(this.#helloTimer);
    this.#helloTimer = null;
    this.#socket = s;
    this.#state = 'open';
    s.setNoDelay?.(true);
    s.unref();
    s.on('drain', () => this.emit('drain'));
    s.on('data', () => s.destroy()); // the engine never writes after its hello: a peer that does is not our engine
    s.on('close', () => this.#close(new FrameChannelError('CLOSED', 'frame channel: the engine closed the connection')));
    s.on('error', (err) => this.#close(new FrameChannelError('CLOSED', `frame channel: ${err.message}`)));
    this.#server.close();
    this.#removePath();
    this.emit('open');
  }

  #close(err: FrameChannelError): void {
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    this.#closeReason = `${err.code}: ${err.message}`;
    if (this.#helloTimer) clearTimeout(this.#helloTimer);
    this.#helloTimer = null;
    this.#socket?.destroy();
    this.#server.close();
    this.#removePath();
    if (wasOpen || err.code !== 'CLOSED') this.emit('close', err);
  }

  #removePath(): void {
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Opens a frame channel for one engine process, or null when frames should go by IPC (forced by
 * VIGIL_FRAME_TRANSPORT=ipc, or the channel cannot be created here).
 */
export function openFrameChannel(env: NodeJS.ProcessEnv = process.env, opts: FrameChannelOptions = {}): FrameChannelHost | null {
  if ((env[FRAME_TRANSPORT_ENV] ?? '').toLowerCase() === 'ipc') return null;
  try {
    const ch = new FrameChannelHost(opts);
    ch.on('close', () => {}); // an unobserved close must not throw
    return ch;
  } catch {
    return null;
  }
}
