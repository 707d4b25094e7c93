// The engine's health as the host shows it (system.status, /healthz, per-frame logs): which model runs on which
// execution provider, whether it fell back, warm-up and latency. Refreshed from the engine process's health
// report when it becomes ready and then every few seconds.
import type { z } from 'zod';
import type { ModelHealthSchema } from '../../src-contract/schemas.ts';
import type { EngineHealth } from '../../src-engine/public.ts';
import type { EngineSupervisor } from '../engine-host/engine-supervisor.ts';

type ModelHealthView = z.infer<typeof ModelHealthSchema>;

export class EngineStatus {
  #health: EngineHealth | null = null;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #engine: EngineSupervisor;

  constructor(engine: EngineSupervisor, refreshMs = 5000) {
    this.#engine = engine;
    engine.on('ready', (info) => { if (isHealth(info)) this.#health = info; void this.refresh(); });
    this.#timer = setInterval(() => void this.refresh(), refreshMs);
    this.#timer.unref?.();
  }

  async refresh(): Promise<void> {
    if (!this.#engine.ready) return;
    try {
      const h = await this.#engine.call({ op: 'health' }, { retryable: false });
      if (isHealth(h)) this.#health = h;
    } catch {
      // keep the last report; the supervisor tracks the process itself
    }
  }

  get health(): EngineHealth | null {
    return this.#health;
  }

  /** role → provider actually used, e.g. { detector: 'cpu', embedder: 'cpu' }. */
  providers(): Record<string, string> {
    const h = this.#health;
    if (!h) return {};
    const out: Record<string, string> = {};
    for (const [role, id] of Object.entries(h.roles)) {
      if (!id) continue;
      const m = h.models[id];
      out[role] = m?.provider ?? 'none';
    }
    return out;
  }

  models(): ModelHealthView[] {
    const h = this.#health;
    if (!h) return [];
    return Object.values(h.models).map((m) => ({
      id: m.id, family: m.family, file: m.file, requested_providers: h.providers, provider: m.provider ?? 'none',
      fell_back: m.fallback_used, warmup_ms: m.warmup_ms, p50_ms: m.p50_ms, p95_ms: m.p95_ms, runs: m.runs, errors: m.errors, last_error: m.last_error,
    }));
  }

  /** Names for the per-frame log line (processing.model_used / device / fallback). */
  modelInfo(): { model: string; device: string; fallback: boolean } {
    const h = this.#health;
    if (!h) return { model: 'unknown', device: 'unknown', fallback: false };
    const det = h.roles.detector ? h.models[h.roles.detector] : undefined;
    const emb = h.roles.embedder ? h.models[h.roles.embedder] : undefined;
    return {
      model: [h.roles.detector, h.roles.embedder].filter(Boolean).join('+'),
      device: det?.provider ?? 'unknown',
      fallback: Boolean(det?.fallback_used || emb?.fallback_used),
    };
  }

  /** Embedding model id, recorded with every template. */
  embedder(): string | null {
    return this.#health?.roles.embedder ?? null;
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

function isHealth(x: unknown): x is EngineHealth {
  return typeof x === 'object' && x !== null && 'roles' in x && 'models' in x;
}
