// In-memory gallery: one Float32Array matrix of unit-length templates (rows), several per person, with
// top-k cosine search by person. A search is one pass of dot products over the matrix plus a per-person
// max, so 10,000 templates x 512 dimensions stay in the low milliseconds on one core.
import { EngineError } from '../errors.ts';
import { l2normalise } from '../embed/embedder.ts';

export interface MatchCandidate {
  person_id: string;
  score: number;
  template_id: string;
}

export interface SearchResult {
  /** best template of each of the top-k persons, best first */
  matches: MatchCandidate[];
  /** the matched person, or null: an explicit "unknown" */
  identity: { person_id: string; score: number } | null;
  decision: 'match' | 'unknown';
  threshold: number;
}

export interface PersonTemplates {
  person_id: string;
  embeddings: ArrayLike<number>[];
  /** the host's ids for the templates (same order as embeddings); generated when absent */
  template_ids?: string[];
}

export class Gallery {
  readonly dim: number;
  private matrix: Float32Array;
  private rows = 0;
  private rowPerson: Int32Array;
  private rowTemplate: string[] = [];
  private readonly personSlot = new Map<string, number>();
  private personIds: (string | null)[] = [];
  private personCount: Int32Array = new Int32Array(16);
  private freeSlots: number[] = [];
  private nextTemplate = 1;
  private bestScratch = new Float32Array(16);
  private bestRowScratch = new Int32Array(16);

  constructor(dim: number, capacity = 1024) {
    if (!Number.isInteger(dim) || dim <= 0) throw new EngineError('INVALID_ARGUMENT', `gallery dimension must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.matrix = new Float32Array(dim * capacity);
    this.rowPerson = new Int32Array(capacity);
  }

  /** number of templates */
  get size(): number {
    return this.rows;
  }

  /** number of persons with at least one template */
  get persons(): number {
    return this.personSlot.size;
  }

  has(personId: string): boolean {
    return this.personSlot.has(personId);
  }

  /** Adds one template (normalised copy) and returns its id. */
  add(personId: string, embedding: ArrayLike<number>, templateId?: string): string {
    if (typeof personId !== 'string' || personId.length === 0) throw new EngineError('INVALID_ARGUMENT', 'person id must be a non-empty string');
    const v = this.check(embedding);
    if (this.rows * this.dim === this.matrix.length) this.grow();
    const slot = this.slotFor(personId);
    this.matrix.set(v, this.rows * this.dim);
    this.rowPerson[this.rows] = slot;
    const id = templateId ?? `t${this.nextTemplate++}`;
    this.rowTemplate[this.rows] = id;
    this.personCount[slot]++;
    this.rows++;
    return id;
  }

  /** Replaces all templates of a person. */
  upsertPerson(personId: string, embeddings: ArrayLike<number>[], templateIds?: string[]): string[] {
    if (templateIds && templateIds.length !== embeddings.length) throw new EngineError('INVALID_ARGUMENT', 'template_ids and embeddings differ in length');
    const checked = embeddings.map((e) => this.check(e)); // validate everything before changing anything
    this.removePerson(personId);
    return checked.map((e, i) => this.add(personId, e, templateIds?.[i]));
  }

  removePerson(personId: string): number {
    const slot = this.personSlot.get(personId);
    if (slot === undefined) return 0;
    let removed = 0;
    for (let r = this.rows - 1; r >= 0; r--) {
      if (this.rowPerson[r] === slot) {
        this.removeRow(r);
        removed++;
      }
    }
    return removed;
  }

  removeTemplate(templateId: string): boolean {
    const r = this.rowTemplate.indexOf(templateId);
    if (r < 0 || r >= this.rows) return false;
    this.removeRow(r);
    return true;
  }

  /** Replaces the whole gallery (e.g. after the host reloads it from its database). */
  sync(people: PersonTemplates[]): void {
    const checked = people.map((p) => {
      if (p.template_ids && p.template_ids.length !== p.embeddings.length) throw new EngineError('INVALID_ARGUMENT', `person ${p.person_id}: template_ids and embeddings differ in length`);
      return { id: p.person_id, vs: p.embeddings.map((e) => this.check(e)), ids: p.template_ids };
    });
    this.clear();
    for (const p of checked) p.vs.forEach((v, i) => this.add(p.id, v, p.ids?.[i]));
  }

  clear(): void {
    this.rows = 0;
    this.rowTemplate = [];
    this.personSlot.clear();
    this.personIds = [];
    this.personCount.fill(0);
    this.freeSlots = [];
  }

  /**
   * Top-k persons by their best template's cosine similarity. `threshold` decides match vs unknown: the
   * best person is returned as identity only when its score reaches it.
   */
  search(query: ArrayLike<number>, k = 5, threshold = Infinity): SearchResult {
    const q = this.check(query);
    const slots = this.personIds.length;
    if (this.bestScratch.length < slots) {
      this.bestScratch = new Float32Array(slots * 2);
      this.bestRowScratch = new Int32Array(slots * 2);
    }
    const best = this.bestScratch;
    const bestRow = this.bestRowScratch;
    best.fill(-Infinity, 0, slots);
    const m = this.matrix;
    const dim = this.dim;
    for (let r = 0, base = 0; r < this.rows; r++, base += dim) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < dim; i += 4) {
        s0 += m[base + i] * q[i];
        s1 += m[base + i + 1] * q[i + 1];
        s2 += m[base + i + 2] * q[i + 2];
        s3 += m[base + i + 3] * q[i + 3];
      }
      for (; i < dim; i++) s0 += m[base + i] * q[i];
      const s = s0 + s1 + s2 + s3;
      const p = this.rowPerson[r];
      if (s > best[p]) {
        best[p] = s;
        bestRow[p] = r;
      }
    }
    // Partial selection of the k best persons (k is small).
    const top: number[] = [];
    for (let p = 0; p < slots; p++) {
      if (best[p] === -Infinity) continue;
      if (top.length < k) {
        top.push(p);
        top.sort((a, b) => best[b] - best[a]);
      } else if (k > 0 && best[p] > best[top[k - 1]]) {
        top[k - 1] = p;
        top.sort((a, b) => best[b] - best[a]);
      }
    }
    const matches = top.map((p) => ({ person_id: this.personIds[p] as string, score: best[p], template_id: this.rowTemplate[bestRow[p]] }));
    const first = matches[0];
    const matched = first !== undefined && first.score >= threshold;
    return {
      matches,
      identity: matched ? { person_id: first.person_id, score: first.score } : null,
      decision: matched ? 'match' : 'unknown',
      threshold,
    };
  }

  /** Row view of a template (for calibration and export); do not mutate. */
  template(row: number): { person_id: string; embedding: Float32Array } {
    if (row < 0 || row >= this.rows) throw new EngineError('INVALID_ARGUMENT', `no template row ${row}`);
    return { person_id: this.personIds[this.rowPerson[row]] as string, embedding: this.matrix.subarray(row * this.dim, (row + 1) * this.dim) };
  }

  private check(embedding: ArrayLike<number>): Float32Array {
    if (!embedding || typeof embedding.length !== 'number' || embedding.length !== this.dim) {
      throw new EngineError('INVALID_ARGUMENT', `embedding must have ${this.dim} values, got ${embedding?.length}`);
    }
    for (let i = 0; i < embedding.length; i++) {
      if (!Number.isFinite(embedding[i])) throw new EngineError('INVALID_ARGUMENT', 'embedding contains a non-finite value');
    }
    const v = l2normalise(embedding);
    if (v.every((x) => x === 0)) throw new EngineError('INVALID_ARGUMENT', 'embedding is all zeros');
    return v;
  }

  private slotFor(personId: string): number {
    let slot = this.personSlot.get(personId);
    if (slot !== undefined) return slot;
    slot = this.freeSlots.pop() ?? this.personIds.length;
    this.personIds[slot] = personId;
    this.personSlot.set(personId, slot);
    if (slot >= this.personCount.length) {
      const grown = new Int32Array(this.personCount.length * 2);
      grown.set(this.personCount);
      this.personCount = grown;
    }
    this.personCount[slot] = 0;
    return slot;
  }

  /** Moves the last row into the hole (order of rows carries no meaning). */
  private removeRow(r: number): void {
    const last = this.rows - 1;
    const slot = this.rowPerson[r];
    if (r !== last) {
      this.matrix.copyWithin(r * this.dim, last * this.dim, (last + 1) * this.dim);
      this.rowPerson[r] = this.rowPerson[last];
      this.rowTemplate[r] = this.rowTemplate[last];
    }
    this.rowTemplate.length = last;
    this.rows = last;
    if (--this.personCount[slot] === 0) {
      this.personSlot.delete(this.personIds[slot] as string);
      this.personIds[slot] = null;
      this.freeSlots.push(slot);
    }
  }

  private grow(): void {
    const capacity = (this.matrix.length / this.dim) * 2;
    const m = new Float32Array(capacity * this.dim);
    m.set(this.matrix);
    this.matrix = m;
    const rp = new Int32Array(capacity);
    rp.set(this.rowPerson);
    this.rowPerson = rp;
  }
}
