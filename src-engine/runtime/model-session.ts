// One loaded model: an onnxruntime session on the first provider of the chain that works, with automatic
// fallback (at load and at run time), a time limit per inference, warm-up, and the health figures the
// host shows (provider actually used, warm-up time, rolling p50/p95, error and timeout counts).
import ort from 'onnxruntime-node';
import { EngineError } from '../errors.ts';
import type { ModelEntry } from '../registry/manifest.ts';
import { tensorSize } from '../image/tensor.ts';
import { LatencyWindow } from './latency.ts';
import type { ProviderName } from './providers.ts';
import { round2 } from './round.ts';

// Native ORT logging would print provider-load failures and graph-cleanup warnings on stderr; the
// engine records them in health instead.
ort.env.logLevel = 'fatal';

export type Feeds = Record<string, ort.Tensor>;
export type Outputs = Record<string, ort.Tensor>;

/** The part of an onnxruntime session the engine uses. */
export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Feeds): Promise<Outputs>;
  release(): Promise<void>;
}

export interface SessionRequest {
  bytes: Uint8Array;
  provider: ProviderName;
  threads: number;
  /** the manifest entry's graph optimisation level (default 'all') */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Creates a session on one provider; tests and custom runtimes can substitute it. */
export type SessionFactory = (req: SessionRequest) => Promise<SessionLike>;

export const ortSessionFactory: SessionFactory = async ({ bytes, provider, threads, graphOptimization }) => {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: graphOptimization ?? 'all',
    logSeverityLevel: 3,
  });
  return session as unknown as SessionLike;
};

export interface ProviderAttempt {
  provider: ProviderName;
  phase: 'load' | 'run';
  ok: boolean;
  error?: string;
}

export interface ModelHealth {
  id: string;
  family: ModelEntry['family'];
  file: string;
  status: 'ready' | 'degraded' | 'failed';
  provider: ProviderName | null;
  providers_tried: ProviderAttempt[];
  fallback_used: boolean;
  warmup_ms: number | null;
  runs: number;
  errors: number;
  timeouts: number;
  p50_ms: number | null;
  p95_ms: number | null;
  last_error: string | null;
}

export interface ModelSessionOptions {
  providers: ProviderName[];
  threads: number;
  timeoutMs: number;
  factory?: SessionFactory;
}

export class ModelSession {
  readonly entry: ModelEntry;
  private session: SessionLike | null = null;
  private providerIndex = -1;
  private readonly attempts: ProviderAttempt[] = [];
  private readonly latency = new LatencyWindow();
  private runs = 0;
  private errors = 0;
  private timeouts = 0;
  private warmupMs: number | null = null;
  private lastError: string | null = null;

  private constructor(
    entry: ModelEntry,
    private readonly bytes: Uint8Array,
    private readonly opts: Required<ModelSessionOptions>,
  ) {
    this.entry = entry;
  }

  static async load(entry: ModelEntry, bytes: Uint8Array, options: ModelSessionOptions): Promise<ModelSession> {
    const m = new ModelSession(entry, bytes, { ...options, factory: options.factory ?? ortSessionFactory });
    await m.openFrom(0);
    return m;
  }

  get provider(): ProviderName | null {
    return this.providerIndex >= 0 ? this.opts.providers[this.providerIndex] : null;
  }

  /** Tries providers from `start` on; throws MODEL_UNAVAILABLE when none loads. */
  private async openFrom(start: number): Promise<void> {
    for (let i = start; i < this.opts.providers.length; i++) {
      const provider = this.opts.providers[i];
      try {
        const session = await this.opts.factory({ bytes: this.bytes, provider, threads: this.opts.threads, graphOptimization: this.entry.graphOptimization });
        this.checkIo(session);
        this.session = session;
        this.providerIndex = i;
        this.attempts.push({ provider, phase: 'load', ok: true });
        return;
      } catch (err) {
        if (err instanceof EngineError) throw err;
        this.attempts.push({ provider, phase: 'load', ok: false, error: shortMessage(err) });
      }
    }
    this.session = null;
    this.providerIndex = -1;
    this.lastError = `no provider could load ${this.entry.id}`;
    throw new EngineError('MODEL_UNAVAILABLE', `model ${this.entry.id} could not be loaded on any provider (${this.opts.providers.join(', ')})`, {
      model: this.entry.id,
      attempts: this.attempts.map((a) => `${a.provider}: ${a.error ?? 'ok'}`).join('; '),
    });
  }

  /** The manifest must name tensors the graph really has; a mismatch is a manifest error, not a crash later. */
  private checkIo(session: SessionLike): void {
    const wantOut = outputNames(this.entry);
    const missing = [this.entry.input.name].filter((n) => !session.inputNames.includes(n)).concat(wantOut.filter((n) => !session.outputNames.includes(n)));
    if (missing.length) {
      throw new EngineError('MANIFEST_INVALID', `model ${this.entry.id}: manifest names tensors the graph lacks: ${missing.join(', ')}`, {
        model: this.entry.id,
        graph_inputs: session.inputNames.join(','),
        graph_outputs: session.outputNames.join(','),
      });
    }
  }

  /**
   * Runs the model. A failure on an accelerator moves the model to the next provider and retries once;
   * a failure on the last provider is MODEL_FAILED; exceeding the time limit is MODEL_TIMEOUT (and also
   * moves an accelerated model to the next provider for later calls).
   */
  async run(feeds: Feeds): Promise<Outputs> {
    for (;;) {
      const session = this.session;
      if (!session) throw new EngineError('MODEL_UNAVAILABLE', `model ${this.entry.id} is not loaded`, { model: this.entry.id });
      const provider = this.provider as ProviderName;
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new EngineError('MODEL_TIMEOUT', `${this.entry.id} exceeded ${this.opts.timeoutMs} ms on ${provider}`, { model: this.entry.id, timeout_ms: this.opts.timeoutMs, provider })),
            this.opts.timeoutMs,
          );
        });
        const out = await Promise.race([session.run(feeds), timeout]);
        this.runs++;
        this.latency.record(performance.now() - t0);
        return out;
      } catch (err) {
        this.errors++;
        const isTimeout = err instanceof EngineError && err.code === 'MODEL_TIMEOUT';
        if (isTimeout) this.timeouts++;
        this.lastError = shortMessage(err);
        this.attempts.push({ provider, phase: 'run', ok: false, error: this.lastError });
        const hasNext = this.providerIndex < this.opts.providers.length - 1;
        if (hasNext) {
          await this.openFrom(this.providerIndex + 1).catch(() => undefined);
          if (isTimeout) throw err; // the frame is already late; later frames use the next provider
          if (this.session) continue;
        }
        if (isTimeout) throw err;
        throw new EngineError('MODEL_FAILED', `${this.entry.id} failed on ${provider}: ${this.lastError}`, { model: this.entry.id, provider }, { cause: err });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Runs the model on mid-grey input a few times; the first run pays for allocation and kernel choice. */
  async warmup(iterations = 3): Promise<number> {
    const spec = this.entry.input;
    const dims = spec.layout === 'NCHW' ? [1, spec.colorOrder === 'GRAY' ? 1 : 3, spec.height, spec.width] : [1, spec.height, spec.width, spec.colorOrder === 'GRAY' ? 1 : 3];
    const tensor = new ort.Tensor('float32', new Float32Array(tensorSize(spec)), dims);
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await this.run({ [spec.name]: tensor });
    this.warmupMs = performance.now() - t0;
    return this.warmupMs;
  }

  health(): ModelHealth {
    const failed = !this.session;
    const fallback = this.providerIndex > 0 || this.attempts.some((a) => !a.ok);
    return {
      id: this.entry.id,
      family: this.entry.family,
      file: this.entry.file,
      status: failed ? 'failed' : this.timeouts > 0 || this.attempts.some((a) => a.phase === 'run') ? 'degraded' : 'ready',
      provider: this.provider,
      providers_tried: this.attempts.slice(-10),
      fallback_used: fallback,
      warmup_ms: this.warmupMs === null ? null : round2(this.warmupMs),
      runs: this.runs,
      errors: this.errors,
      timeouts: this.timeouts,
      p50_ms: roundOrNull(this.latency.percentile(50)),
      p95_ms: roundOrNull(this.latency.percentile(95)),
      last_error: this.lastError,
    };
  }

  async release(): Promise<void> {
    const s = this.session;
    this.session = null;
    this.providerIndex = -1;
    await s?.release().catch(() => undefined);
  }
}

export function outputNames(entry: ModelEntry): string[] {
  switch (entry.format) {
    case 'ultraface-ssd':
      return [entry.outputs.scores, entry.outputs.boxes];
    case 'blazeface':
      return entry.outputs.layers.flatMap((l) => [l.scores, l.boxes]);
    case 'yunet':
      return entry.outputs.levels.flatMap((l) => [l.cls, l.obj, l.bbox, l.kps]);
    case 'ibug68':
      return [entry.outputs.points];
    case 'aligned-embedding':
      return [entry.outputs.embedding];
    case 'softmax-classifier':
      return [entry.outputs.logits];
  }
}

function shortMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 300);
}

const roundOrNull = (v: number | null): number | null => (v === null ? null : round2(v));
