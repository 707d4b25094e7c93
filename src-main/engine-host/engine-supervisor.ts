// The engine as the host sees it: N engine worker processes (engine-worker.ts) under one policy.
// - Every worker holds the whole gallery (each re-receives it on its own restart); gallery edits go to all.
// - Analysis is routed with camera affinity: a camera's frames go to the worker it was first given (the least
//   loaded then), so its frames stay in order on one process; when that worker is full or down, another ready
//   worker takes the frame rather than letting it wait.
// - One restart policy (each worker backs off on its own with the same settings) and one model-switch policy:
//   workers switch one after another, blue/green each, so analysis never stops.
// With one worker this is exactly the single supervised process it replaced.
import { EventEmitter } from 'node:events';
import type { EngineOpName, EngineOpOf, EngineResults, GalleryPerson } from './engine-wire.ts';
import { EngineWorker } from './engine-worker.ts';
import type { SupervisorLogger, SupervisorOptions as WorkerOptions, SupervisorState, SupervisorStats as WorkerStats } from './engine-worker.ts';
import type { InstanceDeath } from './engine-instance.ts';

export type { SupervisorLogger, SupervisorState } from './engine-worker.ts';

export interface SupervisorOptions extends WorkerOptions {
  /** Engine processes (>= 1). */
  workers?: number;
}

export interface SupervisorStats extends WorkerStats {
  /** One entry per worker process, in worker order. */
  workers: Array<WorkerStats & { worker: number; cameras: number }>;
}

export interface CallOptions {
  wait?: boolean;
  retryable?: boolean;
  /** Route to the worker this key (a camera id) is bound to. */
  affinity?: string;
}

/** Ops every worker must apply (run-time settings); the first worker's answer is returned. */
const BROADCAST: ReadonlySet<EngineOpName> = new Set(['configure']);

/**
 * Default worker count: the cores divided by the threads each engine process uses (site setting, default cores − 1
 * up to 4), at least 1 and at most 4 (each worker holds the models and the gallery, ~240 MB). The host and the
 * camera readers take about half a core at 16 substreams (bench:host), so on 2 cores two single-thread engines
 * both get most of a core: measured on a quiet 2-core machine, 2 against 1 took sub/sparse/16 from 0.90 to 1.00 of
 * the frames with motion analysed (p95 281 → 133 ms) and main/busy/4 from 0.98 to 1.00 (p95 301 → 197 ms), see
 * docs/throughput.md. 2 cores → 2; 4 cores at 3 threads → 1; 8 cores at 4 threads → 2.
 */
export function defaultWorkerCount(cores: number, threadsPerWorker = 1): number {
  return Math.max(1, Math.min(4, Math.floor(cores / Math.max(1, threadsPerWorker))));
}

export class EngineSupervisor extends EventEmitter<{
  state: [SupervisorState];
  ready: [unknown];
  exit: [InstanceDeath & { retried: number; failed: number; worker: number }];
  slot: [];
}> {
  #workers: EngineWorker[];
  readonly #affinity = new Map<string, number>();
  readonly #workerOpts: WorkerOptions;
  #state: SupervisorState = 'starting';
  #switching = false;
  #resizing: Promise<void> = Promise.resolve();
  #started = false;

  constructor(opts: SupervisorOptions) {
    super();
    const { workers = 1, ...workerOpts } = opts;
    if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError('engine workers must be a positive integer');
    this.#workerOpts = workerOpts;
    this.#workers = Array.from({ length: workers }, (_, i) => this.#makeWorker(i, workers));
  }

  #makeWorker(i: number, count: number): EngineWorker {
    const log = this.#workerOpts.log && count > 1 ? childLog(this.#workerOpts.log, i) : this.#workerOpts.log;
    const w = new EngineWorker({ ...this.#workerOpts, ...(log ? { log } : {}) });
    w.on('state', () => this.#syncState());
    w.on('ready', (info) => { this.#syncState(); this.emit('ready', info); });
    w.on('exit', (d) => this.emit('exit', { ...d, worker: this.#workers.indexOf(w) }));
    w.on('slot', () => this.emit('slot'));
    return w;
  }

  /**
   * Runs `n` engine processes from now on (Settings → engine workers): new workers start with the current engine
   * options and the gallery; surplus workers (the last ones) stop after their requests, and their cameras are
   * bound again on their next frame. Calls are serialised; resolves once the new workers are ready.
   */
  resize(n: number): Promise<void> {
    if (!(Number.isInteger(n) && n >= 1)) return Promise.reject(new RangeError('engine workers must be a positive integer'));
    const run = async () => {
      const cur = this.#workers.length;
      if (n === cur || this.#state === 'stopped') return;
      if (n > cur) {
        const first = this.#workers[0];
        const gallery = first.galleryPeople();
        const added = Array.from({ length: n - cur }, (_, k) => this.#makeWorker(cur + k, n));
        for (const w of added) {
          w.setEngineOptions(first.engineOptions);
          w.setGallery(gallery); // the mirror: sent whole once the process is ready
        }
        this.#workers = [...this.#workers, ...added];
        if (this.#started) await Promise.all(added.map((w) => w.start()));
      } else {
        const gone = this.#workers.slice(n);
        this.#workers = this.#workers.slice(0, n);
        for (const [cam, i] of this.#affinity) if (i >= n) this.#affinity.delete(cam);
        await Promise.all(gone.map((w) => w.stop()));
      }
      this.#syncState();
      this.emit('slot');
    };
    this.#resizing = this.#resizing.then(run, run);
    return this.#resizing;
  }

  get workerCount(): number {
    return this.#workers.length;
  }

  get state(): SupervisorState {
    return this.#state;
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  /** What the first ready worker reported in its ready message (providers, models). */
  get info(): unknown {
    return (this.#workers.find((w) => w.ready) ?? this.#workers[0]).info;
  }

  get engineOptions(): unknown {
    return this.#workers[0].engineOptions;
  }

  setEngineOptions(engineOptions: unknown): void {
    for (const w of this.#workers) w.setEngineOptions(engineOptions);
  }

  /** Totals over the workers (pid: the first worker's), plus each worker's own figures. */
  stats(): SupervisorStats {
    const per = this.#workers.map((w, i) => ({ ...w.stats(), worker: i, cameras: [...this.#affinity.values()].filter((x) => x === i).length }));
    const sum = (k: 'starts' | 'restarts' | 'crashes' | 'hangs' | 'retried' | 'failed' | 'completed' | 'inFlight' | 'modelSwitches') => per.reduce((a, s) => a + s[k], 0);
    const exits = per.map((s) => s.lastExit).filter((e) => e !== null);
    const restarts = per.map((s) => s.nextRestartAt).filter((t) => t !== null);
    return {
      state: this.#state, pid: per.find((s) => s.pid !== null)?.pid ?? null,
      starts: sum('starts'), restarts: sum('restarts'), crashes: sum('crashes'), hangs: sum('hangs'), retried: sum('retried'),
      failed: sum('failed'), completed: sum('completed'), inFlight: sum('inFlight'), modelSwitches: sum('modelSwitches'),
      consecutiveFailures: Math.max(...per.map((s) => s.consecutiveFailures)),
      nextRestartAt: restarts.length ? Math.min(...restarts) : null,
      lastExit: exits.length ? exits.reduce((a, b) => (b.at > a.at ? b : a)) : null,
      // 'ipc' when any worker fell back to the message channel (worth a look), else the side channel
      transport: per.some((s) => s.transport === 'ipc') ? 'ipc' : 'frame-channel',
      workers: per,
    };
  }

  /** PIDs of the worker processes that are running (CPU / memory accounting). */
  pids(): number[] {
    return this.#workers.map((w) => w.stats().pid).filter((p): p is number => p !== null);
  }

  /** Starts every worker; resolves once the first is ready. */
  start(): Promise<void> {
    this.#started = true;
    const all = this.#workers.map((w) => w.start());
    return Promise.any(all).catch(() => all[0]);
  }

  freeSlots(): number {
    let n = 0;
    for (const w of this.#workers) n += w.freeSlots();
    return n;
  }

  call<K extends EngineOpName>(op: EngineOpOf<K>, opts: CallOptions = {}): Promise<EngineResults[K]> {
    const { affinity, ...o } = opts;
    if (BROADCAST.has(op.op) && this.#workers.length > 1) {
      const all = this.#workers.map((w) => w.call(op, o));
      return Promise.allSettled(all).then(() => all[0]);
    }
    return this.#pick(affinity).call(op, o);
  }

  setGallery(people: GalleryPerson[]): void {
    for (const w of this.#workers) w.setGallery(people);
  }

  upsertGallery(people: GalleryPerson[]): void {
    for (const w of this.#workers) w.upsertGallery(people);
  }

  removeFromGallery(personIds: string[]): void {
    for (const w of this.#workers) w.removeFromGallery(personIds);
  }

  gallerySize(): { persons: number; templates: number } {
    return this.#workers[0].gallerySize();
  }

  /** New options for every worker, one after another (each blue/green); fails on the first that cannot switch. */
  async switchEngine(engineOptions: unknown): Promise<unknown> {
    if (this.#switching) throw new Error('a model switch is already in progress');
    this.#switching = true;
    try {
      let info: unknown = null;
      for (const w of this.#workers) info = await w.switchEngine(engineOptions);
      return info;
    } finally {
      this.#switching = false;
    }
  }

  holdRestarts(): void {
    for (const w of this.#workers) w.holdRestarts();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
  }

  /** Forget a camera's worker binding (camera removed). */
  release(affinity: string): void {
    this.#affinity.delete(affinity);
  }

  // ---- internals

  #pick(affinity: string | undefined): EngineWorker {
    const ws = this.#workers;
    if (ws.length === 1) return ws[0];
    const leastLoaded = () => {
      let best = -1;
      for (let i = 0; i < ws.length; i++) {
        if (!ws[i].ready) continue;
        if (best < 0 || ws[i].freeSlots() > ws[best].freeSlots() || (ws[i].freeSlots() === ws[best].freeSlots() && this.#bound(i) < this.#bound(best))) best = i;
      }
      return best;
    };
    if (affinity === undefined) {
      const i = leastLoaded();
      return ws[i < 0 ? 0 : i];
    }
    let bound = this.#affinity.get(affinity);
    if (bound === undefined) {
      // New camera: the worker with the fewest cameras (ready ones first).
      const order = ws.map((_, i) => i).sort((a, b) => Number(ws[b].ready) - Number(ws[a].ready) || this.#bound(a) - this.#bound(b));
      bound = order[0];
      this.#affinity.set(affinity, bound);
    }
    if (ws[bound].ready && ws[bound].freeSlots() > 0) return ws[bound];
    const other = leastLoaded();
    return other >= 0 && ws[other].freeSlots() > 0 ? ws[other] : ws[bound];
  }

  #bound(worker: number): number {
    let n = 0;
    for (const w of this.#affinity.values()) if (w === worker) n++;
    return n;
  }

  #syncState(): void {
    const states = this.#workers.map((w) => w.state);
    const next: SupervisorState = states.includes('ready') ? 'ready'
      : states.every((s) => s === 'stopped') ? 'stopped'
        : states.includes('restarting') ? 'restarting' : 'starting';
    if (next === this.#state) return;
    this.#state = next;
    this.emit('state', next);
  }
}

function childLog(log: SupervisorLogger, worker: number): SupervisorLogger {
  return {
    info: (o, m) => log.info({ worker, ...o }, m),
    warn: (o, m) => log.warn({ worker, ...o }, m),
    error: (o, m) => log.error({ worker, ...o }, m),
  };
}
