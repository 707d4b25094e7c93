// Repository records → the contract's shapes (src-contract/schemas.ts). Times become ISO strings; stored JSON
// that no longer fits the contract (an older quality shape) becomes null rather than a malformed reply.
import type { Consent, Person, VigilEvent } from '../../src-contract/schemas.ts';
import { QualitySchema } from '../../src-contract/schemas.ts';
import type { TemplateSchema } from '../../src-contract/schemas.ts';
import type { z } from 'zod';
import type { EventRecord } from './repositories/detection-events.ts';
import type { PersonRecord } from './repositories/persons.ts';
import type { TemplateRecord } from './repositories/face-templates.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : iso(ms));

export type Quality = z.infer<typeof QualitySchema>;
export type TemplateView = z.infer<typeof TemplateSchema>;

export function qualityOrNull(q: unknown): Quality | null {
  const r = QualitySchema.safeParse(q);
  return r.success ? r.data : null;
}

export function personView(p: PersonRecord, extra: { consent: Consent | null; thumbnail: string | null }): Person {
  return {
    id: p.id, employee_id: p.employeeId, name: p.name, department: p.department, status: p.status, watchlist: p.watchlist,
    shift_id: p.shiftId, start_date: p.startDate, demo: p.demo, template_count: p.templateCount, consent: extra.consent,
    created_at: iso(p.createdAt), updated_at: iso(p.updatedAt), thumbnail: extra.thumbnail,
  };
}

export function templateView(t: TemplateRecord): TemplateView {
  return {
    id: t.id, person_id: t.personId, image: t.sourcePath, source: t.sourceKind, created_by: t.createdBy,
    created_at: iso(t.createdAt), outlier: t.outlier,
    quality: qualityOrNull(t.quality) ?? { sharpness: 0, brightness: 0, size: 0, yaw: 0, pitch: 0, roll: 0, passed: true, reason: null },
  };
}

export function eventView(e: EventRecord): VigilEvent {
  return {
    id: e.id, camera_id: e.cameraId ?? 'removed', camera_name: e.cameraName,
    started_at: iso(e.startedAt), ended_at: isoOrNull(e.endedAt), decided_at: isoOrNull(e.decidedAt),
    decision: e.decision, person_id: e.personId, person_name: e.personName,
    confidence: e.confidence, distance: e.distance, margin: e.margin,
    box: e.box, frame_width: e.frameWidth ?? 0, frame_height: e.frameHeight ?? 0,
    face_snapshot: e.faceSnapshot, frame_snapshot: e.frameSnapshot,
    quality: qualityOrNull(e.quality), model: e.model,
    acknowledged_by: e.acknowledgedBy, corrected_by: e.correctedBy,
    correction: e.correction ? { from_person_id: e.correction.from_person_id, to_person_id: e.correction.to_person_id, reason: e.correction.reason } : null,
    flags: e.flags,
  };
}
