// Work shifts: local start/end times (end <= start means the shift runs overnight), grace minutes for lateness,
// and the ISO weekdays (1 = Monday) on which a shift starts.
import { z } from 'zod';
import { NotFoundError, translateSqliteError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../input-validation.ts';
import type { Connections } from './connections.ts';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00-23:59');

export const ShiftFieldsSchema = z.object({
  name: z.string().trim().min(1).max(80),
  start: HHMM,
  end: HHMM,
  grace_minutes: z.number().int().min(0).max(240).default(0),
  days: z.array(z.number().int().min(1).max(7)).min(1).transform((d) => [...new Set(d)].sort()),
}).refine((s) => s.start !== s.end, { message: 'start and end must differ', path: ['end'] });
export type ShiftFieldsInput = z.input<typeof ShiftFieldsSchema>;

export interface Shift {
  id: string;
  name: string;
  start: string;
  end: string;
  graceMinutes: number;
  days: number[];
}

interface ShiftRow { id: string; name: string; start_time: string; end_time: string; grace_minutes: number; days_json: string }

export class ShiftsRepository {
  readonly #get;
  readonly #list;
  readonly #insert;
  readonly #update;
  readonly #delete;

  constructor(db: Connections) {
    this.#get = db.reader.prepare<[string], ShiftRow>('SELECT * FROM shifts WHERE id = ?');
    this.#list = db.reader.prepare<[], ShiftRow>('SELECT * FROM shifts ORDER BY name');
    this.#insert = db.writer.prepare(
      `INSERT INTO shifts (id, name, start_time, end_time, grace_minutes, days_json, created_at, updated_at)
       VALUES (@id, @name, @start, @end, @grace_minutes, @days, @now, @now)`,
    );
    this.#update = db.writer.prepare(
      'UPDATE shifts SET name = @name, start_time = @start, end_time = @end, grace_minutes = @grace_minutes, days_json = @days, updated_at = @now WHERE id = @id',
    );
    this.#delete = db.writer.prepare('DELETE FROM shifts WHERE id = ?');
  }

  /** Creates, or replaces the shift with `id` when given. */
  upsert(input: ShiftFieldsInput & { id?: string }, now = Date.now()): Shift {
    const v = parseInput(ShiftFieldsSchema, input, 'shift');
    const id = input.id ?? newId('shf');
    const params = { ...v, id, days: JSON.stringify(v.days), now };
    try {
      if (!input.id || this.#update.run(params).changes === 0) this.#insert.run(params);
    } catch (err) {
      translateSqliteError(err, `shift ${v.name}`);
    }
    return { id, name: v.name, start: v.start, end: v.end, graceMinutes: v.grace_minutes, days: v.days };
  }

  get(id: string): Shift | null {
    const r = this.#get.get(id);
    return r ? toShift(r) : null;
  }

  list(): Shift[] {
    return this.#list.all().map(toShift);
  }

  remove(id: string): void {
    if (this.#delete.run(id).changes === 0) throw new NotFoundError('shift', id);
  }
}

function toShift(r: ShiftRow): Shift {
  return { id: r.id, name: r.name, start: r.start_time, end: r.end_time, graceMinutes: r.grace_minutes, days: JSON.parse(r.days_json) as number[] };
}
