// Camera configuration (spec §3.1/§3.2): the one schema the host validates with and the UI builds its forms from.
// Secrets (passwords, tokens) are write-only: the host never returns them, it returns `has_password` instead.
import { z } from 'zod';

export const CameraIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only (1-64)');

// Header names are HTTP tokens and no value may carry a line break (header injection into the camera request).
const HeadersSchema = z.record(
  z.string().max(256).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'invalid HTTP header name'),
  z.string().max(4096).regex(/^[^\r\n]*$/, 'header values must not contain line breaks'),
).default({});

const credentials = {
  username: z.string().max(128).optional(),
  password: z.string().max(256).optional(),
};

export const RtspSourceSchema = z.object({
  type: z.literal('rtsp'),
  url: z.string().regex(/^rtsps?:\/\//i, 'must start with rtsp:// or rtsps://').max(2048),
  transport: z.enum(['tcp', 'udp']).default('tcp'),
  timeout_ms: z.number().int().min(1000).max(60000).default(10000),
  ...credentials,
});

export const UsbSourceSchema = z.object({
  type: z.literal('usb'),
  /** v4l2 path (/dev/video0), dshow device name, or avfoundation index. */
  device: z.string().min(1).max(512),
  input_format: z.string().max(32).optional(),
  width: z.number().int().min(16).max(7680).optional(),
  height: z.number().int().min(16).max(4320).optional(),
  framerate: z.number().int().min(1).max(120).optional(),
});

export const HttpMjpegSourceSchema = z.object({
  type: z.literal('http_mjpeg'),
  url: z.string().regex(/^https?:\/\//i, 'must start with http:// or https://').max(2048),
  headers: HeadersSchema,
  timeout_ms: z.number().int().min(1000).max(60000).default(10000),
  ...credentials,
});

export const WebSocketSourceSchema = z.object({
  type: z.literal('websocket'),
  url: z.string().regex(/^wss?:\/\//i, 'must start with ws:// or wss://').max(2048),
  protocol: z.enum(['binary', 'base64']).default('binary'),
  ping_interval_ms: z.number().int().min(1000).max(120000).default(15000),
  max_message_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  headers: HeadersSchema,
  /** Opening handshake must finish within this. */
  timeout_ms: z.number().int().min(1000).max(60000).default(10000),
  ...credentials,
});

export const SocketSourceSchema = z.object({
  type: z.literal('socket'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** Hex bytes that start each frame; the seed's example is the JPEG SOI marker. */
  delimiter_hex: z.string().regex(/^([0-9a-fA-F]{2})+$/, 'hex bytes, e.g. ffd8').default('ffd8'),
  keepalive_ms: z.number().int().min(1000).max(600000).default(30000),
  max_frame_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  /** TCP connect must finish within this. */
  timeout_ms: z.number().int().min(1000).max(60000).default(10000),
});

export const FileSourceSchema = z.object({
  type: z.literal('file'),
  path: z.string().min(1).max(4096),
  loop: z.boolean().default(true),
  realtime: z.boolean().default(true),
});

export const CameraSourceSchema = z.discriminatedUnion('type', [
  RtspSourceSchema, UsbSourceSchema, HttpMjpegSourceSchema, WebSocketSourceSchema, SocketSourceSchema, FileSourceSchema,
]);

export const CameraRoleSchema = z.enum(['entry', 'exit', 'any']);

export const DetectionConfigSchema = z.object({
  /** Frames analysed per second (1-30). */
  fps_limit: z.number().int().min(1).max(30).default(5),
  /** Width frames are scaled to for detection (height follows the aspect ratio; never upscaled). 640 halves the
   *  decode, copy and detector cost of 1280 while the detector still finds faces down to ~10 px at that width. */
  detect_width: z.number().int().min(160).max(3840).default(640),
  /** Optional detect stream (an NVR's substream, e.g. 640×360): an rtsp:// URL for RTSP cameras (the source's
   *  credentials apply) or a file path for file sources. It is decoded for detection while the source (the main
   *  stream) is only copied for the live view, never decoded. Absent: the source is decoded once at detect_width. */
  detect_stream: z.string().max(2048).optional(),
  // In detection-frame pixels: 20 px at the default 640 wide is the same face as 40 px at 1280 wide (what this
  // default was when frames were detected at 1280). Lower it per camera for far faces (more detector work).
  min_face_px: z.number().int().min(8).max(1024).default(20),
  min_detection_confidence: z.number().min(0).max(1).default(0.6),
  /** Cosine similarity needed to accept a match; null = derived from the global false-accept target. */
  recognition_threshold: z.number().min(-1).max(1).nullable().default(null),
  priority: z.enum(['urgent', 'high', 'normal', 'low']).default('normal'),
});

export const CameraConfigSchema = z.object({
  id: CameraIdSchema,
  name: z.string().min(1).max(120),
  location: z.string().max(240).default(''),
  enabled: z.boolean().default(true),
  role: CameraRoleSchema.default('any'),
  source: CameraSourceSchema,
  detection: DetectionConfigSchema.default(DetectionConfigSchema.parse({})),
  /** Live view for the UI: copy H.264 into fMP4 when possible, otherwise low-rate JPEG. */
  live_view: z.object({ mode: z.enum(['auto', 'mjpeg', 'off']).default('auto'), mjpeg_fps: z.number().int().min(1).max(15).default(4),
    /** Width of the JPEG fallback (it is encoded, so it costs CPU; never upscaled). */
    mjpeg_width: z.number().int().min(160).max(1920).default(640) })
    .default({ mode: 'auto', mjpeg_fps: 4, mjpeg_width: 640 }),
  stall_timeout_ms: z.number().int().min(1000).max(300000).default(15000),
  max_retries: z.number().int().min(0).max(1_000_000).nullable().default(null),
});

export type CameraSource = z.infer<typeof CameraSourceSchema>;
export type CameraSourceType = CameraSource['type'];
export type CameraRole = z.infer<typeof CameraRoleSchema>;
export type DetectionConfig = z.infer<typeof DetectionConfigSchema>;
export type CameraConfig = z.infer<typeof CameraConfigSchema>;
export type CameraConfigInput = z.input<typeof CameraConfigSchema>;

export const CameraStateSchema = z.enum(['stopped', 'connecting', 'live', 'error', 'disabled']);
export type CameraState = z.infer<typeof CameraStateSchema>;

/** A source as shown to clients: secrets replaced by flags. */
export function redactSource(source: CameraSource): CameraSource & { has_password?: boolean } {
  if ('password' in source) {
    const { password, ...rest } = source;
    return { ...rest, has_password: Boolean(password) } as CameraSource & { has_password?: boolean };
  }
  return source;
}
