// Contract shapes of issue 12: persisted alerts, unknown-person clusters and the "wrong match" review queue.
import { z } from 'zod';
import { EnrolmentVerdictSchema, EventSchema, IdSchema, IsoTimeSchema, MediaRefSchema, PersonSchema } from './schemas.ts';

/** `storage_full`: held in memory by the host while the data disk is full (not stored; resolved when writes work). */
export const AlertKindSchema = z.enum(['unknown_person', 'watchlist', 'camera_offline', 'storage_full']);
export const AlertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);

/** A stranger seen again and again: "Unknown #12 — 3 visits today". */
export const ClusterSummarySchema = z.object({ id: IdSchema, number: z.number().int(), label: z.string(), visits: z.number().int(), visits_today: z.number().int() });

export const AlertSchema = z.object({
  id: IdSchema, kind: AlertKindSchema,
  /** The visit the alert is about (null for camera alerts). */
  event: EventSchema.nullable(),
  at: IsoTimeSchema,
  state: AlertStateSchema.optional(),
  camera_id: z.string().nullable().optional(),
  camera_name: z.string().optional(),
  message: z.string().optional(),
  cluster: ClusterSummarySchema.nullable().optional(),
  acknowledged_by: z.string().nullable().optional(),
  resolved_reason: z.string().nullable().optional(),
  updated_at: IsoTimeSchema.optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const ClusterVisitSchema = z.object({ event_id: IdSchema, camera_id: z.string().nullable(), at: IsoTimeSchema, similarity: z.number().nullable(), face_snapshot: MediaRefSchema.nullable() });
export const ClusterSchema = ClusterSummarySchema.extend({
  status: z.enum(['open', 'enrolled', 'merged', 'dismissed']),
  first_seen: IsoTimeSchema, last_seen: IsoTimeSchema,
  person_id: IdSchema.nullable(),
  /** Best face crops (best first), for the admin to judge and enrol from. */
  crops: z.array(z.object({ event_id: IdSchema, face_snapshot: MediaRefSchema })),
  cameras: z.array(z.string()),
});
export type Cluster = z.infer<typeof ClusterSchema>;

export const ReviewSchema = z.object({
  event: EventSchema, reported_by: z.string(), reported_at: IsoTimeSchema, note: z.string().nullable(),
  state: z.enum(['open', 'resolved', 'dismissed']),
});

export const ClusterEnrolResultSchema = z.object({ person: PersonSchema, verdicts: z.array(EnrolmentVerdictSchema), events_relabelled: z.number().int() });
