// Row ids are prefixed UUIDs (the spec's `cam_…`, `per_…`, `evt_…` style): readable in logs, unguessable in URLs.
import { randomUUID } from 'node:crypto';

export type IdPrefix = 'cam' | 'per' | 'tpl' | 'trk' | 'sess' | 'evt' | 'pun' | 'cor' | 'shf' | 'alr' | 'ucl';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomUUID()}`;
}
