// One engine worker: keeps one engine process serving. Starts it and waits for its warm-up handshake,
// pings it, restarts it with exponential backoff when it crashes or hangs, re-sends the gallery to every new
// process, and swaps models at run time by starting a second process and switching over once it is warm
// (blue/green), so cameras never stop.
//
// Requests that were in flight when a process died are retried once on the next process; a request that was
// already a retry is failed with EngineUnavailableError. The counters below account for every one.
// The EngineSupervisor (engine-supervisor.ts) runs N of these with one policy and routes work between them.
import { EventEmitter } from 'node:events';
import type { EngineLauncher } from './launcher.ts';
import type { EngineOp, EngineOpName, EngineOpOf, EngineResults, EngineWire, GalleryPerson } from './engine-wire.ts';
import { EngineInstance } from './engine-instance.ts';
import type { DeathReason, InstanceDeath, InstanceTimings, PendingRequest } from './engine-instance.ts';
import { EngineUnavailableError } from './engine-errors.ts';
import { backoffDelay } from '../core/backoff.ts';

export type SupervisorState = 'starting' | 'ready' | 'restarting' | 'stopped';

export interface SupervisorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SupervisorOptions extends Partial<InstanceTimings> {
  launcher: EngineLauncher;
  wire: EngineWire;
  /** Options for the engine (models, providers, threads); sent in the init message. */
  engineOptions: unknown;
  /** Requests the engine may hold at once (one running, one waiting keeps it busy without a gap). */
  maxInFlight?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** A process that stayed ready this long resets the backoff. */
  healthyResetMs?: number;
  /** How long a waiting request (enrolment, push mode) may wait for a restarting engine. */
  waitReadyMs?: number;
  log?: SupervisorLogger;
}

export interface SupervisorStats {
  state: SupervisorState;
  pid: number | null;
  starts: number;
  restarts: number;
  crashes: number;
  hangs: number;
  /** Requests re-sent to a new process after the one holding them died. */
  retried: number;
  /** Requests failed because the process died twice under them (or the engine stopped). */
  failed: number;
  completed: number;
  inFlight: number;
  consecutiveFailures: number;
  nextRestartAt: number | null;
  lastExit: { reason: DeathReason; code: number | null; signal: string | null; at: number } | null;
  modelSwitches: number;
  /** How frames reach the current process: the binary side channel, or the message channel (fallback). */
  transport: 'frame-channel' | 'ipc';
}

interface Waiter {
  req: PendingRequest;
  timer: ReturnType<typeof setTimeout>;
}

const silent: SupervisorLogger = { info() {}, warn() {}, error() {} };

export class EngineWorker extends EventEmitter<{
  state: [SupervisorState];
  ready: [unknown];
  exit: [InstanceDeath & { retried: number; failed: number }];
  /** A request finished (either way): a slot may be free. */
  slot: [];
}> {
  readonly #o: Required<Omit<SupervisorOptions, 'log'>> & { log: SupervisorLogger };
  #engineOptions: unknown;
  #current: EngineInstance | null = null;
  #state: SupervisorState = 'starting';
  #retryQueue: PendingRequest[] = [];
  #waiters: Waiter[] = [];
  readonly #gallery = new Map<string, GalleryPerson>();
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #firstReady: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };
  #switching = false;
  #everReady = false;
  #holdRestarts = false;
  readonly #stats: Omit<SupervisorStats, 'state' | 'pid' | 'inFlight' | 'transport'> = {
    starts: 0, restarts: 0, crashes: 0, hangs: 0, retried: 0, failed: 0, completed: 0,
    consecutiveFailures: 0, nextRestartAt: null, lastExit: null, modelSwitches: 0,
  };

  constructor(opts: SupervisorOptions) {
    super();
    this.#o = {
      maxInFlight: 2, backoffInitialMs: 500, backoffMaxMs: 30_000, healthyResetMs: 60_000, waitReadyMs: 30_000,
      readyTimeoutMs: 120_000, pingIntervalMs: 2000, hangTimeoutMs: 15_000, requestTimeoutMs: 30_000,
      log: silent, ...opts,
    };
    this.#engineOptions = opts.engineOptions;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => {});
    this.#firstReady = { promise, resolve, reject };
  }

  get state(): SupervisorState {
    return this.#state;
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  /** What the engine reported in its ready message (providers, models). */
  get info(): unknown {
    return this.#current?.info ?? null;
  }

  get engineOptions(): unknown {
    return this.#engineOptions;
  }

  /** Options for the next process this supervisor starts (a restart); the running one is not touched. */
  setEngineOptions(engineOptions: unknown): void {
    this.#engineOptions = engineOptions;
  }

  stats(): SupervisorStats {
    return {
      ...this.#stats,
      lastExit: this.#stats.lastExit ? { ...this.#stats.lastExit } : null,
      state: this.#state,
      pid: this.#current?.pid ?? null,
      transport: this.#current?.transport ?? 'ipc',
      inFlight: (this.#current?.pending.size ?? 0) + this.#retryQueue.length,
    };
  }

  /** Starts the first process; resolves once it is ready (it keeps retrying with backoff until then). */
  start(): Promise<void> {
    if (this.#stats.starts === 0) this.#launch();
    return this.#firstReady.promise;
  }

  /** How many more requests the pipeline may send now. */
  freeSlots(): number {
    if (this.#state !== 'ready' || !this.#current || this.#current.congested) return 0;
    return Math.max(0, this.#o.maxInFlight - this.#current.pending.size - this.#retryQueue.length);
  }

  /**
   * Sends one operation. `wait`: when the engine is restarting, wait up to waitReadyMs for it instead of failing
   * at once (enrolment, push mode). `retryable`: re-send once after a crash (analysis is; gallery edits are not,
   * the gallery is re-sent whole instead).
   */
  call<K extends EngineOpName>(op: EngineOpOf<K>, opts: { wait?: boolean; retryable?: boolean } = {}): Promise<EngineResults[K]> {
    return new Promise((resolve, reject) => {
      const req: PendingRequest = {
        op, attempts: 0, retryable: opts.retryable ?? true, sentAt: 0,
        resolve: (v) => { this.#stats.completed++; resolve(v as EngineResults[K]); this.emit('slot'); },
        reject: (e) => { reject(e); this.emit('slot'); },
      };
      if (this.#state === 'stopped') return reject(new EngineUnavailableError('engine stopped', 'stopped'));
      if (this.#state === 'ready' && this.#current) return this.#current.send(req);
      if (!opts.wait) return reject(new EngineUnavailableError(`engine is ${this.#state}`, 'not_ready'));
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.req !== req);
        reject(new EngineUnavailableError(`engine not ready within ${this.#o.waitReadyMs} ms`, 'not_ready'));
      }, this.#o.waitReadyMs);
      this.#waiters.push({ req, timer });
    });
  }

  // ---- gallery mirror: the host's templates as the engine must hold them; re-sent whole to every new process.
  setGallery(people: GalleryPerson[]): void {
    this.#gallery.clear();
    for (const p of people) this.#gallery.set(p.person_id, p);
    this.#sendGalleryOp({ op: 'gallery_sync', people });
  }

  /** Replaces the templates of these persons (a person with no templates is removed). */
  upsertGallery(people: GalleryPerson[]): void {
    const keep = people.filter((p) => p.embeddings.length > 0);
    const gone = people.filter((p) => p.embeddings.length === 0).map((p) => p.person_id);
    for (const p of keep) this.#gallery.set(p.person_id, p);
    if (keep.length) this.#sendGalleryOp({ op: 'gallery_upsert', people: keep });
    this.removeFromGallery(gone);
  }

  removeFromGallery(personIds: string[]): void {
    if (personIds.length === 0) return;
    for (const id of personIds) this.#gallery.delete(id);
    this.#sendGalleryOp({ op: 'gallery_remove', person_ids: personIds });
  }

  /** The gallery as this worker holds it (a new worker of the pool starts from it). */
  galleryPeople(): GalleryPerson[] {
    return [...this.#gallery.values()];
  }

  /** Persons and templates the engine holds (mirror). */
  gallerySize(): { persons: number; templates: number } {
    let templates = 0;
    for (const p of this.#gallery.values()) templates += p.embeddings.length;
    return { persons: this.#gallery.size, templates };
  }

  /**
   * Switches the engine to new options (models, providers) without a gap: a second process starts and warms up
   * while the current one keeps serving; then new work goes to the new one and the old one drains and exits.
   * Fails (and keeps the current engine) when the new one does not get ready.
   */
  async switchEngine(engineOptions: unknown): Promise<unknown> {
    if (this.#switching) throw new Error('a model switch is already in progress');
    if (this.#state === 'stopped') throw new EngineUnavailableError('engine stopped', 'stopped');
    this.#switching = true;
    try {
      const next = this.#spawn();
      if (!next) throw new EngineUnavailableError('could not launch the engine process', 'failed');
      const info = await next.start(engineOptions);
      await this.#sendGalleryTo(next);
      const old = this.#current;
      this.#current = next;
      this.#engineOptions = engineOptions;
      this.#stats.modelSwitches++;
      this.#o.log.info({ event_type: 'model_switch', pid: next.pid }, 'engine switched to new options');
      this.#becomeReady(info);
      if (old && old.state !== 'dead') void old.drain().then(() => old.shutdown());
      return info;
    } finally {
      this.#switching = false;
    }
  }

  /** The host is shutting down: a process that exits from now on is not restarted (it may still finish work). */
  holdRestarts(): void {
    this.#holdRestarts = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
  }

  /** Stops the engine: fails queued work, asks the process to exit, kills it after a grace period. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#setState('stopped');
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#firstReady.reject(new EngineUnavailableError('engine stopped', 'stopped'));
    for (const w of this.#waiters) { clearTimeout(w.timer); this.#fail(w.req, 'stopped'); }
    this.#waiters = [];
    for (const r of this.#retryQueue) this.#fail(r, 'stopped');
    this.#retryQueue = [];
    await this.#current?.shutdown();
  }

  // ---- internals

  #setState(s: SupervisorState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.emit('state', s);
  }

  #spawn(): EngineInstance | null {
    let channel;
    try {
      channel = this.#o.launcher.launch();
    } catch (err) {
      this.#o.log.error({ err }, 'engine launch failed');
      return null;
    }
    this.#stats.starts++;
    const inst: EngineInstance = new EngineInstance(channel, this.#o.wire, this.#o, (d) => this.#onDeath(inst, d), () => this.emit('slot'));
    return inst;
  }

  #launch(): void {
    if (this.#state === 'stopped') return;
    this.#stats.nextRestartAt = null;
    const inst = this.#spawn();
    if (!inst) return this.#scheduleRestart();
    this.#current = inst;
    inst.start(this.#engineOptions).then(
      async (info) => {
        if (this.#current !== inst || this.#state === 'stopped') return;
        try {
          await this.#sendGalleryTo(inst);
        } catch (err) {
          // The process died while loading the gallery: its exit handler restarts it.
          this.#o.log.warn({ err }, 'engine died while receiving the gallery');
          return;
        }
        if (this.#current !== inst || (this.#state as SupervisorState) === 'stopped') return;
        this.#becomeReady(info);
      },
      (err: Error) => {
        this.#o.log.error({ err: err.message, pid: inst.pid }, 'engine failed to become ready');
        // the exit handler (which follows the kill) schedules the restart
      },
    );
  }

  #becomeReady(info: unknown): void {
    const inst = this.#current!;
    this.#setState('ready');
    this.#o.log.info({ event_type: 'engine_ready', pid: inst.pid, gallery: this.gallerySize() }, 'engine ready');
    const retries = this.#retryQueue;
    this.#retryQueue = [];
    for (const r of retries) inst.send(r);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) { clearTimeout(w.timer); inst.send(w.req); }
    this.#everReady = true;
    this.#firstReady.resolve();
    this.emit('ready', info);
  }

  async #sendGalleryTo(inst: EngineInstance): Promise<void> {
    const people = [...this.#gallery.values()];
    await new Promise<unknown>((resolve, reject) => inst.send({ op: { op: 'gallery_sync', people }, attempts: 0, retryable: false, sentAt: 0, resolve, reject }));
  }

  #sendGalleryOp(op: EngineOp): void {
    if (this.#state !== 'ready' || !this.#current) return; // the whole mirror goes to the next process
    this.#current.send({
      op, attempts: 0, retryable: false, sentAt: 0, resolve: () => {},
      reject: (err) => this.#o.log.warn({ err: err.message, op: op.op }, 'gallery update not applied; it will be re-sent on restart'),
    });
  }

  #fail(req: PendingRequest, reason: 'crashed' | 'hung' | 'stopped'): void {
    this.#stats.failed++;
    req.reject(new EngineUnavailableError(`engine ${reason} while handling the request`, reason));
  }

  #onDeath(inst: EngineInstance, d: InstanceDeath): void {
    const isCurrent = inst === this.#current;
    const stopping = this.#state === 'stopped' || this.#holdRestarts || (!isCurrent && d.reason === 'stopped');
    let retried = 0;
    let failed = 0;
    for (const req of d.pending) {
      if (req.op.op.startsWith('gallery_')) {
        req.reject(new EngineUnavailableError('engine exited', 'crashed'));
        continue;
      }
      if (!stopping && req.retryable && req.attempts < 2) {
        retried++;
        this.#stats.retried++;
        if (!isCurrent && this.#state === 'ready' && this.#current) this.#current.send(req);
        else this.#retryQueue.push(req);
      } else {
        failed++;
        this.#fail(req, d.reason === 'hung' ? 'hung' : stopping ? 'stopped' : 'crashed');
      }
    }
    if (stopping || !isCurrent) {
      this.emit('exit', { ...d, retried, failed });
      return;
    }
    if (d.reason === 'hung') this.#stats.hangs++;
    else this.#stats.crashes++;
    this.#stats.lastExit = { reason: d.reason, code: d.code, signal: d.signal, at: Date.now() };
    if (d.wasReady && d.readyForMs >= this.#o.healthyResetMs) this.#stats.consecutiveFailures = 0;
    this.#o.log.error({ event_type: 'engine_exit', reason: d.reason, code: d.code, signal: d.signal, retried, failed, pid: inst.pid }, 'engine process exited');
    this.#current = null;
    this.#setState(this.#everReady ? 'restarting' : 'starting');
    this.emit('exit', { ...d, retried, failed });
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#state === 'stopped' || this.#holdRestarts) return;
    const n = this.#stats.consecutiveFailures++;
    const delay = backoffDelay(n, this.#o.backoffInitialMs, this.#o.backoffMaxMs);
    this.#stats.nextRestartAt = Date.now() + delay;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#stats.restarts++;
      this.#launch();
    }, delay);
  }
}
