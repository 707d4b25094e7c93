// The push-mode frame queue behind process-frame. Sync and async requests share it, so admission control is
// one place: a bounded queue per priority (urgent → low), a fixed number of frames analysed at once, a deadline
// per frame (a frame still waiting when its timeout passes is dropped with MODEL_TIMEOUT rather than analysed
// late), and finished jobs kept for a while for GET /jobs/{id}. Memory is bounded by maxQueued + maxJobs.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { VigilError, type ErrorBody } from '../../src-contract/errors.ts';
import type { JobSchema, ProcessFrameResult } from '../../src-contract/rest.ts';
import { toVigilError } from './http-errors.ts';
import { DEFAULT_CALLBACK, deliverCallback, type CallbackOptions, type DeliveryState } from './job-callbacks.ts';

export type Priority = 'urgent' | 'high' | 'normal' | 'low';
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];

export interface FrameJobsOptions {
  concurrency: number;
  maxQueued: number;
  /** Finished jobs stay readable this long. */
  keepFinishedMs: number;
  maxJobs: number;
  callback: CallbackOptions;
}

export const DEFAULT_FRAME_JOBS: FrameJobsOptions = { concurrency: 2, maxQueued: 64, keepFinishedMs: 10 * 60_000, maxJobs: 5000, callback: DEFAULT_CALLBACK };

export interface JobSpec {
  frameId: string;
  cameraId: string;
  /** Only the same user (or token owner) can read the job back. */
  ownerId: string;
  priority: Priority;
  timeoutMs: number;
  run: (signal: AbortSignal, queueMs: number) => Promise<ProcessFrameResult>;
  callback?: { url: string; key: string };
}

export interface Job {
  id: string;
  spec: JobSpec;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result: ProcessFrameResult | null;
  error: ErrorBody | null;
  delivery: DeliveryState | null;
  done: Promise<Job>;
}

export class FrameJobs {
  readonly #o: FrameJobsOptions;
  readonly #queues: Record<Priority, Job[]> = { urgent: [], high: [], normal: [], low: [] };
  readonly #jobs = new Map<string, Job>();
  readonly #resolvers = new Map<string, (j: Job) => void>();
  readonly #stop = new AbortController();
  readonly #sweep: NodeJS.Timeout;
  #running = 0;
  /** Moving average of analysis time, for estimated_completion_ms. */
  #avgMs = 200;
  readonly counters = { accepted: 0, completed: 0, failed: 0, rejected_full: 0, timed_out: 0 };

  constructor(opts: Partial<FrameJobsOptions> = {}) {
    this.#o = { ...DEFAULT_FRAME_JOBS, ...opts, callback: { ...DEFAULT_CALLBACK, ...opts.callback } };
    this.#sweep = setInterval(() => this.#forgetOld(), 30_000);
    this.#sweep.unref();
  }

  get queued(): number {
    return PRIORITIES.reduce((n, p) => n + this.#queues[p].length, 0);
  }

  submit(spec: JobSpec): Job {
    if (this.#stop.signal.aborted) throw new VigilError('ENGINE_UNAVAILABLE', 'server is shutting down');
    if (this.queued >= this.#o.maxQueued) {
      this.counters.rejected_full++;
      throw new VigilError('QUEUE_FULL', `frame queue is full (${this.#o.maxQueued} waiting); retry later`, { details: { queue_depth: this.queued } });
    }
    const id = `job_${randomUUID()}`;
    let resolve!: (j: Job) => void;
    const done = new Promise<Job>((r) => { resolve = r; });
    const job: Job = {
      id, spec, status: 'queued', createdAt: Date.now(), startedAt: null, finishedAt: null, result: null, error: null, done,
      delivery: spec.callback ? { url: spec.callback.url, attempts: 0, delivered: false, lastStatus: null } : null,
    };
    this.#resolvers.set(id, resolve);
    this.#jobs.set(id, job);
    this.#queues[spec.priority].push(job);
    this.counters.accepted++;
    this.#pump();
    return job;
  }

  get(id: string, ownerId: string): Job | null {
    const j = this.#jobs.get(id);
    return j && j.spec.ownerId === ownerId ? j : null;
  }

  /** 1-based place in line (0 once it is running or finished). */
  position(job: Job): number {
    if (job.status !== 'queued') return 0;
    let ahead = 0;
    for (const p of PRIORITIES) {
      const i = this.#queues[p].indexOf(job);
      if (i >= 0) return ahead + i + 1;
      ahead += this.#queues[p].length;
    }
    return 0;
  }

  estimateMs(job: Job): number {
    const rounds = Math.ceil(this.position(job) / this.#o.concurrency);
    return Math.round((rounds + 1) * this.#avgMs);
  }

  view(job: Job): z.output<typeof JobSchema> {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      job_id: job.id, status: job.status, frame_id: job.spec.frameId, camera_id: job.spec.cameraId,
      created_at: new Date(job.createdAt).toISOString(), started_at: iso(job.startedAt), completed_at: iso(job.finishedAt),
      queue_position: job.status === 'queued' ? this.position(job) : null, result: job.result, error: job.error,
      callback: job.delivery ? { url: job.delivery.url, attempts: job.delivery.attempts, delivered: job.delivery.delivered, last_status: job.delivery.lastStatus } : null,
    };
  }

  close(): void {
    this.#stop.abort();
    clearInterval(this.#sweep);
    for (const p of PRIORITIES) {
      for (const job of this.#queues[p].splice(0)) this.#finish(job, null, new VigilError('ENGINE_UNAVAILABLE', 'server is shutting down'));
    }
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency) {
      const job = PRIORITIES.map((p) => this.#queues[p]).find((q) => q.length > 0)?.shift();
      if (!job) return;
      void this.#run(job);
    }
  }

  async #run(job: Job): Promise<void> {
    const started = Date.now();
    const queueMs = started - job.createdAt;
    const left = job.spec.timeoutMs - queueMs;
    if (left <= 0) {
      this.counters.timed_out++;
      this.#finish(job, null, new VigilError('MODEL_TIMEOUT', `frame waited ${queueMs} ms in the queue, past its ${job.spec.timeoutMs} ms timeout; dropped`, { details: { frame_id: job.spec.frameId, timeout_ms: job.spec.timeoutMs } }));
      return;
    }
    this.#running++;
    job.status = 'processing';
    job.startedAt = started;
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        this.counters.timed_out++;
        reject(new VigilError('MODEL_TIMEOUT', `analysis exceeded the frame's ${job.spec.timeoutMs} ms timeout; frame dropped`, { details: { frame_id: job.spec.frameId, timeout_ms: job.spec.timeoutMs } }));
      }, left);
    });
    try {
      const result = await Promise.race([job.spec.run(AbortSignal.any([ac.signal, this.#stop.signal]), queueMs), timeout]);
      this.#avgMs = this.#avgMs * 0.8 + (Date.now() - started) * 0.2;
      this.#finish(job, result, null);
    } catch (err) {
      this.#finish(job, null, toVigilError(err));
    } finally {
      clearTimeout(timer);
      this.#running--;
      this.#pump();
    }
  }

  #finish(job: Job, result: ProcessFrameResult | null, error: VigilError | null): void {
    job.status = error ? 'failed' : 'completed';
    job.finishedAt = Date.now();
    job.result = result;
    job.error = error ? error.toBody() : null;
    if (error) this.counters.failed++;
    else this.counters.completed++;
    this.#resolvers.get(job.id)?.(job);
    this.#resolvers.delete(job.id);
    if (job.spec.callback && job.delivery && !this.#stop.signal.aborted) {
      const payload = { job_id: job.id, status: job.status, frame_id: job.spec.frameId, camera_id: job.spec.cameraId, result: job.result, error: job.error };
      const cb = job.spec.callback;
      // The signing key is the caller's API token: hold it no longer than the delivery needs it.
      void deliverCallback(job.delivery, cb.key, payload, job.id, this.#o.callback, this.#stop.signal).finally(() => { cb.key = ''; });
    }
    if (this.#jobs.size > this.#o.maxJobs) this.#forgetOld();
  }

  /** Finished jobs older than keepFinishedMs go; past maxJobs the oldest finished go first. */
  #forgetOld(): void {
    const cutoff = Date.now() - this.#o.keepFinishedMs;
    for (const [id, j] of this.#jobs) {
      if (j.finishedAt === null) continue;
      if (j.finishedAt <= cutoff || this.#jobs.size > this.#o.maxJobs) this.#jobs.delete(id);
    }
  }
}
