// Opaque keyset-pagination cursors: base64url JSON of the last row's sort key. Malformed input is a typed error.
import { InvalidInputError } from './errors.ts';

export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<const T extends ReadonlyArray<'string' | 'number'>>(
  cursor: string, shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw new InvalidInputError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this listing' }]);
  }
  return key as { [K in keyof T]: T[K] extends 'string' ? string : number };
}
