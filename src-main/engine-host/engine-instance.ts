// One running engine process: the ready handshake, request/response bookkeeping, and liveness checks.
// It never restarts itself; when the process exits (or is killed because it stopped answering) it hands its
// unanswered requests to the supervisor, which decides what to retry.
import type { EngineChannel } from './launcher.ts';
import type { EngineOp, EngineWire } from './engine-wire.ts';
import { EngineCallError, EngineUnavailableError } from './engine-errors.ts';

export interface PendingRequest {
  op: EngineOp;
  /** Times this request was sent to an engine (a crash retry makes it 2). */
  attempts: number;
  retryable: boolean;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  sentAt: number;
  /** Sent by the frame side channel (re-sent by the message channel if that channel breaks first). */
  viaFrames?: boolean;
}

export type DeathReason = 'crashed' | 'hung' | 'timeout' | 'stopped' | 'init_failed';

export interface InstanceTimings {
  readyTimeoutMs: number;
  pingIntervalMs: number;
  /** No answer to a ping for this long: the process is considered hung and killed. */
  hangTimeoutMs: number;
  /** One request unanswered for this long: same. */
  requestTimeoutMs: number;
}

export interface InstanceDeath {
  reason: DeathReason;
  code: number | null;
  signal: string | null;
  pending: PendingRequest[];
  wasReady: boolean;
  readyForMs: number;
}

let nextWireId = 1;

export class EngineInstance {
  state: 'starting' | 'ready' | 'draining' | 'dead' = 'starting';
  info: unknown = null;
  readyAt = 0;
  readonly pending = new Map<number, PendingRequest>();
  readonly #ch: EngineChannel;
  readonly #wire: EngineWire;
  readonly #t: InstanceTimings;
  #killReason: DeathReason | null = null;
  #ping: { id: number; at: number } | null = null;
  #lastPingSent = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #onReady: ((info: unknown) => void) | null = null;
  #onInitFail: ((err: Error) => void) | null = null;
  #onDeath: (d: InstanceDeath) => void;
  #drained: (() => void) | null = null;

  /** `onWritable`: the frame channel drained (congestion over), so a slot may be free again. */
  constructor(channel: EngineChannel, wire: EngineWire, timings: InstanceTimings, onDeath: (d: InstanceDeath) => void, onWritable?: () => void) {
    this.#ch = channel;
    this.#wire = wire;
    this.#t = timings;
    this.#onDeath = onDeath;
    channel.on('message', (m) => this.#onMessage(m));
    channel.on('exit', (code, signal) => this.#onExit(code, signal));
    channel.frames?.on('close', () => this.#resendFrames());
    if (onWritable) channel.frames?.on('drain', onWritable);
  }

  /** 'frame-channel' once the side channel is open, otherwise 'ipc'. */
  get transport(): 'frame-channel' | 'ipc' {
    return this.#ch.frames?.open ? 'frame-channel' : 'ipc';
  }

  /** The frame channel has more queued than it should: hold new frames until it drains. */
  get congested(): boolean {
    return this.#ch.frames?.congested ?? false;
  }

  get pid(): number | undefined {
    return this.#ch.pid;
  }

  /** Sends the init message and resolves with the engine's ready info (after its warm-up). */
  start(initOptions: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settleInit(new EngineUnavailableError(`engine not ready after ${this.#t.readyTimeoutMs} ms`, 'timeout'));
        this.kill('timeout');
      }, this.#t.readyTimeoutMs);
      this.#onReady = (info) => { clearTimeout(timer); resolve(info); };
      this.#onInitFail = (err) => { clearTimeout(timer); reject(err); };
      this.#ch.postMessage(this.#wire.init(initOptions));
    });
  }

  send(req: PendingRequest): void {
    const id = nextWireId++;
    req.attempts++;
    req.sentAt = Date.now();
    this.pending.set(id, req);
    const op = req.op;
    const frames = this.#ch.frames;
    req.viaFrames = op.op === 'analyze_frame' && !!frames?.open && frames.send(id, op.frame, op.options);
    if (!req.viaFrames) this.#ch.postMessage(this.#wire.request(id, op));
  }

  /**
   * The side channel broke: frames it may not have delivered go again by the message channel, under the same id
   * (an answer that still comes for the first copy settles the request; a second answer finds nothing pending).
   */
  #resendFrames(): void {
    if (this.state === 'dead') return;
    for (const [id, req] of this.pending) {
      if (!req.viaFrames) continue;
      req.viaFrames = false;
      this.#ch.postMessage(this.#wire.request(id, req.op));
    }
  }

  /** Stops taking work; resolves when every request sent so far is answered (or the process died). */
  drain(): Promise<void> {
    this.state = this.state === 'dead' ? 'dead' : 'draining';
    if (this.pending.size === 0 || this.state === 'dead') return Promise.resolve();
    return new Promise((r) => { this.#drained = r; });
  }

  /** Polite stop: asks the engine to exit, kills it after `graceMs`. */
  async shutdown(graceMs = 3000): Promise<void> {
    if (this.state === 'dead') return;
    const exited = new Promise<void>((r) => this.#ch.on('exit', () => r()));
    this.#killReason ??= 'stopped';
    this.#ch.postMessage(this.#wire.shutdown());
    const t = setTimeout(() => this.#ch.kill(), graceMs);
    await exited;
    clearTimeout(t);
  }

  kill(reason: DeathReason): void {
    if (this.state === 'dead') return;
    this.#killReason ??= reason;
    this.#ch.kill();
  }

  #onMessage(msg: unknown): void {
    const ev = this.#wire.parse(msg);
    if (!ev) return;
    switch (ev.kind) {
      case 'ready':
        if (this.state !== 'starting') return;
        this.state = 'ready';
        this.readyAt = Date.now();
        this.info = ev.info;
        this.#timer = setInterval(() => this.#check(), Math.min(this.#t.pingIntervalMs, 1000));
        this.#timer.unref?.();
        this.#settleInit(null, ev.info);
        break;
      case 'init_error':
        this.#settleInit(new EngineCallError(ev.error.code, `engine failed to start: ${ev.error.message}`));
        this.kill('init_failed');
        break;
      case 'pong':
        if (this.#ping?.id === ev.id) this.#ping = null;
        break;
      case 'response': {
        const req = this.pending.get(ev.id);
        if (!req) return;
        this.pending.delete(ev.id);
        if (ev.ok) req.resolve(ev.value);
        else req.reject(new EngineCallError(ev.error.code, ev.error.message, ev.error as unknown as Record<string, unknown>));
        if (this.pending.size === 0 && this.#drained) { this.#drained(); this.#drained = null; }
        break;
      }
    }
  }

  #settleInit(err: Error | null, info?: unknown): void {
    const ok = this.#onReady;
    const fail = this.#onInitFail;
    this.#onReady = null;
    this.#onInitFail = null;
    if (err) fail?.(err);
    else ok?.(info);
  }

  #check(): void {
    const now = Date.now();
    if (this.#ping && now - this.#ping.at > this.#t.hangTimeoutMs) return this.kill('hung');
    for (const req of this.pending.values()) if (now - req.sentAt > this.#t.requestTimeoutMs) return this.kill('hung');
    if (!this.#ping && now - this.#lastPingSent >= this.#t.pingIntervalMs) {
      this.#ping = { id: nextWireId++, at: now };
      this.#lastPingSent = now;
      this.#ch.postMessage(this.#wire.ping(this.#ping.id));
    }
  }

  #onExit(code: number | null, signal: string | null): void {
    if (this.state === 'dead') return;
    const wasReady = this.readyAt > 0;
    this.state = 'dead';
    if (this.#timer) clearInterval(this.#timer);
    const reason: DeathReason = this.#killReason ?? 'crashed';
    this.#settleInit(new EngineUnavailableError(`engine exited before it was ready (code ${code}, signal ${signal})`, 'crashed'));
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.#drained?.();
    this.#drained = null;
    this.#onDeath({ reason, code, signal, pending, wasReady, readyForMs: wasReady ? Date.now() - this.readyAt : 0 });
  }
}
