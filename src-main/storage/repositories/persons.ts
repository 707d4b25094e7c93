// Enrolled people. employee_id is unique; deleting a person cascades to templates, punches and attendance, and
// clears person_id on events (erasure of files and audit is the API layer's job, through pending_file_deletions).
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { NotFoundError, translateSqliteError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../input-validation.ts';
import type { Connections } from './connections.ts';

export const PersonFieldsSchema = z.object({
  employee_id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(160),
  department: z.string().trim().max(120).default(''),
  status: z.enum(['active', 'inactive']).default('active'),
  watchlist: z.boolean().default(false),
  shift_id: z.string().min(1).max(64).nullable().default(null),
  notes: z.string().max(2000).nullable().default(null),
  /** First day attendance counts (YYYY-MM-DD, site zone); null = the day the person was enrolled. */
  start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').nullable().default(null),
  /** Seeded by the demo: shown as demo and removable with the rest of the demo data. */
  demo: z.boolean().default(false),
});
export type PersonFieldsInput = z.input<typeof PersonFieldsSchema>;

export interface PersonRecord {
  id: string;
  employeeId: string;
  name: string;
  department: string;
  status: 'active' | 'inactive';
  watchlist: boolean;
  shiftId: string | null;
  notes: string | null;
  startDate: string | null;
  demo: boolean;
  templateCount: number;
  createdAt: number;
  updatedAt: number;
}

interface PersonRow {
  id: string;
  employee_id: string;
  name: string;
  department: string | null;
  status: 'active' | 'inactive';
  watchlist: number;
  shift_id: string | null;
  notes: string | null;
  start_date: string | null;
  demo: number;
  template_count: number;
  created_at: number;
  updated_at: number;
}

export interface PersonListQuery {
  /** Matches name or employee id (case-insensitive substring). */
  query?: string;
  department?: string;
  status?: 'active' | 'inactive' | 'all';
  watchlist?: boolean;
  demo?: boolean;
  limit?: number;
  /** Keyset cursor: the `nextCursor` of the previous page. */
  cursor?: string | null;
}

const SELECT = `SELECT p.*, (SELECT count(*) FROM face_templates t WHERE t.person_id = p.id) AS template_count FROM persons p`;

export class PersonsRepository {
  readonly #reader;
  readonly #get;
  readonly #getW;
  readonly #byEmployee;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #withShift;

  constructor(db: Connections) {
    this.#withShift = db.reader.prepare<[], { id: string; shift_id: string; start_date: string | null; created_at: number }>(
      "SELECT id, shift_id, start_date, created_at FROM persons WHERE status = 'active' AND shift_id IS NOT NULL ORDER BY id",
    );
    this.#reader = db.reader;
    this.#get = db.reader.prepare<[string], PersonRow>(`${SELECT} WHERE p.id = ?`);
    this.#getW = db.writer.prepare<[string], PersonRow>(`${SELECT} WHERE p.id = ?`);
    this.#byEmployee = db.reader.prepare<[string], PersonRow>(`${SELECT} WHERE p.employee_id = ?`);
    this.#insert = db.writer.prepare(
      `INSERT INTO persons (id, employee_id, name, department, status, watchlist, shift_id, notes, start_date, demo, created_at, updated_at)
       VALUES (@id, @employee_id, @name, @department, @status, @watchlist, @shift_id, @notes, @start_date, @demo, @now, @now)`,
    );
    this.#update = db.writer.prepare(
      `UPDATE persons SET employee_id = @employee_id, name = @name, department = @department, status = @status,
       watchlist = @watchlist, shift_id = @shift_id, notes = @notes, start_date = @start_date, demo = @demo, updated_at = @now WHERE id = @id`,
    );
    this.#delete = db.writer.prepare('DELETE FROM persons WHERE id = ?');
  }

  create(input: PersonFieldsInput, now = Date.now()): PersonRecord {
    const v = parseInput(PersonFieldsSchema, input, 'person');
    const id = newId('per');
    try {
      this.#insert.run({ ...v, id, watchlist: v.watchlist ? 1 : 0, demo: v.demo ? 1 : 0, now });
    } catch (err) {
      translateSqliteError(err, `person ${v.employee_id}`);
    }
    return this.#mustGetW(id);
  }

  update(id: string, patch: Partial<PersonFieldsInput>, now = Date.now()): PersonRecord {
    const row = this.#getW.get(id);
    if (!row) throw new NotFoundError('person', id);
    const current = { employee_id: row.employee_id, name: row.name, department: row.department ?? '', status: row.status, watchlist: row.watchlist === 1, shift_id: row.shift_id, notes: row.notes, start_date: row.start_date, demo: row.demo === 1 };
    const v = parseInput(PersonFieldsSchema, { ...current, ...stripUndefined(patch) }, 'person');
    try {
      this.#update.run({ ...v, id, watchlist: v.watchlist ? 1 : 0, demo: v.demo ? 1 : 0, now });
    } catch (err) {
      translateSqliteError(err, `person ${v.employee_id}`);
    }
    return this.#mustGetW(id);
  }

  get(id: string): PersonRecord | null {
    const row = this.#get.get(id);
    return row ? toRecord(row) : null;
  }

  getByEmployeeId(employeeId: string): PersonRecord | null {
    const row = this.#byEmployee.get(employeeId);
    return row ? toRecord(row) : null;
  }

  /** Pages ordered by (name, id). */
  list(q: PersonListQuery = {}): { items: PersonRecord[]; nextCursor: string | null } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.query) {
      where.push(`(p.name LIKE @like ESCAPE '\\' OR p.employee_id LIKE @like ESCAPE '\\')`);
      params.like = `%${q.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (q.department) {
      // Case-insensitive substring: "sales" finds "Sales" and "Inside sales".
      where.push(`lower(p.department) LIKE @dept ESCAPE '\\'`);
      params.dept = `%${q.department.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (q.demo !== undefined) {
      where.push('p.demo = @demo');
      params.demo = q.demo ? 1 : 0;
    }
    if (q.status && q.status !== 'all') {
      where.push('p.status = @status');
      params.status = q.status;
    }
    if (q.watchlist !== undefined) {
      where.push('p.watchlist = @watchlist');
      params.watchlist = q.watchlist ? 1 : 0;
    }
    if (q.cursor) {
      const [name, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push('(p.name > @cname OR (p.name = @cname AND p.id > @cid))');
      params.cname = name;
      params.cid = id;
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    params.limit = limit + 1;
    const rows = this.#reader.prepare<Record<string, unknown>, PersonRow>(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.name, p.id LIMIT @limit`,
    ).all(params);
    const items = rows.slice(0, limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
  }

  /** Active people who have a shift: the ones who can be absent. */
  activeWithShift(): Array<{ id: string; shiftId: string; startDate: string | null; createdAt: number }> {
    return this.#withShift.all().map((r) => ({ id: r.id, shiftId: r.shift_id, startDate: r.start_date, createdAt: r.created_at }));
  }

  /** Ids of the people the demo seeded. */
  demoIds(): string[] {
    return this.#reader.prepare<[], { id: string }>('SELECT id FROM persons WHERE demo = 1 ORDER BY id').all().map((r) => r.id);
  }

  /** Matching ids for a bulk action (assign a shift by department: case-insensitive substring, like list()). */
  idsInDepartment(department: string): string[] {
    const like = `%${department.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.#reader.prepare<[string], { id: string }>(`SELECT id FROM persons WHERE lower(department) LIKE ? ESCAPE '\\' ORDER BY id`).all(like).map((r) => r.id);
  }

  remove(id: string): void {
    if (this.#delete.run(id).changes === 0) throw new NotFoundError('person', id);
  }

  #mustGetW(id: string): PersonRecord {
    const row = this.#getW.get(id);
    if (!row) throw new NotFoundError('person', id);
    return toRecord(row);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toRecord(r: PersonRow): PersonRecord {
  return {
    id: r.id, employeeId: r.employee_id, name: r.name, department: r.department ?? '', status: r.status,
    watchlist: r.watchlist === 1, shiftId: r.shift_id, notes: r.notes, startDate: r.start_date, demo: r.demo === 1, templateCount: r.template_count,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
