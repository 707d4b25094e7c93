// Data shapes that cross the renderer/integration ↔ host boundary. Times are ISO-8601 strings (UTC) on the wire.
import { z } from 'zod';
import { CameraConfigSchema, CameraStateSchema, CameraSourceSchema } from './camera-config.ts';

export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid id');
export const IsoTimeSchema = z.string().datetime({ offset: true });
export const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const RoleSchema = z.enum(['admin', 'guard', 'auditor']);
export type Role = z.infer<typeof RoleSchema>;

/** A file the host serves (snapshot, template photo); resolved to a URL by the client's transport. */
export const MediaRefSchema = z.string().regex(/^[A-Za-z0-9/_.-]{1,300}$/).refine((s) => !s.includes('..'), 'no ".."');

export const BoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]); // x, y, w, h in frame pixels

export const QualitySchema = z.object({
  sharpness: z.number(), brightness: z.number(), size: z.number(),
  yaw: z.number(), pitch: z.number(), roll: z.number(),
  passed: z.boolean(), reason: z.string().nullable(),
});

// ---- cameras
export const CameraStatsSchema = z.object({
  fps: z.number(), frames_captured: z.number(), frames_processed: z.number(), frames_dropped: z.number(),
  avg_latency_ms: z.number().nullable(), reconnections: z.number(), downtime_ms: z.number(),
  bandwidth_kbps: z.number().nullable(), last_error: z.string().nullable(),
  /** Frames that skipped the detector: nothing moved and no one was in view. */
  frames_skipped_static: z.number().optional(),
});
export const CameraViewSchema = CameraConfigSchema.extend({
  source: CameraSourceSchema.and(z.object({ has_password: z.boolean().optional() })),
  state: CameraStateSchema,
  next_retry_at: IsoTimeSchema.nullable(),
  stats: CameraStatsSchema,
  live_view: CameraConfigSchema.shape.live_view,
  /** How the UI gets the live picture: fMP4 over MSE, JPEG frames, or none. */
  live_transport: z.enum(['fmp4', 'mjpeg', 'none']),
});
export type CameraView = z.infer<typeof CameraViewSchema>;
export type CameraStats = z.infer<typeof CameraStatsSchema>;

export const CameraTestResultSchema = z.union([
  z.object({ ok: z.literal(true), frames: z.number(), fps: z.number(), width: z.number(), height: z.number(), codec: z.string(), first_frame_ms: z.number(),
    /** The source's nominal frame rate (null: the source does not say); `fps` / `analysed_fps` is what detection gets. */
    source_fps: z.number().nullable().optional(), analysed_fps: z.number().optional(),
    /** Size of the analysed frames (after detect_width scaling). */
    detect_width: z.number().optional(), detect_height: z.number().optional(),
    /** First frame as a data: URL (JPEG), for the "Test connection" preview. */
    preview: z.string().optional() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(['AUTH_FAILED', 'STREAM_UNAVAILABLE', 'TIMEOUT', 'UNSUPPORTED', 'INVALID_CONFIG']), message: z.string() }) }),
]);

// ---- people & enrolment
export const PersonStatusSchema = z.enum(['active', 'inactive']);
export const ConsentSchema = z.object({
  type: z.string().min(1).max(64).default('biometric_recognition'),
  status: z.enum(['granted', 'withdrawn', 'pending']),
  granted_at: IsoTimeSchema.nullable(),
  expires_at: IsoTimeSchema.nullable(),
  document_version: z.string().max(64).nullable(),
});
export const PersonInputSchema = z.object({
  employee_id: z.string().min(1).max(64),
  name: z.string().min(1).max(160),
  department: z.string().max(120).default(''),
  status: PersonStatusSchema.default('active'),
  watchlist: z.boolean().default(false),
  shift_id: IdSchema.nullable().default(null),
  /** First day attendance counts (site zone); null = the day the person was enrolled. */
  start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').nullable().default(null),
});
export const PersonSchema = PersonInputSchema.extend({
  id: IdSchema,
  /** Seeded by the demo (employee id DEMO-…): removable with "Remove demo data". */
  demo: z.boolean(),
  template_count: z.number().int(),
  consent: ConsentSchema.nullable(),
  created_at: IsoTimeSchema,
  updated_at: IsoTimeSchema,
  thumbnail: MediaRefSchema.nullable(),
});
export type Person = z.infer<typeof PersonSchema>;
export const TemplateSchema = z.object({
  id: IdSchema, person_id: IdSchema, quality: QualitySchema, image: MediaRefSchema.nullable(),
  source: z.enum(['photo', 'camera', 'correction']), created_by: z.string().nullable(), created_at: IsoTimeSchema,
  outlier: z.boolean(),
});
/** Engine verdict for one enrolment photo. */
export const EnrolmentVerdictSchema = z.object({
  name: z.string(),
  accepted: z.boolean(),
  template_id: IdSchema.nullable(),
  code: z.enum(['OK', 'NO_FACE', 'MULTIPLE_FACES', 'POOR_QUALITY', 'INVALID_IMAGE', 'DUPLICATE', 'OUTLIER']),
  reason: z.string().nullable(),
  faces: z.array(z.object({ box: BoxSchema, score: z.number(), quality: QualitySchema })),
});
export type EnrolmentVerdict = z.infer<typeof EnrolmentVerdictSchema>;

// ---- live detections and tracks
export const DecisionSchema = z.enum(['pending', 'recognized', 'unknown']);
export const LiveFaceSchema = z.object({
  track_id: z.string(), box: BoxSchema, score: z.number(),
  decision: DecisionSchema, person_id: IdSchema.nullable(), name: z.string().nullable(),
  confidence: z.number().nullable(), watchlist: z.boolean(),
});
export const LiveFrameSchema = z.object({
  camera_id: IdSchema, seq: z.number().int(), frame_width: z.number(), frame_height: z.number(),
  /** Camera time of the analysed frame (ms since epoch) so the UI can align boxes with the video. */
  captured_at_ms: z.number(), faces: z.array(LiveFaceSchema),
  /** Presentation time of the analysed frame in the camera's fMP4 live video (seconds), when known. */
  media_time_s: z.number().nullable().optional(),
});
export type LiveFrame = z.infer<typeof LiveFrameSchema>;

export const EventSchema = z.object({
  id: IdSchema, camera_id: IdSchema, camera_name: z.string(),
  started_at: IsoTimeSchema, ended_at: IsoTimeSchema.nullable(), decided_at: IsoTimeSchema.nullable(),
  decision: DecisionSchema, person_id: IdSchema.nullable(), person_name: z.string().nullable(),
  confidence: z.number().nullable(), distance: z.number().nullable(), margin: z.number().nullable(),
  box: BoxSchema, frame_width: z.number(), frame_height: z.number(),
  face_snapshot: MediaRefSchema.nullable(), frame_snapshot: MediaRefSchema.nullable(),
  quality: QualitySchema.nullable(), model: z.string().nullable(),
  acknowledged_by: z.string().nullable(), corrected_by: z.string().nullable(),
  correction: z.object({ from_person_id: IdSchema.nullable(), to_person_id: IdSchema.nullable(), reason: z.string().nullable() }).nullable(),
  flags: z.array(z.enum(['watchlist', 'no_consent', 'low_quality', 'liveness_failed'])),
});
export type VigilEvent = z.infer<typeof EventSchema>;

// ---- attendance
export const AttendanceDaySchema = z.object({
  person_id: IdSchema, person_name: z.string(), employee_id: z.string(), department: z.string(), date: DateSchema,
  check_in: IsoTimeSchema.nullable(), check_out: IsoTimeSchema.nullable(),
  status: z.enum(['present', 'late', 'absent', 'off', 'in_progress']),
  late_minutes: z.number(), early_leave_minutes: z.number(), worked_minutes: z.number(),
  corrected: z.boolean(),
  /** Any-role cameras: the last sighting after the check-in, while it is not yet the check-out. */
  last_seen: IsoTimeSchema.nullable().optional(),
});
export type AttendanceDay = z.infer<typeof AttendanceDaySchema>;
export const ShiftSchema = z.object({
  id: IdSchema, name: z.string().min(1).max(80),
  start: z.string().regex(/^\d{2}:\d{2}$/), end: z.string().regex(/^\d{2}:\d{2}$/),
  grace_minutes: z.number().int().min(0).max(240), days: z.array(z.number().int().min(1).max(7)).min(1),
});

// ---- users, tokens, audit, system
export const UserSchema = z.object({ id: IdSchema, username: z.string(), role: RoleSchema, disabled: z.boolean(), created_at: IsoTimeSchema, last_login_at: IsoTimeSchema.nullable() });
export const TokenSchema = z.object({ id: IdSchema, name: z.string(), scopes: z.array(z.enum(['read', 'write', 'frames'])), created_at: IsoTimeSchema, last_used_at: IsoTimeSchema.nullable(), revoked: z.boolean() });
export const AuditRecordSchema = z.object({
  id: z.number().int(), at: IsoTimeSchema, user_id: z.string().nullable(), username: z.string().nullable(),
  action: z.string(), resource: z.string(), person_id: z.string().nullable(), origin: z.string().nullable(),
  result: z.enum(['success', 'denied', 'error']), reason: z.string().nullable(), hash: z.string(),
  /** Spec §8.4 audit_type, and small structured facts (consent fields, counts). */
  audit_type: z.enum(['data_access', 'data_modification', 'authentication', 'consent', 'system']).optional(),
  details: z.record(z.string(), z.unknown()).nullable().optional(),
});
export const ModelHealthSchema = z.object({
  id: z.string(), family: z.string(), file: z.string(), requested_providers: z.array(z.string()), provider: z.string(),
  fell_back: z.boolean(), warmup_ms: z.number().nullable(), p50_ms: z.number().nullable(), p95_ms: z.number().nullable(),
  runs: z.number(), errors: z.number(), last_error: z.string().nullable(),
});
export const SettingsSchema = z.object({
  timezone: z.string().min(1).max(64),
  /** BCP 47 locale for reports and exports (dates, times, numbers), e.g. "en-GB", "de-DE". */
  locale: z.string().min(2).max(35).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 locale such as en-GB'),
  recognition: z.object({ target_far: z.number().min(1e-6).max(0.2), min_votes: z.number().int().min(1).max(50), unknown_alerts: z.boolean(),
    /** Seconds one person may be out of sight on one camera and still be the same visit (one event row); absent: the
     *  host's default (30). Applied to running cameras at once. */
    visit_gap_seconds: z.number().int().min(1).max(3600).optional(),
    /** Days an unknown person's cluster is remembered after it was last seen (rolling window); absent: the host's default (7). */
    unknown_cluster_window_days: z.number().int().min(1).max(365).optional() }),
  consent_policy: z.enum(['block', 'flag']),
  retention_days: z.object({ events: z.number().int().min(1).max(3650), unknown_snapshots: z.number().int().min(1).max(3650), audit: z.number().int().min(30).max(36500) }),
  erasure_events: z.enum(['anonymise', 'delete']),
  attendance: z.object({ min_punch_gap_minutes: z.number().int().min(0).max(720),
    /** Any-role cameras: the last sighting becomes the check-out once the person has not been seen for this long after
     *  it and after the shift's end (with no shift: at the end of the day). Until then they are "In now". */
    any_camera_quiet_minutes: z.number().int().min(0).max(720).default(60) }),
  engine: z.object({ threads: z.number().int().min(1).max(64), providers: z.array(z.enum(['cuda', 'dml', 'coreml', 'cpu'])).min(1),
    /** manifest id of the embedder (absent: the manifest default); change it with embedders.select, which re-embeds */
    embedder: z.string().min(1).max(120).optional(),
    /** Engine processes (1-8); absent or 0: automatic (engineWorkersFor in the host: 2 on 2 cores, measured in
     *  docs/throughput.md). The environment's VIGIL_ENGINE_WORKERS overrides both. Applied at once (processes start/stop). */
    workers: z.number().int().min(0).max(8).optional() }),
  api: z.object({ bind: z.string().max(64),
    /** Hosts (names or addresses) async-job callbacks may reach although they resolve to loopback, private or
     *  link-local addresses. Empty/absent: callbacks go to public addresses only (SSRF guard). */
    callback_private_hosts: z.array(z.string().min(1).max(255)).max(50).optional() }),
  alerts: z.object({ sound: z.boolean() }),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const StatisticsSchema = z.object({
  period: z.string(),
  frames_analysed: z.number(), faces_detected: z.number(), recognized: z.number(), unknown: z.number(),
  attendance_records: z.number(), avg_processing_ms: z.number().nullable(), dropped_frames: z.number(),
  queue_depth: z.number(),
  /** Frames that skipped the detector because nothing moved and no one was in view (motion gating). */
  skipped_static_frames: z.number().optional(),
  per_camera: z.array(z.object({ camera_id: IdSchema, frames_analysed: z.number(), faces_detected: z.number(), recognized: z.number(), unknown: z.number(), fps: z.number() })),
});

export const PageSchema = z.object({ limit: z.number().int().min(1).max(500).default(50), cursor: z.string().max(200).optional() });
export const pageOf = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable(), total: z.number().int().optional() });

// Type aliases for the shapes above (for clients; no runtime effect).
export type User = z.infer<typeof UserSchema>;
export type Token = z.infer<typeof TokenSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type ModelHealth = z.infer<typeof ModelHealthSchema>;
export type Shift = z.infer<typeof ShiftSchema>;
export type Statistics = z.infer<typeof StatisticsSchema>;
export type Consent = z.infer<typeof ConsentSchema>;
export type Quality = z.infer<typeof QualitySchema>;
export type Template = z.infer<typeof TemplateSchema>;
export type PersonInput = z.input<typeof PersonInputSchema>;
export type Decision = z.infer<typeof DecisionSchema>;
