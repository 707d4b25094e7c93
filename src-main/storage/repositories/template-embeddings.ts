// Per-embedder vectors of enrolment templates (migration scope 'embedders'). A template's own row carries the
// vector of the embedder that enrolled it; re-embedding its stored face crop with another embedder adds a row
// here. Galleries are built for exactly one model: the template's own vector when it is of that model, else
// the one stored here, else the template is not in that gallery (and is reported as missing).
import { InvalidInputError, translateSqliteError } from '../errors.ts';
import type { Connections } from './connections.ts';
import { bufferToFloat32, type Gallery } from './face-templates.ts';

export interface PendingTemplate {
  id: string;
  personId: string;
  sourcePath: string | null;
}

export class TemplateEmbeddingsRepository {
  readonly #put;
  readonly #gallery;
  readonly #missing;
  readonly #counts;
  readonly #fail;
  readonly #clearFailures;

  constructor(db: Connections) {
    this.#put = db.writer.prepare(
      `INSERT INTO template_embeddings (template_id, model, embedding, dim, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (template_id, model) DO UPDATE SET embedding = excluded.embedding, dim = excluded.dim, created_at = excluded.created_at`,
    );
    // Active people, no outliers (as the core gallery); one vector per template, all of one model.
    // Templates of unrecorded origin (model NULL: enrolled before the engine reported its embedder) join when
    // their size matches the model's vectors.
    this.#gallery = db.reader.prepare<{ model: string }, { id: string; person_id: string; dim: number; embedding: Buffer; known: number }>(
      `SELECT t.id, t.person_id,
              CASE WHEN t.model = @model THEN t.dim WHEN e.template_id IS NOT NULL THEN e.dim ELSE t.dim END AS dim,
              CASE WHEN t.model = @model THEN t.embedding WHEN e.template_id IS NOT NULL THEN e.embedding ELSE t.embedding END AS embedding,
              (t.model = @model OR e.template_id IS NOT NULL) AS known
       FROM face_templates t JOIN persons p ON p.id = t.person_id
       LEFT JOIN template_embeddings e ON e.template_id = t.id AND e.model = @model
       WHERE p.status = 'active' AND t.outlier = 0 AND (t.model = @model OR e.template_id IS NOT NULL OR t.model IS NULL)
       ORDER BY t.person_id, t.id`,
    );
    this.#missing = db.reader.prepare<{ model: string }, { id: string; person_id: string; source_path: string | null }>(
      `SELECT t.id, t.person_id, t.source_path FROM face_templates t
       WHERE (t.model IS NOT @model) AND NOT EXISTS (SELECT 1 FROM template_embeddings e WHERE e.template_id = t.id AND e.model = @model)
       ORDER BY t.created_at, t.id`,
    );
    this.#counts = db.reader.prepare<{ model: string }, { total: number; ready: number; failed: number }>(
      `SELECT count(*) AS total,
              sum(t.model = @model OR EXISTS (SELECT 1 FROM template_embeddings e WHERE e.template_id = t.id AND e.model = @model)) AS ready,
              sum(EXISTS (SELECT 1 FROM reembed_failures f WHERE f.template_id = t.id AND f.model = @model)) AS failed
       FROM face_templates t`,
    );
    this.#fail = db.writer.prepare(
      `INSERT INTO reembed_failures (template_id, model, reason, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (template_id, model) DO UPDATE SET reason = excluded.reason, at = excluded.at`,
    );
    this.#clearFailures = db.writer.prepare('DELETE FROM reembed_failures WHERE model = ?');
  }

  put(templateId: string, model: string, embedding: Float32Array, now = Date.now()): void {
    if (!model) throw new InvalidInputError('invalid template embedding', [{ path: 'model', message: 'required' }]);
    if (!(embedding instanceof Float32Array) || embedding.length === 0 || !embedding.every(Number.isFinite)) {
      throw new InvalidInputError('invalid template embedding', [{ path: 'embedding', message: 'must be a non-empty finite Float32Array' }]);
    }
    try {
      this.#put.run(templateId, model, Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength), embedding.length, now);
    } catch (err) {
      translateSqliteError(err, `embedding of template ${templateId}`);
    }
  }

  /** Templates with no vector of `model` yet (the re-embedding work list), oldest first. */
  missing(model: string): PendingTemplate[] {
    return this.#missing.all({ model }).map((r) => ({ id: r.id, personId: r.person_id, sourcePath: r.source_path }));
  }

  recordFailure(templateId: string, model: string, reason: string, now = Date.now()): void {
    this.#fail.run(templateId, model, reason.slice(0, 500), now);
  }

  clearFailures(model: string): void {
    this.#clearFailures.run(model);
  }

  /** All templates, those with a vector of `model`, and those whose photo could not be re-embedded for it. */
  coverage(model: string): { total: number; ready: number; failed: number } {
    const r = this.#counts.get({ model })!;
    return { total: r.total, ready: r.ready ?? 0, failed: r.failed ?? 0 };
  }

  /** The usable templates of one model, packed (same shape as FaceTemplatesRepository.loadGallery). */
  loadGallery(model: string): Gallery {
    const all = this.#gallery.all({ model });
    const dim = (all.find((r) => r.known) ?? all[0])?.dim ?? 0;
    const rows = all.filter((r) => r.known || r.dim === dim);
    const embeddings = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => {
      if (r.dim !== dim) throw new InvalidInputError(`vectors of different sizes (${dim} and ${r.dim}) stored for model ${model}`);
      embeddings.set(bufferToFloat32(r.embedding), i * dim);
    });
    return { dim, templateIds: rows.map((r) => r.id), personIds: rows.map((r) => r.person_id), embeddings };
  }
}
