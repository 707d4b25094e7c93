// Re-embedding the gallery for another embedder: every template whose stored face crop has no vector of the
// target model yet is analysed again (largest face in the crop) and its new vector stored beside the old one.
// Runs after the engine switched embedders; progress is reported after each template, a template whose photo
// is missing or shows no usable face is recorded as failed (with the reason) and the job goes on. Idempotent:
// a restarted job only does what is still missing. Templates of two embedders are never mixed: the engine's
// gallery is rebuilt from the target model's vectors only (onPerson / the caller's reload).
import type { TemplateEmbeddingsRepository } from '../storage/repositories/template-embeddings.ts';

export interface ReembedFace {
  box: [number, number, number, number];
  embedding?: ArrayLike<number> | null;
}

export interface ReembedDeps {
  vectors: TemplateEmbeddingsRepository;
  /** bytes of a stored face crop (throws when the file is gone) */
  readPhoto: (sourcePath: string) => Promise<Uint8Array>;
  /** the engine, already running the target embedder: faces with embeddings */
  analyze: (bytes: Uint8Array) => Promise<{ faces: ReembedFace[] }>;
  /** the store's batched write */
  write: <T>(fn: () => T) => Promise<T>;
  /** a person's vectors of the target model are complete (push them to the engine's gallery) */
  onPerson?: (personId: string) => void;
  onProgress?: (p: ReembedProgress) => void;
  now?: () => number;
}

export type ReembedState = 'running' | 'done' | 'cancelled' | 'failed';

export interface ReembedProgress {
  model: string;
  state: ReembedState;
  /** templates that needed a vector of `model` when the job started */
  total: number;
  done: number;
  failed: number;
  started_at: number;
  finished_at: number | null;
  error: string | null;
}

export class ReembedJob {
  readonly #d: ReembedDeps;
  readonly #p: ReembedProgress;
  #cancel = false;

  constructor(deps: ReembedDeps, model: string) {
    this.#d = deps;
    this.#p = { model, state: 'running', total: 0, done: 0, failed: 0, started_at: (deps.now ?? Date.now)(), finished_at: null, error: null };
  }

  get progress(): ReembedProgress {
    return { ...this.#p };
  }

  /** Stops after the template in hand; what is done stays done. */
  cancel(): void {
    this.#cancel = true;
  }

  async run(): Promise<ReembedProgress> {
    const { vectors, model } = { vectors: this.#d.vectors, model: this.#p.model };
    const now = this.#d.now ?? Date.now;
    try {
      vectors.clearFailures(model);
      const work = vectors.missing(model);
      this.#p.total = work.length;
      this.#emit();
      let person: string | null = null;
      for (const t of work) {
        if (this.#cancel) break;
        if (person !== null && t.personId !== person) this.#d.onPerson?.(person);
        person = t.personId;
        const reason = await this.#one(t.id, t.sourcePath, now());
        if (reason) {
          await this.#d.write(() => vectors.recordFailure(t.id, model, reason, now()));
          this.#p.failed++;
        } else this.#p.done++;
        this.#emit();
      }
      if (person !== null) this.#d.onPerson?.(person);
      this.#p.state = this.#cancel ? 'cancelled' : 'done';
    } catch (err) {
      this.#p.state = 'failed';
      this.#p.error = (err as Error).message;
    }
    this.#p.finished_at = now();
    this.#emit();
    return this.progress;
  }

  /** null when stored, else why not */
  async #one(templateId: string, sourcePath: string | null, at: number): Promise<string | null> {
    if (!sourcePath) return 'no stored photo for this template';
    let bytes: Uint8Array;
    try {
      bytes = await this.#d.readPhoto(sourcePath);
    } catch {
      return 'stored photo is missing';
    }
    let faces: ReembedFace[];
    try {
      faces = (await this.#d.analyze(bytes)).faces;
    } catch (err) {
      return `analysis failed: ${(err as Error).message}`;
    }
    // The crop was cut around the enrolled face with a margin: the largest face in it is that face.
    const face = faces.filter((f) => f.embedding && f.embedding.length).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
    if (!face?.embedding) return faces.length ? 'the face in the stored photo does not pass the quality gate for this embedder' : 'no face found in the stored photo';
    const vector = Float32Array.from(face.embedding);
    await this.#d.write(() => this.#d.vectors.put(templateId, this.#p.model, vector, at));
    return null;
  }

  #emit(): void {
    this.#d.onProgress?.(this.progress);
  }
}
