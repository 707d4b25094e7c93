// The public REST API under /api/v1 as one table. Most routes are a thin adapter over a contract method: path and
// query parameters are parsed with the schemas named here, merged with the JSON body into the contract input, and
// the Dispatcher validates that input and checks the role exactly as for the console. The OpenAPI document is
// generated from this same table (openapi.ts), so the documentation cannot drift from what is enforced.
import { z } from 'zod';
import { contract, type MethodName } from '../../src-contract/api.ts';
import { CameraIdSchema } from '../../src-contract/camera-config.ts';
import { DetectionsQuerySchema } from '../../src-contract/rest.ts';
import { DateSchema, IdSchema, IsoTimeSchema, SettingsSchema } from '../../src-contract/schemas.ts';

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ContractRoute {
  method: HttpMethod;
  /** Fastify path under /api/v1 (":id" parameters). */
  path: string;
  tag: string;
  summary: string;
  contract: MethodName;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body schema for the documentation; the contract input validates it. */
  body?: z.ZodType;
  toInput?: (p: { params: Record<string, unknown>; query: Record<string, unknown>; body: Record<string, unknown> }) => unknown;
  status?: number;
  /** The contract returns { filename, mime, data_base64 }: sent as the file itself. */
  file?: boolean;
}

const Id = z.object({ id: IdSchema });
const CamId = z.object({ id: CameraIdSchema });
const num = (s: z.ZodNumber) => z.coerce.number().pipe(s);
const Limit = { limit: num(z.number().int().min(1).max(500)).optional(), cursor: z.string().max(200).optional() };
const input = <M extends MethodName>(m: M) => contract[m].input as unknown as z.ZodObject;
const ExportQuery = z.object({ from: DateSchema, to: DateSchema, department: z.string().max(120).optional(), format: z.enum(['csv', 'xlsx', 'pdf']) });
const TimeQuery = { from: IsoTimeSchema.optional(), to: IsoTimeSchema.optional() };

export const ProviderConfigSchema = SettingsSchema.pick({ recognition: true, engine: true, consent_policy: true }).partial().strict();

export const restRoutes: ContractRoute[] = [
  // --- detections (search by camera, person, decision, time)
  {
    method: 'GET', path: '/detections/live', tag: 'detections', summary: 'Latest detections per camera (cached, 3 s TTL)', contract: 'live.latest',
    query: z.object({ camera_id: CameraIdSchema.optional() }),
  },
  {
    method: 'GET', path: '/detections', tag: 'detections', summary: 'Historical detections (tracks) with filters and cursor pagination', contract: 'events.list',
    query: DetectionsQuerySchema,
    toInput: ({ query: q }) => ({ camera_id: q.camera_id, person_id: q.person_id, decision: q.decision, from: q.start_time, to: q.end_time, min_confidence: q.min_confidence, limit: q.page_size, cursor: q.cursor }),
  },
  {
    method: 'GET', path: '/detections/statistics', tag: 'detections', summary: 'Aggregated statistics for a period', contract: 'system.statistics',
    query: z.object({ period: z.enum(['1h', '24h', '7d', '30d']).optional() }),
  },
  { method: 'GET', path: '/detections/:id', tag: 'detections', summary: 'One detection (track) with its decision and snapshots', contract: 'events.get', params: Id },
  {
    method: 'POST', path: '/detections/provider/config', tag: 'detections', summary: 'Update the detection provider configuration (recognition, engine, consent policy)',
    contract: 'settings.update', body: ProviderConfigSchema,
    toInput: ({ body }) => ProviderConfigSchema.parse(body),
  },
  { method: 'POST', path: '/detections/:id/correct', tag: 'detections', summary: 'Correct the person a detection was assigned to', contract: 'events.correct', params: Id, body: input('events.correct').omit({ id: true }) },
  { method: 'POST', path: '/detections/:id/acknowledge', tag: 'detections', summary: 'Acknowledge an alert', contract: 'live.acknowledge', params: Id, toInput: ({ params }) => ({ event_id: params.id }) },
  {
    method: 'GET', path: '/detections/export', tag: 'detections', summary: 'Export detections (csv, xlsx, pdf, json file)', contract: 'events.export', file: true,
    query: z.object({ ...TimeQuery, camera_id: CameraIdSchema.optional(), person_id: IdSchema.optional(), decision: z.enum(['recognized', 'unknown', 'pending']).optional(), format: z.enum(['csv', 'xlsx', 'pdf', 'json']).optional() }),
  },

  // --- cameras
  { method: 'GET', path: '/cameras', tag: 'cameras', summary: 'List cameras with state and statistics', contract: 'cameras.list' },
  { method: 'POST', path: '/cameras', tag: 'cameras', summary: 'Register a camera', contract: 'cameras.create', body: input('cameras.create'), status: 201 },
  { method: 'POST', path: '/cameras/test', tag: 'cameras', summary: 'Test a camera configuration without saving it', contract: 'cameras.test', body: input('cameras.test') },
  { method: 'GET', path: '/cameras/devices', tag: 'cameras', summary: 'Local (USB) cameras attached to the host machine', contract: 'cameras.devices' },
  { method: 'GET', path: '/cameras/:id', tag: 'cameras', summary: 'One camera', contract: 'cameras.get', params: CamId },
  { method: 'PATCH', path: '/cameras/:id', tag: 'cameras', summary: 'Change a camera', contract: 'cameras.update', params: CamId, body: input('cameras.update').shape.patch, toInput: ({ params, body }) => ({ id: params.id, patch: body }) },
  { method: 'DELETE', path: '/cameras/:id', tag: 'cameras', summary: 'Remove a camera', contract: 'cameras.remove', params: CamId },
  { method: 'POST', path: '/cameras/:id/start-detection', tag: 'cameras', summary: 'Start continuous detection', contract: 'cameras.setDetection', params: CamId, toInput: ({ params }) => ({ id: params.id, running: true }) },
  { method: 'POST', path: '/cameras/:id/stop-detection', tag: 'cameras', summary: 'Stop continuous detection', contract: 'cameras.setDetection', params: CamId, toInput: ({ params }) => ({ id: params.id, running: false }) },

  // --- persons and enrolment
  {
    method: 'GET', path: '/persons', tag: 'persons', summary: 'List enrolled persons', contract: 'persons.list',
    query: z.object({ query: z.string().max(120).optional(), department: z.string().max(120).optional(), status: z.enum(['active', 'inactive', 'all']).optional(), ...Limit }),
  },
  { method: 'POST', path: '/persons', tag: 'persons', summary: 'Add a person', contract: 'persons.create', body: input('persons.create'), status: 201 },
  { method: 'GET', path: '/persons/:id', tag: 'persons', summary: 'One person with templates (audited)', contract: 'persons.get', params: Id },
  { method: 'PATCH', path: '/persons/:id', tag: 'persons', summary: 'Change a person', contract: 'persons.update', params: Id, body: input('persons.update').shape.patch, toInput: ({ params, body }) => ({ id: params.id, patch: body }) },
  { method: 'POST', path: '/persons/:id/photos', tag: 'persons', summary: 'Enrol photos (base64) for a person', contract: 'persons.enrolPhotos', params: Id, body: input('persons.enrolPhotos').omit({ id: true }) },
  { method: 'DELETE', path: '/persons/:id/templates/:template_id', tag: 'persons', summary: 'Remove one face template', contract: 'persons.removeTemplate', params: z.object({ id: IdSchema, template_id: IdSchema }) },
  { method: 'PUT', path: '/persons/:id/consent', tag: 'privacy', summary: 'Record consent for a person', contract: 'persons.setConsent', params: Id, body: input('persons.setConsent').shape.consent, toInput: ({ params, body }) => ({ id: params.id, consent: body }) },
  { method: 'POST', path: '/persons/:id/erase', tag: 'privacy', summary: 'Erase a person (templates, photos, snapshots, identity in events)', contract: 'persons.erase', params: Id, body: input('persons.erase').omit({ id: true }) },
  { method: 'GET', path: '/persons/:id/export', tag: 'privacy', summary: 'Per-person data export (zip of JSON + images)', contract: 'persons.exportData', params: Id, file: true },

  // --- attendance
  { method: 'GET', path: '/attendance', tag: 'attendance', summary: 'Attendance for one day', contract: 'attendance.day', query: z.object({ date: DateSchema, department: z.string().max(120).optional() }) },
  { method: 'GET', path: '/attendance/range', tag: 'attendance', summary: 'Attendance over a date range', contract: 'attendance.range', query: z.object({ from: DateSchema, to: DateSchema, person_id: IdSchema.optional(), department: z.string().max(120).optional() }) },
  { method: 'POST', path: '/attendance/corrections', tag: 'attendance', summary: 'Correct a check-in/check-out (original kept)', contract: 'attendance.correct', body: input('attendance.correct') },
  { method: 'GET', path: '/attendance/export', tag: 'attendance', summary: 'Export attendance (csv, xlsx, pdf file)', contract: 'attendance.export', query: ExportQuery, file: true },

  // --- audit, system
  {
    method: 'GET', path: '/audit', tag: 'audit', summary: 'Audit trail (admin, auditor)', contract: 'audit.list',
    query: z.object({ ...TimeQuery, user_id: z.string().max(64).optional(), action: z.string().max(64).optional(), person_id: IdSchema.optional(), ...Limit }),
  },
  { method: 'GET', path: '/audit/verify', tag: 'audit', summary: 'Verify the audit hash chain', contract: 'audit.verify' },
  { method: 'GET', path: '/models', tag: 'system', summary: 'Engine, model status and storage', contract: 'system.status' },
];
