// Switching the embedder of a running host: the engine's gallery is emptied (no window where probes of one
// embedder meet templates of another), the engine is restarted blue/green with the new embedder, the gallery is
// reloaded from the new model's vectors, and the re-embed job fills in the rest person by person.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { EngineSupervisor } from '../engine-host/engine-supervisor.ts';
import type { EngineAnalysis, GalleryPerson } from '../engine-host/engine-wire.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { TemplateEmbeddingsRepository } from '../storage/repositories/template-embeddings.ts';
import { ReembedJob, type ReembedProgress } from './reembed-job.ts';

/** The engine gallery of one embedder: every usable template that has a vector of `model`, grouped by person. */
export function modelGallery(vectors: TemplateEmbeddingsRepository, model: string, personId?: string): GalleryPerson[] {
  const g = vectors.loadGallery(model);
  const byPerson = new Map<string, GalleryPerson>();
  g.templateIds.forEach((id, i) => {
    const pid = g.personIds[i];
    if (personId !== undefined && pid !== personId) return;
    let p = byPerson.get(pid);
    if (!p) byPerson.set(pid, (p = { person_id: pid, template_ids: [], embeddings: [] }));
    p.template_ids!.push(id);
    p.embeddings.push(g.embeddings.slice(i * g.dim, (i + 1) * g.dim));
  });
  if (personId !== undefined && !byPerson.has(personId)) return [{ person_id: personId, template_ids: [], embeddings: [] }];
  return [...byPerson.values()];
}

export interface EmbedderSwitchDeps {
  store: Pick<HostStore, 'snapshots' | 'write'>;
  vectors: TemplateEmbeddingsRepository;
  engine: Pick<EngineSupervisor, 'setGallery' | 'upsertGallery' | 'switchEngine' | 'call'>;
  logger: Logger;
  onProgress?: (p: ReembedProgress) => void;
}

export class EmbedderSwitch {
  readonly #d: EmbedderSwitchDeps;
  #job: ReembedJob | null = null;
  #running: Promise<ReembedProgress> | null = null;
  readonly #listeners = new Set<(p: ReembedProgress) => void>();

  constructor(deps: EmbedderSwitchDeps) {
    this.#d = deps;
  }

  /** The last (or running) re-embedding job's progress. */
  get progress(): ReembedProgress | null {
    return this.#job?.progress ?? null;
  }

  /** Calls `fn` at every step of every re-embedding job (started with its total, each template, finished);
   *  returns the function that stops it. */
  onProgress(fn: (p: ReembedProgress) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Restarts the engine with `engineOptions` (which select `model`) and re-embeds what is missing. */
  async switchTo(model: string, engineOptions: unknown): Promise<ReembedProgress> {
    const { engine, vectors, logger } = this.#d;
    if (this.#job && this.#running) {
      this.#job.cancel();
      await this.#running;
    }
    engine.setGallery([]);
    await engine.switchEngine(engineOptions);
    engine.setGallery(modelGallery(vectors, model));
    logger.info({ event_type: 'embedder_switched', model, coverage: vectors.coverage(model) }, 'embedder switched; re-embedding stored enrolment photos');
    return this.reembed(model);
  }

  /** Runs the re-embed job for the running embedder (also after a restart that left work undone). */
  reembed(model: string): Promise<ReembedProgress> {
    const { engine, vectors, store, logger } = this.#d;
    const job = new ReembedJob({
      vectors,
      readPhoto: (p) => readFile(store.snapshots.resolve(p)),
      analyze: async (bytes) => (await engine.call({ op: 'analyze_image', bytes, options: { embeddings: true, match: false } }, { wait: true })) as EngineAnalysis,
      write: (fn) => store.write(fn),
      onPerson: (id) => engine.upsertGallery(modelGallery(vectors, model, id)),
      onProgress: (p) => {
        this.#d.onProgress?.(p);
        for (const fn of this.#listeners) fn(p);
      },
    }, model);
    this.#job = job;
    const running = job.run().then((p) => {
      logger.info({ event_type: 'reembed_finished', ...p }, `re-embedding for ${model}: ${p.done} done, ${p.failed} failed of ${p.total}`);
      return p;
    });
    this.#running = running;
    return running;
  }
}
