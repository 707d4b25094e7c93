// The one typed contract between clients (the console UI over Electron IPC or HTTP/WebSocket, and integrations)
// and the host. Each method names its input and output schema and the roles allowed to call it; every transport
// validates inputs with these schemas and checks roles before the host sees the call.
import { z } from 'zod';
import { CameraConfigSchema, CameraIdSchema, VideoDeviceSchema } from './camera-config.ts';
import {
  AttendanceDaySchema, AuditRecordSchema, CameraTestResultSchema, CameraViewSchema, ConsentSchema, DateSchema,
  EnrolmentVerdictSchema, EventSchema, IdSchema, IsoTimeSchema, LiveFrameSchema, ModelHealthSchema, PageSchema,
  PersonInputSchema, PersonSchema, RoleSchema, SettingsSchema, ShiftSchema, StatisticsSchema, TemplateSchema,
  TokenSchema, UserSchema, pageOf,
} from './schemas.ts';
import type { Role } from './schemas.ts';
import { AlertSchema, AlertStateSchema, ClusterEnrolResultSchema, ClusterSchema, ClusterVisitSchema, ReviewSchema } from './visits.ts';

const ALL: Role[] = ['admin', 'guard', 'auditor'];
const STAFF: Role[] = ['admin', 'guard'];
const ADMIN: Role[] = ['admin'];

/** The embedders a site can choose and the re-embedding job a switch starts (templates done / total, failures). */
const EmbedderStatusSchema = z.object({
  running: z.string().nullable(),
  selected: z.string(),
  embedders: z.array(z.object({ id: z.string(), name: z.string(), dims: z.number().int().nullable(), license: z.string(), origin: z.string().nullable(),
    /** a licence/provenance warning to show beside the choice, or null */
    warning: z.string().nullable(),
    coverage: z.object({ total: z.number().int(), ready: z.number().int(), failed: z.number().int() }) })),
  /** a switch was requested and the new engine is still starting (the job below starts once it runs) */
  switching: z.boolean(),
  /** the re-embedding of the selected embedder (null: none this session, or nothing needed doing) */
  job: z.object({ model: z.string(), state: z.enum(['running', 'done', 'cancelled', 'failed']), total: z.number().int(), done: z.number().int(), failed: z.number().int(),
    started_at: z.number(), finished_at: z.number().nullable(), error: z.string().nullable() }).nullable(),
});
/** The I/O facts that register a new embedder (what `vigil models add --id ...` takes). */
const ModelFactsSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ -'), kind: z.literal('embedder'), name: z.string().min(1).max(120).optional(),
  input: z.string().min(1).max(120), width: z.number().int().min(16).max(1024), height: z.number().int().min(16).max(1024), colorOrder: z.enum(['RGB', 'BGR']),
  mean: z.number(), std: z.number().positive(), output: z.string().min(1).max(120), dim: z.number().int().min(16).max(4096),
  calibration: z.array(z.object({ far: z.number().gt(0).lt(1), threshold: z.number().gt(-1).lt(1) })).min(1).max(20),
  license: z.string().min(1).max(500), source: z.string().min(1).max(500),
}).strict();
/** models.add: the installed entry, or the typed refusal (nothing installed). */
const ModelAddResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), status: z.enum(['installed', 'already_installed', 'registered']), id: z.string(), file: z.string(), sha256: z.string(), bytes: z.number().int(),
    dir: z.string(), message: z.string(), /** the entry is an embedder: it is now listed by embedders.status */ embedder: z.boolean() }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);
const AUDIT: Role[] = ['admin', 'auditor'];
/** `null` roles: callable without a session (login, first-run setup, health). */
type Roles = Role[] | null;

function method<I extends z.ZodTypeAny, O extends z.ZodTypeAny>(input: I, output: O, roles: Roles, opts: { personal?: boolean } = {}) {
  return { input, output, roles, personal: opts.personal ?? false };
}
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/** A patch of an object schema: every field optional and defaults stripped, so an absent key stays absent
 *  (zod's `.partial()` keeps `.default()`s, which would silently reset fields the caller did not send). */
function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodTypeAny) : (field as z.ZodTypeAny);
    return [key, inner.optional()];
  })) as unknown as { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer T> ? T : S[K]> };
  return z.object(shape);
}
/** Base64-encoded image for enrolment and push-mode frames (size checked by the transport). */
const ImageUpload = z.object({ name: z.string().max(255), data_base64: z.string().min(4).max(16 * 1024 * 1024 * 4 / 3 + 8) });
/** Enrolment photos are checked one by one (an empty or broken file gets its own verdict, never fails the batch). */
const EnrolPhoto = ImageUpload.extend({ data_base64: z.string().max(16 * 1024 * 1024 * 4 / 3 + 8) });
const TimeRange = z.object({ from: IsoTimeSchema.optional(), to: IsoTimeSchema.optional() });
export const ExportFormatSchema = z.enum(['csv', 'xlsx', 'pdf', 'json']);
const ExportResult = z.object({ filename: z.string(), mime: z.string(), data_base64: z.string() });

export const SessionSchema = z.object({ user: UserSchema, expires_at: IsoTimeSchema, token: z.string().optional() });

export const contract = {
  // --- session
  'auth.status': method(Empty, z.object({ setup_required: z.boolean(), user: UserSchema.nullable(),
    /** True when the host printed a one-time setup token (headless `vigil serve`) that auth.setup must carry. */
    setup_token_required: z.boolean().optional() }), null),
  'auth.setup': method(z.object({ setup_token: z.string().max(200).optional(), username: z.string().min(3).max(64), password: z.string().min(10).max(256) }), SessionSchema, null),
  'auth.login': method(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }), SessionSchema, null),
  'auth.logout': method(Empty, Ok, ALL),
  'auth.changePassword': method(z.object({ old_password: z.string().max(256), new_password: z.string().min(10).max(256) }), Ok, ALL),

  // --- cameras
  // Staff only: the auditor role sees the audit trail, not the cameras (issue 15 #2).
  'cameras.list': method(Empty, z.array(CameraViewSchema), STAFF),
  'cameras.get': method(z.object({ id: CameraIdSchema }), CameraViewSchema, STAFF),
  'cameras.create': method(CameraConfigSchema.omit({ id: true }).extend({ id: CameraIdSchema.optional() }), CameraViewSchema, ADMIN),
  'cameras.update': method(z.object({ id: CameraIdSchema, patch: patchOf(CameraConfigSchema.omit({ id: true })) }), CameraViewSchema, ADMIN),
  'cameras.remove': method(z.object({ id: CameraIdSchema }), Ok, ADMIN),
  'cameras.test': method(z.object({ config: CameraConfigSchema.shape.source, seconds: z.number().min(1).max(20).default(4), camera_id: CameraIdSchema.optional() }), CameraTestResultSchema, ADMIN),
  /** Local (USB) cameras attached to the host machine, for the USB source's device picker. */
  'cameras.devices': method(Empty, z.array(VideoDeviceSchema), ADMIN),
  'cameras.setDetection': method(z.object({ id: CameraIdSchema, running: z.boolean() }), CameraViewSchema, ADMIN),
  /** A still of the camera's current frame (JPEG data URL) and the faces in it, for enrolment from a live camera. */
  'cameras.capture': method(z.object({ id: CameraIdSchema }), z.object({ capture_id: IdSchema, image: z.string(), width: z.number(), height: z.number(), faces: EnrolmentVerdictSchema.shape.faces }), ADMIN, { personal: true }),

  // --- live
  'live.latest': method(z.object({ camera_id: CameraIdSchema.optional() }), z.array(LiveFrameSchema), STAFF),
  'live.acknowledge': method(z.object({ event_id: IdSchema }), Ok, STAFF),

  // --- people & enrolment
  'persons.list': method(z.object({ query: z.string().max(120).optional(), department: z.string().max(120).optional(), status: z.enum(['active', 'inactive', 'all']).default('all') }).merge(PageSchema), pageOf(PersonSchema), ADMIN),
  'persons.get': method(z.object({ id: IdSchema }), PersonSchema.extend({ templates: z.array(TemplateSchema) }), ADMIN, { personal: true }),
  'persons.create': method(PersonInputSchema, PersonSchema, ADMIN),
  'persons.update': method(z.object({ id: IdSchema, patch: patchOf(PersonInputSchema) }), PersonSchema, ADMIN),
  'persons.enrolPhotos': method(z.object({ id: IdSchema, photos: z.array(EnrolPhoto.extend({ face_index: z.number().int().min(0).optional() })).min(1).max(20) }), z.object({ verdicts: z.array(EnrolmentVerdictSchema), person: PersonSchema }), ADMIN, { personal: true }),
  'persons.enrolCapture': method(z.object({ id: IdSchema, capture_id: IdSchema, face_index: z.number().int().min(0) }), z.object({ verdicts: z.array(EnrolmentVerdictSchema), person: PersonSchema }), ADMIN, { personal: true }),
  /** Bulk enrolment: one row per person (created when employee_id is new) with its photos. */
  'persons.enrolBulk': method(z.object({ rows: z.array(PersonInputSchema.extend({ photos: z.array(EnrolPhoto).max(20) })).min(1).max(200) }), z.object({ results: z.array(z.object({ employee_id: z.string(), person_id: IdSchema.nullable(), verdicts: z.array(EnrolmentVerdictSchema), error: z.string().nullable() })) }), ADMIN, { personal: true }),
  'persons.removeTemplate': method(z.object({ id: IdSchema, template_id: IdSchema }), Ok, ADMIN),
  'persons.setConsent': method(z.object({ id: IdSchema, consent: ConsentSchema }), PersonSchema, ADMIN),
  'persons.erase': method(z.object({ id: IdSchema, reason: z.string().min(3).max(500) }), z.object({ ok: z.literal(true), files_removed: z.number() }), ADMIN),
  'persons.exportData': method(z.object({ id: IdSchema }), ExportResult, ADMIN, { personal: true }),

  // --- events
  'events.list': method(TimeRange.extend({ camera_id: CameraIdSchema.optional(), person_id: IdSchema.optional(), decision: z.enum(['recognized', 'unknown', 'pending']).optional(), min_confidence: z.number().min(0).max(1).optional() }).merge(PageSchema), pageOf(EventSchema), STAFF),
  'events.get': method(z.object({ id: IdSchema }), EventSchema, STAFF, { personal: true }),
  'events.correct': method(z.object({ id: IdSchema, person_id: IdSchema.nullable(), reason: z.string().max(500).optional(), add_template: z.boolean().default(false) }), EventSchema, ADMIN),
  'events.export': method(TimeRange.extend({ camera_id: CameraIdSchema.optional(), person_id: IdSchema.optional(), decision: z.enum(['recognized', 'unknown', 'pending']).optional(), format: ExportFormatSchema.default('csv') }), ExportResult, ADMIN, { personal: true }),

  // --- alerts, unknown clusters, review queue (issue 12)
  'alerts.list': method(z.object({ state: z.union([AlertStateSchema, z.literal('all')]).default('open'), camera_id: CameraIdSchema.optional(), limit: z.number().int().min(1).max(500).default(100) }), z.array(AlertSchema), STAFF),
  /** Acknowledge by id, every open alert of a camera, or all open alerts (give exactly one). `ids`: the alerts this
   *  call acknowledged; one raised while it ran is not among them and stays open. */
  'alerts.acknowledge': method(z.object({ ids: z.array(IdSchema).min(1).max(500).optional(), camera_id: CameraIdSchema.optional(), all: z.literal(true).optional() }), z.object({ acknowledged: z.number().int(), ids: z.array(IdSchema) }), STAFF),
  /** A guard flags a recognition as wrong: the event joins the admin's review queue. */
  'events.reportWrongMatch': method(z.object({ id: IdSchema, note: z.string().max(500).optional() }), Ok, STAFF),
  'reviews.list': method(z.object({ state: z.enum(['open', 'resolved', 'dismissed', 'all']).default('open') }), z.array(ReviewSchema), ADMIN, { personal: true }),
  'reviews.dismiss': method(z.object({ event_id: IdSchema }), Ok, ADMIN),
  /** An admin settles a "wrong match" report: the match was right (confirm), it was someone else (reassign, with
   *  person_id: corrected as events.correct does, attendance follows), or nobody enrolled (unknown). */
  'reviews.resolve': method(z.object({
    event_id: IdSchema, action: z.enum(['confirm', 'reassign', 'unknown']), person_id: IdSchema.optional(), reason: z.string().max(500).optional(),
  }), EventSchema, ADMIN),
  'clusters.list': method(z.object({ status: z.enum(['open', 'enrolled', 'merged', 'dismissed', 'all']).default('open'), limit: z.number().int().min(1).max(500).default(100) }), z.array(ClusterSchema), STAFF, { personal: true }),
  'clusters.get': method(z.object({ id: IdSchema }), ClusterSchema.extend({ visits: z.array(ClusterVisitSchema) }), STAFF, { personal: true }),
  /** Enrol a stranger's cluster as a new person from its best crops; its visits are relabelled to them. */
  'clusters.enrol': method(z.object({ id: IdSchema, person: PersonInputSchema, max_photos: z.number().int().min(1).max(10).default(5) }), ClusterEnrolResultSchema, ADMIN, { personal: true }),
  /** Merge a cluster into an existing person: its crops become templates, its visits are relabelled. */
  'clusters.merge': method(z.object({ id: IdSchema, person_id: IdSchema, max_photos: z.number().int().min(1).max(10).default(5) }), ClusterEnrolResultSchema, ADMIN, { personal: true }),
  'clusters.dismiss': method(z.object({ id: IdSchema }), Ok, ADMIN),

  // --- attendance
  'attendance.day': method(z.object({ date: DateSchema, department: z.string().max(120).optional() }), z.array(AttendanceDaySchema), ADMIN),
  'attendance.range': method(z.object({ from: DateSchema, to: DateSchema, person_id: IdSchema.optional(), department: z.string().max(120).optional() }), z.array(AttendanceDaySchema), ADMIN),
  'attendance.correct': method(z.object({ person_id: IdSchema, date: DateSchema, check_in: IsoTimeSchema.nullable(), check_out: IsoTimeSchema.nullable(), reason: z.string().min(3).max(500) }), AttendanceDaySchema, ADMIN),
  'attendance.export': method(z.object({ from: DateSchema, to: DateSchema, department: z.string().max(120).optional(), format: ExportFormatSchema.exclude(['json']) }), ExportResult, ADMIN, { personal: true }),
  'shifts.list': method(Empty, z.array(ShiftSchema), ADMIN),
  'shifts.upsert': method(ShiftSchema.omit({ id: true }).extend({ id: IdSchema.optional() }), ShiftSchema, ADMIN),
  'shifts.remove': method(z.object({ id: IdSchema }), Ok, ADMIN),
  /** One shift (or none) for many people: by id and/or everyone whose department contains `department`. */
  'shifts.assign': method(z.object({ shift_id: IdSchema.nullable(), person_ids: z.array(IdSchema).max(5000).optional(), department: z.string().min(1).max(120).optional() }), z.object({ updated: z.number().int(), person_ids: z.array(IdSchema) }), ADMIN),
  // --- demo data (people DEMO-…, the demo camera): shown as demo, removed in one audited call
  'demo.status': method(Empty, z.object({ people: z.number().int(), cameras: z.number().int() }), ADMIN),
  'demo.remove': method(Empty, z.object({ removed_people: z.number().int(), removed_cameras: z.number().int() }), ADMIN),

  // --- settings & system
  'settings.get': method(Empty, SettingsSchema, ADMIN),
  'settings.update': method(SettingsSchema.partial(), SettingsSchema, ADMIN),
  'system.status': method(Empty, z.object({ version: z.string(), engine: z.object({ ready: z.boolean(), restarts: z.number(), providers: z.record(z.string(), z.string()),
    /** One entry per engine worker process. */
    workers: z.array(z.object({ worker: z.number(), state: z.string(), pid: z.number().nullable(), restarts: z.number(), crashes: z.number(), hangs: z.number(), in_flight: z.number(), completed: z.number(), cameras: z.number(),
      /** How frames reach this worker's process: the binary side channel, or the message channel (fallback). */
      transport: z.enum(['frame-channel', 'ipc']).optional() })).optional() }), models: z.array(ModelHealthSchema), storage: z.object({ database_bytes: z.number(), snapshots_bytes: z.number(), templates: z.number(), events: z.number() }) }), ALL),
  'system.statistics': method(z.object({ period: z.enum(['1h', '24h', '7d', '30d']).default('24h') }), StatisticsSchema, STAFF),
  // --- embedder choice (issue 16): selectable = installed manifest embedders; switching re-embeds stored enrolment photos
  'embedders.status': method(Empty, EmbedderStatusSchema, ADMIN),
  'embedders.select': method(z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/, 'a model id: letters, digits, . _ -') }).strict(), EmbedderStatusSchema, ADMIN),
  // --- bring your own model (issue 11): the same install as `vigil models add`; path = a file on the host machine
  'models.add': method(z.object({ path: z.string().min(1).max(4096), facts: ModelFactsSchema.optional() }).strict(), ModelAddResultSchema, ADMIN),
  'users.list': method(Empty, z.array(UserSchema), ADMIN),
  'users.create': method(z.object({ username: z.string().min(3).max(64), password: z.string().min(10).max(256), role: RoleSchema }), UserSchema, ADMIN),
  'users.update': method(z.object({ id: IdSchema, role: RoleSchema.optional(), disabled: z.boolean().optional(), password: z.string().min(10).max(256).optional() }), UserSchema, ADMIN),
  'tokens.list': method(Empty, z.array(TokenSchema), ADMIN),
  'tokens.create': method(z.object({ name: z.string().min(1).max(80), scopes: TokenSchema.shape.scopes.min(1) }), TokenSchema.extend({ secret: z.string() }), ADMIN),
  'tokens.revoke': method(z.object({ id: IdSchema }), Ok, ADMIN),
  'audit.list': method(TimeRange.extend({ user_id: z.string().max(64).optional(), action: z.string().max(64).optional(), person_id: IdSchema.optional() }).merge(PageSchema), pageOf(AuditRecordSchema), AUDIT),
  'audit.verify': method(Empty, z.object({ ok: z.boolean(), checked: z.number(), first_broken_id: z.number().nullable(), reason: z.string().nullable().optional() }), AUDIT),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

// ---- subscriptions (server → client pushes). Filters: camera, minimum confidence, person ids.
export const SubscriptionFilterSchema = z.object({
  camera_id: CameraIdSchema.optional(),
  min_confidence: z.number().min(0).max(1).optional(),
  person_ids: z.array(IdSchema).max(500).optional(),
}).strict();
export type SubscriptionFilter = z.infer<typeof SubscriptionFilterSchema>;

export const CameraStatusEventSchema = z.object({ camera_id: CameraIdSchema, state: CameraViewSchema.shape.state, next_retry_at: IsoTimeSchema.nullable(), stats: CameraViewSchema.shape.stats, last_error: z.string().nullable() });
export { AlertSchema } from './visits.ts';

export const topics = {
  /** Boxes and names per analysed frame (high rate). */
  'live.frame': { payload: LiveFrameSchema, roles: STAFF },
  /** Track lifecycle: provisional face_detected, then recognized/unknown. */
  'events.track': { payload: z.object({ kind: z.enum(['face_detected', 'recognized', 'unknown', 'corrected']), event: EventSchema }), roles: STAFF },
  'cameras.status': { payload: CameraStatusEventSchema, roles: STAFF },
  'alerts': { payload: AlertSchema, roles: STAFF },
  'attendance.punch': { payload: z.object({ person_id: IdSchema, date: DateSchema, kind: z.enum(['check_in', 'check_out']), at: IsoTimeSchema }), roles: ADMIN },
  /** The embedder status (what embedders.status answers), pushed at each step of a switch and its re-embedding job. */
  'embedders.progress': { payload: EmbedderStatusSchema, roles: ADMIN },
} as const;
export type Topics = typeof topics;
export type TopicName = keyof Topics;
export type TopicPayload<T extends TopicName> = z.output<Topics[T]['payload']>;

/** What the UI holds: one client, two transports (Electron preload bridge, HTTP + WebSocket). */
export interface VigilClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<T extends TopicName>(topic: T, filter: SubscriptionFilter, onEvent: (payload: TopicPayload<T>) => void): () => void;
  /** URL the renderer can put in <img src> / <video src> for a media reference or a camera's live stream. */
  mediaUrl(ref: string): string;
  liveUrl(cameraId: string, transport: 'fmp4' | 'mjpeg'): string;
  /** A camera's live JPEG pictures over the client's one WebSocket (HTTP transport only: a browser's six connections
   * per host cannot carry a wall of multipart streams). Call `done` once a picture is drawn; the host sends the next
   * only then. Returns the function that stops them. */
  liveFrames?(cameraId: string, onFrame: (jpeg: Uint8Array, done: () => void) => void, onError?: (error: { code: string; message: string }) => void): () => void;
  /** A camera's live fMP4 stream over the same WebSocket (HTTP transport only): the init segment first (flags
   * FMP4_INIT of http-transport.ts; again after a reconnect: reset the decoder), then whole fragments in order
   * (FMP4_GAP: fragments were skipped before this keyframe). Call `done` once a chunk is appended. */
  liveVideo?(cameraId: string, onChunk: (chunk: { flags: number; data: Uint8Array }, done: () => void) => void, onError?: (error: { code: string; message: string }) => void): () => void;
  onConnectionChange?(cb: (connected: boolean) => void): () => void;
}
