// Paths stored in rows are relative to the data directory; this resolves them without letting one escape it.
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { InvalidInputError } from './errors.ts';

export function resolveInDataDir(dataDir: string, rel: string): string {
  if (!rel || isAbsolute(rel) || rel.includes('\0')) throw new InvalidInputError(`invalid data path "${rel}"`);
  const abs = normalize(join(dataDir, rel));
  const r = relative(dataDir, abs);
  if (r === '' || r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r)) throw new InvalidInputError(`data path "${rel}" leaves the data directory`);
  return abs;
}
