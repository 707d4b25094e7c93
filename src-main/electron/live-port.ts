// Subscriptions for one window travel over a MessageChannelMain port handed to its preload, not over ipcMain
// channels: events go straight onto the port (no per-message IPC dispatch, no channel lookup), and the port could
// be transferred to a utility process later without the renderer noticing. High-rate topics (live.frame) are
// credit-controlled: at most PORT_CREDIT_WINDOW unacknowledged messages per subscription; beyond that only the
// newest payload is kept, so a hidden or stalled window costs main one pending message, not a growing queue.
import type { TopicName } from '../../src-contract/api.ts';
import type { ContractDispatcher, IpcCallContext } from './desktop-host.ts';
import { toErrorBody } from './error-body.ts';
import { CREDITED_TOPICS, PORT_CHANNEL, PORT_CREDIT_WINDOW, PORT_REQUEST_CHANNEL } from './ipc-channels.ts';
import type { PortServerMessage } from './ipc-channels.ts';
import { PortClientMessageSchema } from './port-messages.ts';
import type { IpcEventLike, SenderGuard } from './sender-guard.ts';
import type { ShellLog } from './shell-log.ts';

/** The part of Electron's MessagePortMain used here (worker_threads ports fit through a two-line adapter). */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

const MAX_SUBSCRIPTIONS = 64;

interface Subscription {
  topic: TopicName;
  unsubscribe: () => void;
  credited: boolean;
  credits: number;
  /** Newest payload held back while out of credits (latest wins). */
  pending: { payload: unknown } | null;
}

export interface PortSessionStats {
  delivered: number;
  /** Credited payloads replaced by a newer one before the renderer caught up. */
  superseded: number;
  rejected: number;
}

/** One window's port: parses client messages, runs subscriptions in the host, delivers events. */
export class LivePortSession {
  readonly stats: PortSessionStats = { delivered: 0, superseded: 0, rejected: 0 };
  readonly #subs = new Map<string, Subscription>();
  #closed = false;

  constructor(
    private readonly port: PortLike,
    private readonly host: ContractDispatcher,
    private readonly ctx: IpcCallContext,
    private readonly log: ShellLog,
    private readonly onClosed: () => void = () => {},
  ) {
    port.on('message', (event) => this.#receive(event.data));
    port.on('close', () => this.close());
    port.start();
  }

  get subscriptionCount(): number {
    return this.#subs.size;
  }

  #send(message: PortServerMessage): void {
    if (!this.#closed) this.port.postMessage(message);
  }

  #receive(data: unknown): void {
    if (this.#closed) return;
    const parsed = PortClientMessageSchema.safeParse(data);
    if (!parsed.success) {
      this.stats.rejected++;
      this.log.warn({ sessionId: this.ctx.sessionId, issue: parsed.error.issues[0]?.message }, 'malformed message on live port');
      return;
    }
    const msg = parsed.data;
    if (msg.t === 'sub') {
      if (this.#subs.has(msg.id)) {
        this.#send({ t: 'sub-error', id: msg.id, error: { code: 'CONFLICT', message: `subscription ${msg.id} exists` } });
        return;
      }
      if (this.#subs.size >= MAX_SUBSCRIPTIONS) {
        this.#send({ t: 'sub-error', id: msg.id, error: { code: 'RATE_LIMITED', message: `at most ${MAX_SUBSCRIPTIONS} subscriptions per window` } });
        return;
      }
      const sub: Subscription = { topic: msg.topic, unsubscribe: () => {}, credited: CREDITED_TOPICS.has(msg.topic), credits: PORT_CREDIT_WINDOW, pending: null };
      this.#subs.set(msg.id, sub);
      try {
        sub.unsubscribe = this.host.subscribe(msg.topic, msg.filter, this.ctx, (payload) => this.#deliver(msg.id, sub, payload), (err) => {
          // Refused (or ended) by a host in another process, after the fact.
          if (this.#subs.get(msg.id) !== sub) return;
          this.#subs.delete(msg.id);
          this.#send({ t: 'sub-error', id: msg.id, error: toErrorBody(err, this.log, { topic: msg.topic }) });
        });
      } catch (err) {
        this.#subs.delete(msg.id);
        this.#send({ t: 'sub-error', id: msg.id, error: toErrorBody(err, this.log, { topic: msg.topic }) });
      }
    } else if (msg.t === 'unsub') {
      const sub = this.#subs.get(msg.id);
      this.#subs.delete(msg.id);
      sub?.unsubscribe();
    } else {
      const sub = this.#subs.get(msg.id);
      if (!sub?.credited) return;
      sub.credits = Math.min(PORT_CREDIT_WINDOW, sub.credits + msg.n);
      if (sub.pending && sub.credits > 0) {
        const { payload } = sub.pending;
        sub.pending = null;
        this.#deliver(msg.id, sub, payload);
      }
    }
  }

  #deliver(id: string, sub: Subscription, payload: unknown): void {
    if (this.#closed || this.#subs.get(id) !== sub) return;
    if (sub.credited) {
      if (sub.credits <= 0) {
        if (sub.pending) this.stats.superseded++;
        sub.pending = { payload };
        return;
      }
      sub.credits--;
    }
    this.stats.delivered++;
    this.#send({ t: 'event', id, payload });
  }

  /**
   * Ends every subscription without closing the port, after the window's session changed (logout, another login):
   * rights were checked at subscribe time, so they must be checked again. The preload keeps them dormant and
   * re-subscribes after its next successful login.
   */
  clearSubscriptions(reason = 'session changed'): void {
    const ids = [...this.#subs.keys()];
    for (const sub of this.#subs.values()) sub.unsubscribe();
    this.#subs.clear();
    for (const id of ids) this.#send({ t: 'sub-error', id, error: { code: 'UNAUTHENTICATED', message: reason } });
  }

  close(): void {
    if (this.#closed) return;
    for (const sub of this.#subs.values()) sub.unsubscribe();
    this.#subs.clear();
    this.#closed = true;
    this.port.close();
    this.onClosed();
  }
}

/** The fields of a port-request event: the sender checks plus a way to hand the port to the requesting frame. */
export interface PortRequestEvent<Remote> extends IpcEventLike {
  senderFrame: { url: string; postMessage(channel: string, message: unknown, transfer: Remote[]): void } | null;
}

export interface LivePortServerOptions<Remote> {
  ipc: {
    on(channel: string, listener: (event: PortRequestEvent<Remote>) => void): unknown;
    removeListener(channel: string, listener: (event: PortRequestEvent<Remote>) => void): unknown;
  };
  /** `() => { const { port1, port2 } = new MessageChannelMain(); return { local: port1, remote: port2 }; }` */
  createChannel(): { local: PortLike; remote: Remote };
  guard: SenderGuard;
  host: ContractDispatcher;
  log: ShellLog;
}

/** Answers each window's port request with a fresh channel; a reload replaces the window's previous session. */
export class LivePortServer<Remote> {
  readonly #sessions = new Map<number, LivePortSession>();
  readonly #listener = (event: PortRequestEvent<Remote>) => this.#onRequest(event);

  constructor(private readonly opts: LivePortServerOptions<Remote>) {
    opts.ipc.on(PORT_REQUEST_CHANNEL, this.#listener);
  }

  sessionFor(webContentsId: number): LivePortSession | undefined {
    return this.#sessions.get(webContentsId);
  }

  #onRequest(event: PortRequestEvent<Remote>): void {
    const verdict = this.opts.guard.check(event);
    if (!verdict.ok || !event.senderFrame) {
      this.opts.log.warn({ sender: event.sender.id, reason: verdict.ok ? 'no frame' : verdict.reason }, 'live port request refused');
      return;
    }
    const id = event.sender.id;
    this.#sessions.get(id)?.close();
    const { local, remote } = this.opts.createChannel();
    const session = new LivePortSession(local, this.opts.host, { origin: 'ipc', sessionId: verdict.sessionId }, this.opts.log, () => {
      if (this.#sessions.get(id) === session) this.#sessions.delete(id);
    });
    this.#sessions.set(id, session);
    event.senderFrame.postMessage(PORT_CHANNEL, null, [remote]);
  }

  /** Window closed: end its session. */
  closeFor(webContentsId: number): void {
    this.#sessions.get(webContentsId)?.close();
  }

  dispose(): void {
    this.opts.ipc.removeListener(PORT_REQUEST_CHANNEL, this.#listener);
    for (const session of [...this.#sessions.values()]) session.close();
  }
}
