// Main's side of the out-of-process host core: a DesktopHost that forwards every call, subscription and media
// stream to the host process (host-process.ts) and supervises it. The IPC router, the live port server and the
// app:// protocol use it exactly as they used the in-process adapter; main's event loop only relays small
// messages (contract results, topic payloads, media chunks under credit) and never touches frames or SQLite.
//
// If the host process dies, calls in flight fail, subscriptions end with UNAUTHENTICATED (window sessions lived in
// the host process, so windows sign in again, as after a restart) and a new host process is started with backoff.
import type { MethodName, SubscriptionFilter, TopicName } from '../../src-contract/api.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { ErrorBody } from '../../src-contract/errors.ts';
import { Backoff } from '../core/backoff.ts';
import type { DesktopHost, HostHealth, IpcCallContext, MediaBody } from './desktop-host.ts';
import type { EngineBroker } from './engine-broker.ts';
import type { HostInit, HostProcessChannel, HostProcessLauncher, HostToMain, MainToHost, MediaRequest } from './host-wire.ts';
import type { ShellLog } from './shell-log.ts';

export interface RemoteHostOptions {
  launcher: HostProcessLauncher;
  init: HostInit;
  log: ShellLog;
  /** Answers the host process's engine requests (Electron: engines are utility processes main starts). */
  broker?: EngineBroker;
  /** How long the host may take to open the database and start (default 120 s). */
  startTimeoutMs?: number;
  /** Start a new host process when it dies unexpectedly (default true). */
  restart?: boolean;
  /** Told whenever the host process ended without being asked to. */
  onGone?(info: { code: number | null; reason: string | null; restarting: boolean }): void;
}

interface Pending { resolve(value: unknown): void; reject(err: unknown): void }
interface RemoteSub { onEvent(payload: unknown): void; onError?(err: unknown): void }
interface RemoteMedia {
  head: Pending | null;
  queue: Uint8Array[];
  done: boolean;
  error: unknown;
  wake: (() => void) | null;
}

const fromBody = (e: ErrorBody): VigilError => new VigilError(e.code, e.message, { ...(e.field ? { field: e.field } : {}), ...(e.details ? { details: e.details } : {}) });

export class RemoteDesktopHost implements DesktopHost {
  #channel: HostProcessChannel | null = null;
  #ready: Promise<void> | null = null;
  #closing = false;
  #started = false;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #subs = new Map<number, RemoteSub>();
  readonly #media = new Map<number, RemoteMedia>();
  readonly #backoff = new Backoff({ initialMs: 500, maxMs: 30_000, jitter: 0.2 });

  constructor(private readonly opts: RemoteHostOptions) {}

  /** The host process's pid (for measurements and the crash log). */
  get pid(): number | undefined {
    return this.#channel?.pid;
  }

  /** Launches the host process and resolves once it has opened its database and started; throws its start error. */
  start(): Promise<void> {
    this.#ready ??= this.#launch();
    return this.#ready;
  }

  #launch(): Promise<void> {
    const ch = this.opts.launcher.launch();
    this.#channel = ch;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        ch.kill();
        reject(new VigilError('TIMEOUT', 'the host process did not start in time'));
      }, this.opts.startTimeoutMs ?? 120_000);
      ch.on('message', (msg) => {
        if (this.#channel !== ch) return;
        if (msg.t === 'ready' || msg.t === 'init-error') {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (msg.t === 'ready') {
            this.#started = true;
            this.#backoff.reset();
            resolve();
          } else {
            reject(fromBody(msg.error));
            ch.kill();
          }
          return;
        }
        this.#onMessage(msg, ch);
      });
      ch.on('exit', (code, reason) => {
        if (this.#channel === ch) this.#onExit(code, reason);
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(new VigilError('INTERNAL', `the host process ended while starting (code ${code}${reason ? `, ${reason}` : ''})`));
        }
      });
      ch.postMessage({ t: 'init', init: this.opts.init });
    });
  }

  #onMessage(msg: HostToMain, ch: HostProcessChannel): void {
    if (this.opts.broker?.handle(msg, (m, transfer) => ch.postMessage(m, transfer))) return;
    switch (msg.t) {
      case 'result': {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (msg.ok) p?.resolve(msg.value);
        else p?.reject(fromBody(msg.error));
        return;
      }
      case 'event':
        this.#subs.get(msg.id)?.onEvent(msg.payload);
        return;
      case 'sub-error': {
        const sub = this.#subs.get(msg.id);
        this.#subs.delete(msg.id);
        sub?.onError?.(fromBody(msg.error));
        return;
      }
      case 'media-head': {
        const m = this.#media.get(msg.id);
        const head = m?.head;
        if (!m || !head) return;
        m.head = null;
        if (msg.mime === null) this.#media.delete(msg.id);
        head.resolve(msg);
        return;
      }
      case 'media-chunk': {
        const m = this.#media.get(msg.id);
        if (!m) return;
        m.queue.push(msg.bytes);
        m.wake?.();
        return;
      }
      case 'media-end': {
        const m = this.#media.get(msg.id);
        if (!m) return;
        m.done = true;
        if (msg.error) m.error = fromBody(msg.error);
        if (m.head) { m.head.reject(m.error ?? new VigilError('STREAM_UNAVAILABLE', 'the stream ended')); m.head = null; }
        m.wake?.();
        return;
      }
      default:
        return;
    }
  }

  #onExit(code: number | null, reason: string | null): void {
    this.#channel = null;
    this.opts.broker?.killAll();
    const gone = new VigilError('INTERNAL', 'the host process stopped; try again in a moment');
    for (const p of this.#pending.values()) p.reject(gone);
    this.#pending.clear();
    for (const sub of this.#subs.values()) sub.onError?.(new VigilError('UNAUTHENTICATED', 'the host restarted; sign in again'));
    this.#subs.clear();
    for (const m of this.#media.values()) {
      m.done = true;
      m.error = gone;
      m.head?.reject(gone);
      m.head = null;
      m.wake?.();
    }
    this.#media.clear();
    if (this.#closing || !this.#started) return;
    const restarting = this.opts.restart !== false;
    this.opts.log.error({ code, reason, restarting }, 'the host process ended unexpectedly');
    this.opts.onGone?.({ code, reason, restarting });
    if (!restarting) {
      this.#ready = Promise.reject(gone);
      this.#ready.catch(() => {});
      return;
    }
    const delay = this.#backoff.next();
    const next = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
      if (this.#closing) throw gone;
      return this.#launch();
    });
    next.catch((err: unknown) => {
      this.opts.log.error({ err: (err as Error).message }, 'the host process could not be restarted');
      if (this.#ready === next && !this.#closing) {
        this.#ready = null;
        this.#onExit(null, 'restart-failed');
      }
    });
    this.#ready = next;
  }

  async #send(msg: MainToHost, transfer?: unknown[]): Promise<HostProcessChannel> {
    if (this.#closing) throw new VigilError('INTERNAL', 'the host is stopping');
    await this.start();
    const ch = this.#channel;
    if (!ch) throw new VigilError('INTERNAL', 'the host process stopped; try again in a moment');
    ch.postMessage(msg, transfer);
    return ch;
  }

  #request(build: (id: number) => MainToHost): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send(build(id)).catch((err: unknown) => {
        this.#pending.delete(id);
        reject(err);
      });
    });
  }

  dispatch(method: MethodName, input: unknown, ctx: IpcCallContext): Promise<unknown> {
    return this.#request((id) => ({ t: 'call', id, method, input, ctx }));
  }

  subscribe(topic: TopicName, filter: SubscriptionFilter, ctx: IpcCallContext, onEvent: (payload: unknown) => void, onError?: (err: unknown) => void): () => void {
    const id = ++this.#nextId;
    this.#subs.set(id, { onEvent, onError });
    this.#send({ t: 'sub', id, topic, filter, ctx }).catch((err: unknown) => {
      if (this.#subs.delete(id)) onError?.(err);
    });
    return () => {
      if (!this.#subs.delete(id)) return;
      this.#channel?.postMessage({ t: 'unsub', id });
    };
  }

  endSession(sessionId: string): void {
    this.#channel?.postMessage({ t: 'end-session', sessionId });
  }

  openMedia(ref: string, ctx: IpcCallContext): Promise<MediaBody | null> {
    return this.#openStream({ kind: 'file', ref }, ctx);
  }

  openLive(cameraId: string, transport: 'fmp4' | 'mjpeg', ctx: IpcCallContext, signal: AbortSignal): Promise<MediaBody | null> {
    return this.#openStream({ kind: 'live', cameraId, transport }, ctx, signal);
  }

  async #openStream(req: MediaRequest, ctx: IpcCallContext, signal?: AbortSignal): Promise<MediaBody | null> {
    const id = ++this.#nextId;
    const m: RemoteMedia = { head: null, queue: [], done: false, error: null, wake: null };
    const head = new Promise<unknown>((resolve, reject) => { m.head = { resolve, reject }; });
    this.#media.set(id, m);
    const cancel = () => {
      if (!this.#media.delete(id)) return;
      m.done = true;
      m.wake?.();
      this.#channel?.postMessage({ t: 'media-cancel', id });
    };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      await this.#send({ t: 'media', id, req, ctx });
    } catch (err) {
      this.#media.delete(id);
      throw err;
    }
    const got = (await head) as Extract<HostToMain, { t: 'media-head' }>;
    if (got.mime === null) return null;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (m.queue.length === 0 && !m.done) await new Promise<void>((r) => { m.wake = r; });
        m.wake = null;
        const chunk = m.queue.shift();
        if (chunk) {
          controller.enqueue(chunk);
          if (this.#media.has(id)) this.#channel?.postMessage({ t: 'media-credit', id, n: 1 });
          return;
        }
        this.#media.delete(id);
        if (m.error) controller.error(m.error);
        else controller.close();
      },
      cancel,
    }, { highWaterMark: 0 });
    return { body, mime: got.mime, ...(got.size !== undefined ? { size: got.size } : {}) };
  }

  async health(): Promise<HostHealth> {
    return (await this.#request((id) => ({ t: 'health', id }))) as HostHealth;
  }

  /** Asks the host to stop cameras, flush the database and stop the engine; kills it if it does not end in time. */
  async close(deadlineMs = 14_000): Promise<void> {
    if (this.#closing) return;
    const ch = this.#channel;
    const ready = this.#ready;
    this.#closing = true;
    if (!ch || !ready) return;
    const exited = new Promise<void>((resolve) => ch.on('exit', () => resolve()));
    const id = ++this.#nextId;
    const done = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    done.catch(() => {});
    ch.postMessage({ t: 'close', id });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), deadlineMs); });
    const outcome = await Promise.race([exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.opts.log.warn({ deadlineMs }, 'the host process did not stop in time; killing it');
      ch.kill();
      await exited;
    }
  }
}
