// Per-person data export for access requests (GDPR art. 15): one zip with `person.json` (profile, consents,
// template metadata, detection events, attendance, audit entries about the person) and the images Vigil holds of
// them (enrolment photos, face crops of their events). Full-frame snapshots are left out: they show other people.
import { readFile } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import yazl from 'yazl';
import { VigilError } from '../../src-contract/errors.ts';
import { resolveInDataDir } from '../storage/data-paths.ts';

const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
const json = (s: string | null): unknown => (s == null ? null : JSON.parse(s));

export interface PersonExport {
  filename: string;
  mime: 'application/zip';
  data: Buffer;
  files: number;
  missingFiles: number;
}

interface Img { zipPath: string; rel: string }

/** Reads everything in one read snapshot, then the files, and zips them in memory. */
export async function exportPersonData(reader: Database.Database, dataDir: string, personId: string, now = Date.now()): Promise<PersonExport> {
  const images: Img[] = [];
  const imageRef = (rel: string | null, zipPath: string): string | null => {
    if (!rel) return null;
    images.push({ zipPath, rel });
    return zipPath;
  };
  const doc = reader.transaction(() => {
    const person = reader.prepare<[string], Record<string, unknown> & { created_at: number; updated_at: number; watchlist: number }>('SELECT * FROM persons WHERE id = ?').get(personId);
    if (!person) throw new VigilError('NOT_FOUND', `person ${personId} not found`);
    const all = <T>(sql: string): T[] => reader.prepare<[string], T>(sql).all(personId);
    type Tpl = { id: string; dim: number; model: string | null; quality_json: string; source_path: string | null; source_kind: string; source_event_id: string | null; outlier: number; created_by: string | null; created_at: number };
    type Ev = { id: string; camera_id: string | null; camera_name: string; started_at: number; ended_at: number | null; decided_at: number | null; decision: string; confidence: number | null; distance: number | null; face_snapshot: string | null; frame_snapshot: string | null; flags_json: string; acknowledged_by: string | null; corrected_by: string | null; correction_json: string | null };
    const templates = all<Tpl>('SELECT id, dim, model, quality_json, source_path, source_kind, source_event_id, outlier, created_by, created_at FROM face_templates WHERE person_id = ? ORDER BY created_at');
    const events = all<Ev>('SELECT * FROM detection_events WHERE person_id = ? ORDER BY started_at');
    return {
      exported_at: iso(now),
      format: 'vigil-person-export/1',
      note: 'Face templates are stored as numeric embeddings derived from the photos; the photos themselves are included under images/. Full-frame snapshots are omitted because they show other people.',
      person: { ...person, watchlist: person.watchlist === 1, created_at: iso(person.created_at), updated_at: iso(person.updated_at) },
      consents: all<{ type: string; status: string; granted_at: number | null; expires_at: number | null; document_version: string | null; updated_at: number; updated_by: string | null }>(
        'SELECT * FROM consents WHERE person_id = ? ORDER BY type',
      ).map((c) => ({ ...c, granted_at: iso(c.granted_at), expires_at: iso(c.expires_at), updated_at: iso(c.updated_at) })),
      templates: templates.map((t) => ({
        id: t.id, model: t.model, embedding_dimensions: t.dim, quality: json(t.quality_json), source: t.source_kind, source_event_id: t.source_event_id,
        outlier: t.outlier === 1, created_by: t.created_by, created_at: iso(t.created_at), image: imageRef(t.source_path, `images/templates/${t.id}.jpg`),
      })),
      detection_events: events.map((e) => ({
        id: e.id, camera_id: e.camera_id, camera_name: e.camera_name, started_at: iso(e.started_at), ended_at: iso(e.ended_at), decided_at: iso(e.decided_at),
        decision: e.decision, confidence: e.confidence, distance: e.distance, flags: json(e.flags_json), acknowledged_by: e.acknowledged_by,
        corrected_by: e.corrected_by, correction: json(e.correction_json), face_image: imageRef(e.face_snapshot, `images/events/${e.id}-face.jpg`),
      })),
      attendance: {
        days: all<Record<string, unknown> & { check_in: number | null; check_out: number | null; computed_at: number; record_json: string }>('SELECT * FROM attendance_days WHERE person_id = ? ORDER BY day')
          .map(({ record_json: _r, ...d }) => ({ ...d, check_in: iso(d.check_in), check_out: iso(d.check_out), computed_at: iso(d.computed_at) })),
        punches: all<Record<string, unknown> & { at: number; created_at: number }>('SELECT * FROM attendance_punches WHERE person_id = ? ORDER BY at')
          .map((p) => ({ ...p, at: iso(p.at), created_at: iso(p.created_at) })),
        corrections: all<Record<string, unknown> & { created_at: number; value_json: string; previous_json: string }>('SELECT * FROM attendance_corrections WHERE person_id = ? ORDER BY created_at')
          .map(({ value_json, previous_json, ...c }) => ({ ...c, value: json(value_json), previous: json(previous_json), created_at: iso(c.created_at) })),
      },
      audit: all<{ id: number; at: number; audit_type: string; username: string | null; action: string; resource: string; result: string; reason: string | null }>(
        'SELECT id, at, audit_type, username, action, resource, result, reason FROM audit_log WHERE person_id = ? ORDER BY id',
      ).map((a) => ({ ...a, at: iso(a.at) })),
    };
  })();

  const zip = new yazl.ZipFile();
  let missing = 0;
  let files = 0;
  const mtime = new Date(now);
  for (const img of images) {
    try {
      zip.addBuffer(await readFile(resolveInDataDir(dataDir, img.rel)), img.zipPath, { mtime, compress: false });
      files++;
    } catch {
      missing++;
    }
  }
  zip.addBuffer(Buffer.from(JSON.stringify({ ...doc, missing_images: missing }, null, 2)), 'person.json', { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const stamp = new Date(now).toISOString().slice(0, 10);
  return { filename: `vigil-person-${personId}-${stamp}.zip`, mime: 'application/zip', data: Buffer.concat(chunks), files, missingFiles: missing };
}
