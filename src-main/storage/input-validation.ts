// Repository inputs are validated with zod at the storage boundary and reported as InvalidInputError.
import type { z } from 'zod';
import { InvalidInputError } from './errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new InvalidInputError(`invalid ${what}`, r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  return r.data;
}

/** JSON column reader: columns are written only by us, so a parse failure means corruption, not user error. */
export function readJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
