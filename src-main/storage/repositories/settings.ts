// Key → JSON settings. Values are validated with a zod schema on the way in and on the way out (a value written
// by an older version that no longer validates falls back to the default instead of breaking start-up).
import type { z } from 'zod';
import { parseInput } from '../input-validation.ts';
import type { Connections } from './connections.ts';

export interface SettingRow {
  key: string;
  value: unknown;
  updatedAt: number;
  updatedBy: string | null;
}

export class SettingsRepository {
  readonly #select;
  readonly #selectAll;
  readonly #upsert;
  readonly #delete;
  readonly #dataVersion;

  constructor(db: Connections, private readonly onInvalid: (key: string, err: unknown) => void = () => {}) {
    this.#select = db.reader.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?');
    this.#selectAll = db.reader.prepare<[], { key: string; value_json: string; updated_at: number; updated_by: string | null }>('SELECT * FROM settings ORDER BY key');
    this.#upsert = db.writer.prepare(
      `INSERT INTO settings (key, value_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.#delete = db.writer.prepare('DELETE FROM settings WHERE key = ?');
    this.#dataVersion = db.reader.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** Changes whenever another connection (the writer) committed since: what the reader sees may have changed. */
  dataVersion(): number {
    return this.#dataVersion.get() as number;
  }

  get<S extends z.ZodType>(key: string, schema: S, defaultValue: z.output<S>): z.output<S> {
    const row = this.#select.get(key);
    if (!row) return defaultValue;
    const parsed = schema.safeParse(JSON.parse(row.value_json));
    if (parsed.success) return parsed.data;
    this.onInvalid(key, parsed.error);
    return defaultValue;
  }

  set<S extends z.ZodType>(key: string, schema: S, value: unknown, updatedBy: string | null = null, now = Date.now()): z.output<S> {
    const v = parseInput(schema, value, `setting "${key}"`);
    this.#upsert.run(key, JSON.stringify(v), now, updatedBy);
    return v;
  }

  reset(key: string): void {
    this.#delete.run(key);
  }

  list(): SettingRow[] {
    return this.#selectAll.all().map((r) => ({ key: r.key, value: JSON.parse(r.value_json), updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }
}
