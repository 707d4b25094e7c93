// Shapes of the public REST API under /api/v1 that are not plain contract methods: push-mode frame processing
// (the process-frame request, its sync response and the async job reply), jobs and callbacks, health, and the v1 detection WebSocket
// (§9.1.2). The server validates with these and generates its OpenAPI document from them.
import { z } from 'zod';
import { CameraIdSchema } from './camera-config.ts';
import { ErrorBodySchema } from './errors.ts';
import { IdSchema, IsoTimeSchema } from './schemas.ts';

export const REST_PREFIX = '/api/v1';

/** Largest decoded frame accepted by process-frame, and the base64 length that encodes it. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const MAX_FRAME_BASE64 = Math.ceil(MAX_FRAME_BYTES / 3) * 4 + 64; // + room for a data: URL prefix

export const PrioritySchema = z.enum(['urgent', 'high', 'normal', 'low']);

// ---- §4.1.1 push-mode request
export const ProcessFrameRequestSchema = z.object({
  camera_id: CameraIdSchema,
  stream_type: z.enum(['RTSP', 'USB', 'HTTP_MJPEG', 'WEBSOCKET', 'SOCKET', 'FILE', 'PUSH']),
  /** Unique per camera; a repeat within the de-duplication window is answered `duplicate` (§4.3.3). */
  frame_id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
  timestamp: IsoTimeSchema,
  /** Base64 JPEG/PNG/WebP, optionally as a data: URL. */
  frame_data: z.string().min(8).max(MAX_FRAME_BASE64),
  frame_metadata: z.object({
    format: z.enum(['jpeg', 'png', 'webp']).optional(),
    resolution: z.object({ width: z.number().int().min(1).max(16384), height: z.number().int().min(1).max(16384) }).optional(),
    size_bytes: z.number().int().min(1).max(MAX_FRAME_BYTES).optional(),
    codec: z.string().max(32).optional(),
  }).optional(),
  detection_options: z.object({
    model_type: z.enum(['face-recognition', 'face-detection', 'person-detection']).default('face-recognition'),
    models: z.object({ detection: z.string().max(64).optional(), recognition: z.string().max(64).optional() }).optional(),
    parameters: z.object({
      min_confidence: z.number().min(0).max(1).optional(),
      min_face_size: z.number().int().min(1).max(4096).optional(),
      max_faces: z.number().int().min(1).max(100).default(20),
      return_snapshots: z.boolean().default(false),
      return_embeddings: z.boolean().default(false),
    }).default({ max_faces: 20, return_snapshots: false, return_embeddings: false }),
    processing: z.object({
      priority: PrioritySchema.default('normal'),
      timeout_ms: z.number().int().min(100).max(60_000).default(5000),
      async: z.boolean().default(false),
    }).default({ priority: 'normal', timeout_ms: 5000, async: false }),
  }).optional(),
  client_context: z.object({
    client_id: z.string().max(128).optional(),
    request_id: z.string().max(128).optional(),
    /** Where the result of an async request is POSTed, signed with HMAC-SHA256 (see docs/api.md). */
    callback_url: z.string().max(2048).regex(/^https?:\/\/[^\s]+$/i, 'an http(s) URL').optional(),
  }).optional(),
});
export type ProcessFrameRequest = z.output<typeof ProcessFrameRequestSchema>;

// ---- §5.1 response
export const BoundingBoxSchema = z.object({
  x: z.number(), y: z.number(), width: z.number(), height: z.number(),
  normalized: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
});

export const PersonMatchSchema = z.object({
  person_id: IdSchema, employee_id: z.string(), name: z.string(), department: z.string(),
  /** Similarity mapped to 0..1 (1 = identical). */
  match_confidence: z.number(),
  /** Cosine distance to the best template (0 = identical). */
  match_distance: z.number(),
  enrollment_status: z.enum(['active', 'inactive']),
  face_encoding_count: z.number().int(),
});

export const FaceAttributesSchema = z.object({
  quality_score: z.number(), is_blurry: z.boolean(), sharpness: z.number(), brightness: z.number(),
  face_size_pixels: z.number(), pose: z.object({ yaw: z.number(), pitch: z.number(), roll: z.number() }),
});

export const SnapshotRefSchema = z.object({
  url: z.string(), storage_path: z.string(), size_bytes: z.number().int(), format: z.literal('jpeg'), resolution: z.string(),
});

export const DetectionSchema = z.object({
  detection_id: z.string(),
  detection_type: z.literal('face'),
  bounding_box: BoundingBoxSchema,
  confidence: z.number(),
  person: PersonMatchSchema.nullable(),
  face_attributes: FaceAttributesSchema,
  snapshot: SnapshotRefSchema.nullable(),
  embedding: z.array(z.number()).nullable(),
  metadata: z.object({ created_at: IsoTimeSchema, flags: z.array(z.string()) }),
});

export const ProcessingInfoSchema = z.object({
  frame_id: z.string(), camera_id: z.string(), camera_name: z.string().nullable(), timestamp: IsoTimeSchema,
  processing_started_at: IsoTimeSchema, processing_completed_at: IsoTimeSchema,
  processing_time_ms: z.number(), queue_time_ms: z.number(), detection_time_ms: z.number(), recognition_time_ms: z.number(),
});

export const DetectionSummarySchema = z.object({
  total_detections: z.number().int(), identified_persons: z.number().int(), unknown_persons: z.number().int(),
  avg_confidence: z.number().nullable(),
});

export const ModelInfoSchema = z.object({
  detection_model: z.object({ name: z.string(), version: z.string(), device: z.string(), latency_ms: z.number() }),
  recognition_model: z.object({ name: z.string(), version: z.string(), embedding_size: z.number().int(), device: z.string(), latency_ms: z.number() }).nullable(),
  fallback_used: z.boolean(),
});

export const ProcessFrameResultSchema = z.object({
  status: z.literal('success'),
  message: z.string(),
  processing_info: ProcessingInfoSchema,
  detections: z.array(DetectionSchema),
  summary: DetectionSummarySchema,
  model_info: ModelInfoSchema,
});
export type ProcessFrameResult = z.output<typeof ProcessFrameResultSchema>;

export const DuplicateFrameSchema = z.object({ status: z.literal('duplicate'), message: z.string(), frame_id: z.string() });

// ---- §5.3 async
export const AcceptedFrameSchema = z.object({
  status: z.literal('accepted'), message: z.string(), job_id: z.string(), frame_id: z.string(),
  estimated_completion_ms: z.number(), queue_position: z.number().int(), callback_url: z.string().nullable(),
});

export const JobStatusSchema = z.enum(['queued', 'processing', 'completed', 'failed']);
export const JobSchema = z.object({
  job_id: z.string(), status: JobStatusSchema, frame_id: z.string(), camera_id: z.string(),
  created_at: IsoTimeSchema, started_at: IsoTimeSchema.nullable(), completed_at: IsoTimeSchema.nullable(),
  queue_position: z.number().int().nullable(),
  result: ProcessFrameResultSchema.nullable(),
  error: ErrorBodySchema.nullable(),
  callback: z.object({ url: z.string(), attempts: z.number().int(), delivered: z.boolean(), last_status: z.number().int().nullable() }).nullable(),
});

/** Body POSTed to callback_url. Headers: X-Vigil-Timestamp (unix s) and
 * X-Vigil-Signature: sha256=hex(HMAC-SHA256(api_token, timestamp + "." + body)). */
export const CallbackBodySchema = z.object({
  job_id: z.string(), status: z.enum(['completed', 'failed']), frame_id: z.string(), camera_id: z.string(),
  result: ProcessFrameResultSchema.nullable(), error: ErrorBodySchema.nullable(),
});

// ---- health (GET /healthz and GET /api/v1/health; no authentication, no personal data)
export const HealthzSchema = z.object({
  engine: z.object({ ready: z.boolean(), providers: z.record(z.string(), z.unknown()) }),
  cameras: z.array(z.object({ id: z.string(), name: z.string(), state: z.string(), fps: z.number() })),
  counters: z.object({
    frames_analysed: z.number(), faces_detected: z.number(), recognized: z.number(), unknown: z.number(), attendance_records: z.number(),
  }),
  /** "full": the data folder's disk is full (STORAGE_FULL): no event, audit row or snapshot can be stored. */
  storage: z.object({ state: z.enum(['ok', 'full']), since: z.string().nullable() }).optional(),
});
export type Healthz = z.output<typeof HealthzSchema>;

// ---- GET /detections query (the integrators' older parameter names accepted beside the contract's)
export const DetectionsQuerySchema = z.object({
  camera_id: CameraIdSchema.optional(),
  person_id: IdSchema.optional(),
  decision: z.enum(['recognized', 'unknown', 'pending']).optional(),
  start_time: IsoTimeSchema.optional(),
  end_time: IsoTimeSchema.optional(),
  min_confidence: z.coerce.number().min(0).max(1).optional(),
  page_size: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
});

// ---- v1 WebSocket /api/v1/detections/ws/{client_id}
export const WsClientIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and _ . - (1-64)');

export const V1WsFiltersSchema = z.object({
  min_confidence: z.number().min(0).max(1).optional(),
  person_ids: z.array(IdSchema).max(500).optional(),
}).strict();

export const V1WsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    /** Omit for every camera. One subscription per camera_id; subscribing again replaces its filters. */
    camera_id: CameraIdSchema.optional(),
    filters: V1WsFiltersSchema.default({}),
    /** detections: per-frame boxes (detection_event); tracks: decided recognitions (track_event). */
    streams: z.array(z.enum(['detections', 'tracks'])).min(1).max(2).default(['detections']),
  }),
  z.object({ type: z.literal('unsubscribe'), camera_id: CameraIdSchema.optional() }),
  z.object({ type: z.literal('ping') }),
]);
export type V1WsClientMessage = z.input<typeof V1WsClientMessageSchema>;

export const LiveDetectionSchema = z.object({
  track_id: z.string(), bounding_box: BoundingBoxSchema, confidence: z.number(),
  decision: z.enum(['pending', 'recognized', 'unknown']), person_id: z.string().nullable(), name: z.string().nullable(),
  match_confidence: z.number().nullable(),
});

export const V1WsServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connection_established'), client_id: z.string(), timestamp: IsoTimeSchema, heartbeat_interval_ms: z.number() }),
  z.object({ type: z.literal('subscribed'), camera_id: z.string().nullable(), filters: V1WsFiltersSchema, streams: z.array(z.string()) }),
  z.object({ type: z.literal('unsubscribed'), camera_id: z.string().nullable() }),
  z.object({
    type: z.literal('detection_event'), timestamp: IsoTimeSchema,
    data: z.object({ camera_id: z.string(), frame_seq: z.number().int(), captured_at: IsoTimeSchema, frame_width: z.number(), frame_height: z.number(), detections: z.array(LiveDetectionSchema) }),
  }),
  z.object({ type: z.literal('track_event'), timestamp: IsoTimeSchema, data: z.object({ kind: z.string(), event: z.record(z.string(), z.unknown()) }) }),
  z.object({ type: z.literal('backpressure'), timestamp: IsoTimeSchema, dropped_events: z.number().int() }),
  z.object({ type: z.literal('heartbeat'), timestamp: IsoTimeSchema }),
  z.object({ type: z.literal('pong'), timestamp: IsoTimeSchema }),
  z.object({ type: z.literal('error'), error: ErrorBodySchema }),
]);
export type V1WsServerMessage = z.output<typeof V1WsServerMessageSchema>;
