// Bulk enrolment plans: from a folder tree (one sub-folder per person, optionally grouped by department folders)
// or from a CSV (employee_id, name, department, photos) plus the photo files. Pure: works on file paths only.
import { parse } from 'csv-parse/browser/esm/sync';

export interface PlanFile { path: string; size: number }
export interface BulkRow<F extends PlanFile> {
  employee_id: string; name: string; department: string; watchlist: boolean; photos: F[];
  /** The folder the row came from (folder mode), shown beside the parsed id and name. */
  folder?: string;
  /** The id was made up from the name: the admin should check it before importing. */
  idGuessed?: boolean;
}
export type ProblemCode = 'no_photos' | 'missing_photo' | 'bad_row' | 'too_many_photos' | 'duplicate_id' | 'loose_photo' | 'bad_csv';
export interface Problem { where: string; code: ProblemCode; detail?: string }
export interface BulkPlan<F extends PlanFile> { rows: BulkRow<F>[]; problems: Problem[]; source: 'folder' | 'csv' }

export const MAX_PHOTOS_PER_PERSON = 10;
const IMAGE = /\.(jpe?g|png|webp|bmp)$/i;

const parts = (path: string) => path.split(/[\\/]/).filter(Boolean);
const basename = (path: string) => parts(path).at(-1) ?? path;

// An employee id: optional letters, an optional hyphen/dot, then digits (and more hyphen/dot segments that
// contain a digit): "E-1001", "EMP-0042", "E1001", "1003", "A12-B3". Names never contain digits, so this is safe.
const ID = String.raw`[A-Za-z]{0,10}[-.]?\d[A-Za-z0-9]*(?:[-.][A-Za-z0-9]*\d[A-Za-z0-9]*)*`;
const ID_FIRST = new RegExp(String.raw`^(${ID})\s*(?:[-–—_,:]+\s*|\s+)(\D.*)$`);
const ID_LAST = new RegExp(String.raw`^(\D.*?)\s*(?:[-–—_,:]+\s*|\s+)\(?(${ID})\)?$`);

/**
 * "E-1001 - Ada Lovelace", "E-3001 Arnold Schwarzenegger", "EMP-0042 - John Smith", "E1002_Alan Turing",
 * "Ada Lovelace (E-1001)" → id + name. A folder without an id ("Ada Lovelace") gets a made-up id from the name,
 * flagged `idGuessed` so the preview asks the admin to check it.
 */
export function parsePersonFolder(folder: string): { employee_id: string; name: string; idGuessed: boolean } {
  const text = folder.trim().replace(/\s+/g, ' ');
  const tidy = (name: string) => name.replace(/^[\s\-–—_,:]+|[\s\-–—_,:]+$/g, '').replace(/_/g, ' ').trim();
  let m = ID_FIRST.exec(text);
  if (m && tidy(m[2])) return { employee_id: m[1].toUpperCase(), name: tidy(m[2]), idGuessed: false };
  m = ID_LAST.exec(text);
  if (m && tidy(m[1])) return { employee_id: m[2].toUpperCase(), name: tidy(m[1]), idGuessed: false };
  const slug = text.toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^\w]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return { employee_id: slug || text.slice(0, 64), name: tidy(text) || text, idGuessed: true };
}

function capPhotos<F extends PlanFile>(row: BulkRow<F>, problems: Problem[]): BulkRow<F> {
  if (row.photos.length > MAX_PHOTOS_PER_PERSON) {
    problems.push({ where: row.name, code: 'too_many_photos', detail: String(row.photos.length) });
    return { ...row, photos: row.photos.slice(0, MAX_PHOTOS_PER_PERSON) };
  }
  return row;
}

export function planFromFolder<F extends PlanFile>(files: F[]): BulkPlan<F> {
  const problems: Problem[] = [];
  const byFolder = new Map<string, { department: string; folder: string; photos: F[] }>();
  // Person folders that hold files but no photo: reported, never skipped silently.
  const withoutPhotos = new Map<string, string>();
  for (const f of files) {
    const p = parts(f.path);
    if (!IMAGE.test(f.path)) {
      if (p.length >= 3 && !/\.csv$/i.test(f.path) && !/^\./.test(p[p.length - 1])) withoutPhotos.set(p.slice(0, -1).join('/'), p[p.length - 2]);
      continue;
    }
    // p = [picked root, ...departments, person folder, file]; a photo right under the root has no person.
    if (p.length < 3) { problems.push({ where: f.path, code: 'loose_photo' }); continue; }
    const folder = p[p.length - 2];
    const key = p.slice(0, -1).join('/');
    const entry = byFolder.get(key) ?? { department: p.slice(1, -2).join(' / '), folder, photos: [] };
    entry.photos.push(f);
    byFolder.set(key, entry);
  }
  for (const [key, folder] of withoutPhotos) {
    // A department folder holds person folders, not photos: only a leaf without images is a person without photos.
    const isParent = [...byFolder.keys()].some((k) => k.startsWith(`${key}/`));
    if (!byFolder.has(key) && !isParent) problems.push({ where: folder, code: 'no_photos' });
  }
  const rows: BulkRow<F>[] = [];
  const ids = new Set<string>();
  for (const { department, folder, photos } of byFolder.values()) {
    const { employee_id, name, idGuessed } = parsePersonFolder(folder);
    if (ids.has(employee_id)) { problems.push({ where: folder, code: 'duplicate_id', detail: employee_id }); continue; }
    ids.add(employee_id);
    photos.sort((a, b) => a.path.localeCompare(b.path));
    rows.push(capPhotos({ employee_id, name, department, watchlist: false, photos, folder, idGuessed }, problems));
  }
  rows.sort((a, b) => a.employee_id.localeCompare(b.employee_id));
  return { rows, problems, source: 'folder' };
}

const COLUMN_ALIASES: Record<string, string> = {
  employee_id: 'employee_id', id: 'employee_id', employee: 'employee_id', 'employee id': 'employee_id',
  name: 'name', full_name: 'name', 'full name': 'name',
  department: 'department', dept: 'department',
  photos: 'photos', photo: 'photos', files: 'photos', images: 'photos',
  watchlist: 'watchlist',
};

export function planFromCsv<F extends PlanFile>(csvText: string, files: F[]): BulkPlan<F> {
  const problems: Problem[] = [];
  let records: Record<string, string>[];
  try {
    records = parse(csvText, {
      columns: (header: string[]) => header.map((h) => COLUMN_ALIASES[h.trim().toLowerCase()] ?? h.trim().toLowerCase()),
      skip_empty_lines: true, trim: true, bom: true, relax_column_count: true,
    }) as Record<string, string>[];
  } catch (err) {
    return { rows: [], problems: [{ where: 'CSV', code: 'bad_csv', detail: err instanceof Error ? err.message : String(err) }], source: 'csv' };
  }
  const images = files.filter((f) => IMAGE.test(f.path));
  const byName = new Map<string, F[]>();
  for (const f of images) {
    const key = basename(f.path).toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), f]);
  }
  const rows: BulkRow<F>[] = [];
  const ids = new Set<string>();
  records.forEach((r, i) => {
    const line = `CSV line ${i + 2}`;
    const employee_id = (r.employee_id ?? '').trim();
    const name = (r.name ?? '').trim();
    if (!employee_id || !name) { problems.push({ where: line, code: 'bad_row', detail: !employee_id ? 'employee_id' : 'name' }); return; }
    if (ids.has(employee_id)) { problems.push({ where: line, code: 'duplicate_id', detail: employee_id }); return; }
    ids.add(employee_id);
    const photos: F[] = [];
    const listed = (r.photos ?? '').split(/[;|]/).map((s) => s.trim()).filter(Boolean);
    if (listed.length > 0) {
      for (const ref of listed) {
        const want = ref.replace(/\\/g, '/').toLowerCase();
        // Match by relative path suffix first (two photos may share a file name in different folders), then by name.
        const hit = images.find((f) => f.path.replace(/\\/g, '/').toLowerCase().endsWith(`/${want}`)) ?? byName.get(basename(want))?.[0];
        if (hit) photos.push(hit);
        else problems.push({ where: `${line} (${name})`, code: 'missing_photo', detail: ref });
      }
    } else {
      // No photos column: take every image inside a folder named after the employee id.
      for (const f of images) if (parts(f.path).slice(0, -1).some((p) => p === employee_id)) photos.push(f);
    }
    if (photos.length === 0) { problems.push({ where: `${line} (${name})`, code: 'no_photos' }); return; }
    const watch = (r.watchlist ?? '').toLowerCase();
    rows.push(capPhotos({ employee_id, name, department: (r.department ?? '').trim(), watchlist: watch === 'true' || watch === 'yes' || watch === '1', photos }, problems));
  });
  return { rows, problems, source: 'csv' };
}

/** Picks CSV mode when a CSV is among the files, folder mode otherwise. */
export function planBulk<F extends PlanFile>(files: F[], csvText: string | null): BulkPlan<F> {
  return csvText === null ? planFromFolder(files) : planFromCsv(csvText, files);
}

/** Splits rows into requests that stay under a row count and a photo byte budget (base64 adds a third). */
export function batches<F extends PlanFile>(rows: BulkRow<F>[], maxRows = 10, maxBytes = 6 * 1024 * 1024): BulkRow<F>[][] {
  const out: BulkRow<F>[][] = [];
  let cur: BulkRow<F>[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = row.photos.reduce((n, f) => n + f.size, 0);
    if (cur.length > 0 && (cur.length >= maxRows || bytes + size > maxBytes)) { out.push(cur); cur = []; bytes = 0; }
    cur.push(row);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}
