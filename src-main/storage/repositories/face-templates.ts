// Face templates: one L2-normalised embedding per accepted enrolment photo / capture / correction, stored as a
// little-endian Float32 BLOB. `loadGallery` returns one packed matrix for the matcher (no per-row arrays).
import { z } from 'zod';
import { InvalidInputError, NotFoundError, translateSqliteError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput, readJson } from '../input-validation.ts';
import type { Connections } from './connections.ts';

const TemplateMetaSchema = z.object({
  personId: z.string().min(1).max(64),
  quality: z.record(z.string(), z.unknown()).default({}),
  model: z.string().max(120).nullable().default(null),
  sourcePath: z.string().max(1024).nullable().default(null),
  sourceKind: z.enum(['photo', 'camera', 'correction']),
  sourceEventId: z.string().max(64).nullable().default(null),
  outlier: z.boolean().default(false),
  createdBy: z.string().max(120).nullable().default(null),
});
export type TemplateInput = z.input<typeof TemplateMetaSchema> & { embedding: Float32Array };

export interface TemplateRecord {
  id: string;
  personId: string;
  dim: number;
  model: string | null;
  quality: Record<string, unknown>;
  sourcePath: string | null;
  sourceKind: 'photo' | 'camera' | 'correction';
  sourceEventId: string | null;
  outlier: boolean;
  createdBy: string | null;
  createdAt: number;
}

export interface Gallery {
  dim: number;
  templateIds: string[];
  personIds: string[];
  /** Row-major, templateIds.length × dim. */
  embeddings: Float32Array;
}

interface TemplateRow {
  id: string;
  person_id: string;
  dim: number;
  model: string | null;
  quality_json: string;
  source_path: string | null;
  source_kind: 'photo' | 'camera' | 'correction';
  source_event_id: string | null;
  outlier: number;
  created_by: string | null;
  created_at: number;
}

const META = 'id, person_id, dim, model, quality_json, source_path, source_kind, source_event_id, outlier, created_by, created_at';
const MAX_DIM = 4096;

export class FaceTemplatesRepository {
  readonly #insert;
  readonly #byPerson;
  readonly #get;
  readonly #embedding;
  readonly #delete;
  readonly #setOutlier;
  readonly #gallery;
  readonly #galleryModel;
  readonly #count;

  constructor(db: Connections) {
    this.#insert = db.writer.prepare(
      `INSERT INTO face_templates (id, person_id, embedding, dim, model, quality_json, source_path, source_kind, source_event_id, outlier, created_by, created_at)
       VALUES (@id, @personId, @embedding, @dim, @model, @quality, @sourcePath, @sourceKind, @sourceEventId, @outlier, @createdBy, @now)`,
    );
    this.#byPerson = db.reader.prepare<[string], TemplateRow>(`SELECT ${META} FROM face_templates WHERE person_id = ? ORDER BY created_at, id`);
    this.#get = db.reader.prepare<[string], TemplateRow>(`SELECT ${META} FROM face_templates WHERE id = ?`);
    this.#embedding = db.reader.prepare<[string], { embedding: Buffer }>('SELECT embedding FROM face_templates WHERE id = ?');
    this.#delete = db.writer.prepare('DELETE FROM face_templates WHERE id = ?');
    this.#setOutlier = db.writer.prepare('UPDATE face_templates SET outlier = ? WHERE id = ?');
    // Only active people, no outliers: inactive staff must stop matching without losing their templates.
    const gallerySql = `SELECT t.id, t.person_id, t.dim, t.embedding FROM face_templates t JOIN persons p ON p.id = t.person_id
      WHERE p.status = 'active' AND t.outlier = 0`;
    this.#gallery = db.reader.prepare<[], { id: string; person_id: string; dim: number; embedding: Buffer }>(`${gallerySql} ORDER BY t.person_id, t.id`);
    this.#galleryModel = db.reader.prepare<[string], { id: string; person_id: string; dim: number; embedding: Buffer }>(`${gallerySql} AND t.model = ? ORDER BY t.person_id, t.id`);
    this.#count = db.reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM face_templates');
  }

  add(input: TemplateInput, now = Date.now()): TemplateRecord {
    const { embedding, ...meta } = input;
    const v = parseInput(TemplateMetaSchema, meta, 'face template');
    checkEmbedding(embedding);
    const id = newId('tpl');
    try {
      this.#insert.run({
        ...v, id, now, embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength), dim: embedding.length,
        quality: JSON.stringify(v.quality), outlier: v.outlier ? 1 : 0,
      });
    } catch (err) {
      translateSqliteError(err, `template for person ${v.personId}`);
    }
    return { id, personId: v.personId, dim: embedding.length, model: v.model, quality: v.quality, sourcePath: v.sourcePath, sourceKind: v.sourceKind, sourceEventId: v.sourceEventId, outlier: v.outlier, createdBy: v.createdBy, createdAt: now };
  }

  get(id: string): TemplateRecord | null {
    const row = this.#get.get(id);
    return row ? toRecord(row) : null;
  }

  listForPerson(personId: string): TemplateRecord[] {
    return this.#byPerson.all(personId).map(toRecord);
  }

  embedding(id: string): Float32Array {
    const row = this.#embedding.get(id);
    if (!row) throw new NotFoundError('face template', id);
    return bufferToFloat32(row.embedding);
  }

  setOutlier(id: string, outlier: boolean): void {
    if (this.#setOutlier.run(outlier ? 1 : 0, id).changes === 0) throw new NotFoundError('face template', id);
  }

  remove(id: string): TemplateRecord {
    const rec = this.get(id);
    if (!rec) throw new NotFoundError('face template', id);
    this.#delete.run(id);
    return rec;
  }

  count(): number {
    return this.#count.get()!.n;
  }

  /** Every usable template (active person, not an outlier), optionally of one embedding model, packed. */
  loadGallery(model?: string): Gallery {
    const rows = model === undefined ? this.#gallery.all() : this.#galleryModel.all(model);
    const dim = rows[0]?.dim ?? 0;
    const embeddings = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => {
      if (r.dim !== dim) throw new InvalidInputError(`templates of different sizes (${dim} and ${r.dim}) in one gallery: pass the model name`);
      embeddings.set(bufferToFloat32(r.embedding), i * dim);
    });
    return { dim, templateIds: rows.map((r) => r.id), personIds: rows.map((r) => r.person_id), embeddings };
  }
}

function checkEmbedding(e: unknown): asserts e is Float32Array {
  if (!(e instanceof Float32Array)) throw new InvalidInputError('invalid face template', [{ path: 'embedding', message: 'must be a Float32Array' }]);
  if (e.length === 0 || e.length > MAX_DIM) throw new InvalidInputError('invalid face template', [{ path: 'embedding', message: `length ${e.length} outside 1..${MAX_DIM}` }]);
  for (let i = 0; i < e.length; i++) {
    if (!Number.isFinite(e[i])) throw new InvalidInputError('invalid face template', [{ path: 'embedding', message: `value ${i} is not finite` }]);
  }
}

/** Copies into a fresh (aligned) Float32Array: SQLite's buffer may sit at any byte offset. */
export function bufferToFloat32(buf: Buffer): Float32Array {
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function toRecord(r: TemplateRow): TemplateRecord {
  return {
    id: r.id, personId: r.person_id, dim: r.dim, model: r.model, quality: readJson<Record<string, unknown>>(r.quality_json) ?? {},
    sourcePath: r.source_path, sourceKind: r.source_kind, sourceEventId: r.source_event_id, outlier: r.outlier === 1,
    createdBy: r.created_by, createdAt: r.created_at,
  };
}
