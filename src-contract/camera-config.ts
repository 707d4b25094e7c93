// Camera configuration (source, detection, live view, supervision): the one schema the host validates with and the UI builds its forms from.
// Secrets (passwords, header values, sensitive URL query parameters) are write-only: see splitSourceSecrets below.
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
  /** Extra URL query parameter names that carry secrets (sealed at rest, redacted when shown), beyond the
   *  built-in SENSITIVE_QUERY_PARAM names. */
  sensitive_query: z.array(z.string().min(1).max(128)).max(32).optional(),
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

/** A region the motion gate ignores (a clock, a tree, a screen, a road), in fractions of the frame (0..1). */
export const MotionMaskSchema = z.object({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  width: z.number().gt(0).max(1),
  height: z.number().gt(0).max(1),
}).refine((m) => m.x + m.width <= 1.000001 && m.y + m.height <= 1.000001, { message: 'the mask must lie inside the frame (x + width ≤ 1, y + height ≤ 1)' });
export type MotionMask = z.infer<typeof MotionMaskSchema>;

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
  /** Busy regions whose changes are not motion (at most 16). Faces there are still found by the periodic full
   *  check and followed once tracked; only the decision to look because something moved ignores them. */
  motion_masks: z.array(MotionMaskSchema).max(16).default([]),
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

/** A local camera the host can open (the USB source's device picker): `device` is the value for source.device. */
export const VideoDeviceSchema = z.object({
  device: z.string(),
  name: z.string(),
  backend: z.enum(['v4l2', 'dshow', 'avfoundation']),
});
export type VideoDevice = z.infer<typeof VideoDeviceSchema>;

export type CameraSource = z.infer<typeof CameraSourceSchema>;
export type CameraSourceType = CameraSource['type'];
export type CameraRole = z.infer<typeof CameraRoleSchema>;
export type DetectionConfig = z.infer<typeof DetectionConfigSchema>;
export type CameraConfig = z.infer<typeof CameraConfigSchema>;
export type CameraConfigInput = z.input<typeof CameraConfigSchema>;

export const CameraStateSchema = z.enum(['stopped', 'connecting', 'live', 'error', 'disabled']);
export type CameraState = z.infer<typeof CameraStateSchema>;

// ---- Secrets: a declared property of a source's fields, kept in one place. The password, every header value and
// the URL query parameters marked sensitive (a name matching SENSITIVE_QUERY_PARAM, or listed in the source's
// `sensitive_query`) are sealed at rest by the host and shown to clients and logs as REDACTED_SECRET. A client
// that sends REDACTED_SECRET back (an unchanged form) keeps the stored secret. The detect stream (an NVR substream
// URL in detection.detect_stream) is a URL of the same camera: its userinfo password and sensitive query parameters
// are secrets in the same way (splitCameraSecrets / joinCameraSecrets cover the whole config).
export const REDACTED_SECRET = '***';
/** Query parameter names that carry credentials in camera URLs (api_key, token, auth, sig, password, ...). */
export const SENSITIVE_QUERY_PARAM = /(token|key|secret|pass|pwd|auth|sig|session|credential)/i;

export interface SourceSecrets {
  password?: string;
  /** Header name → value (every header value is a secret: cameras take auth in headers). */
  headers?: Record<string, string>;
  /** Query parameter name → raw (still percent-encoded) value, for sensitive parameters of `url`. */
  query?: Record<string, string>;
  /** The detect stream's own secrets (detection.detect_stream): its URL's userinfo password (raw, as typed) and its
   *  sensitive query parameters (the same names as the source's). */
  detect?: { password?: string; query?: Record<string, string> };
}

type WithUrl = Extract<CameraSource, { url: string }>;
const hasUrl = (s: CameraSource): s is WithUrl => 'url' in s && typeof (s as { url?: unknown }).url === 'string';

export function isSensitiveQueryParam(name: string, source: CameraSource): boolean {
  let decoded = name;
  try { decoded = decodeURIComponent(name); } catch { /* keep raw */ }
  const listed = 'sensitive_query' in source ? (source as { sensitive_query?: string[] }).sensitive_query ?? [] : [];
  return SENSITIVE_QUERY_PARAM.test(decoded) || listed.some((n) => n.toLowerCase() === decoded.toLowerCase());
}

/** Rewrites the value of each sensitive query parameter of `url` with `map(name, value)` (string-level, so the
 *  rest of the URL is kept byte for byte). */
function mapQuery(url: string, source: CameraSource, map: (name: string, value: string) => string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const name = part.slice(0, eq);
    return isSensitiveQueryParam(name, source) ? `${name}=${map(name, part.slice(eq + 1))}` : part;
  });
  return `${url.slice(0, q + 1)}${parts.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

/** The source with every secret replaced by REDACTED_SECRET (password removed), and the secrets taken out.
 *  Values already equal to REDACTED_SECRET are placeholders, not secrets. */
export function splitSourceSecrets(source: CameraSource): { source: CameraSource; secrets: SourceSecrets } {
  const secrets: SourceSecrets = {};
  const out: Record<string, unknown> = { ...source };
  if ('password' in source) {
    delete out.password;
    if (source.password) secrets.password = source.password;
  }
  if ('headers' in source && source.headers) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(source.headers)) {
      headers[k] = REDACTED_SECRET;
      if (v !== REDACTED_SECRET) (secrets.headers ??= {})[k] = v;
    }
    out.headers = headers;
  }
  if (hasUrl(source)) {
    out.url = mapQuery(source.url, source, (name, value) => {
      if (value !== REDACTED_SECRET) (secrets.query ??= {})[name] = value;
      return REDACTED_SECRET;
    });
  }
  return { source: out as CameraSource, secrets };
}

/** Puts secrets back into a source split by splitSourceSecrets (placeholders without a secret stay as they are). */
export function joinSourceSecrets(source: CameraSource, secrets: SourceSecrets): CameraSource {
  const out: Record<string, unknown> = { ...source };
  if ('username' in source || 'password' in source || source.type === 'rtsp' || source.type === 'http_mjpeg' || source.type === 'websocket') {
    if (secrets.password) out.password = secrets.password;
  }
  if ('headers' in source && source.headers) {
    const byName = new Map(Object.entries(secrets.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    out.headers = Object.fromEntries(Object.entries(source.headers).map(([k, v]) => [k, v === REDACTED_SECRET ? byName.get(k.toLowerCase()) ?? v : v]));
  }
  if (hasUrl(source)) {
    out.url = mapQuery(source.url, source, (name, value) => (value === REDACTED_SECRET ? secrets.query?.[name] ?? value : value));
  }
  return out as CameraSource;
}

// A detect stream is a URL (rtsp://…) or a file path; only a URL can carry secrets.
const STREAM_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
// Greedy up to the LAST "@" of the authority: an unencoded "@" in the password (u:pa@ss@host) stays in it.
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** The detect stream with its userinfo password and sensitive query values replaced by REDACTED_SECRET, and the
 *  secrets taken out (placeholders are not secrets). The source decides which query names are sensitive. */
export function splitStreamSecrets(stream: string, source: CameraSource): { stream: string; secrets: NonNullable<SourceSecrets['detect']> } {
  const secrets: NonNullable<SourceSecrets['detect']> = {};
  if (!STREAM_URL.test(stream)) return { stream, secrets };
  let out = stream;
  const m = USERINFO.exec(stream);
  const colon = m ? m[2].indexOf(':') : -1;
  if (m && colon >= 0 && colon < m[2].length - 1) {
    const password = m[2].slice(colon + 1);
    if (password !== REDACTED_SECRET) secrets.password = password;
    out = `${m[1]}${m[2].slice(0, colon + 1)}${REDACTED_SECRET}@${stream.slice(m[0].length)}`;
  }
  out = mapQuery(out, source, (name, value) => {
    if (value !== REDACTED_SECRET) (secrets.query ??= {})[name] = value;
    return REDACTED_SECRET;
  });
  return { stream: out, secrets };
}

/** Puts the detect stream's secrets back (placeholders without a stored secret stay as they are). */
export function joinStreamSecrets(stream: string, source: CameraSource, secrets: SourceSecrets['detect']): string {
  if (!STREAM_URL.test(stream) || !secrets) return stream;
  let out = stream;
  const m = USERINFO.exec(stream);
  if (m && secrets.password !== undefined && m[2].endsWith(`:${REDACTED_SECRET}`)) {
    out = `${m[1]}${m[2].slice(0, m[2].length - REDACTED_SECRET.length)}${secrets.password}@${stream.slice(m[0].length)}`;
  }
  return mapQuery(out, source, (name, value) => (value === REDACTED_SECRET ? secrets.query?.[name] ?? value : value));
}

/** Every secret of a camera config (source and detect stream) taken out; the config keeps placeholders. */
export function splitCameraSecrets<C extends Pick<CameraConfig, 'source' | 'detection'>>(config: C): { config: C; secrets: SourceSecrets } {
  const { source, secrets } = splitSourceSecrets(config.source);
  const stream = config.detection?.detect_stream;
  if (!stream) return { config: { ...config, source }, secrets };
  const detect = splitStreamSecrets(stream, config.source);
  if (detect.secrets.password !== undefined || detect.secrets.query) secrets.detect = detect.secrets;
  return { config: { ...config, source, detection: { ...config.detection, detect_stream: detect.stream } }, secrets };
}

/** Puts the secrets split by splitCameraSecrets back into a config (the camera runtime's view). */
export function joinCameraSecrets<C extends Pick<CameraConfig, 'source' | 'detection'>>(config: C, secrets: SourceSecrets): C {
  const source = joinSourceSecrets(config.source, secrets);
  const stream = config.detection?.detect_stream;
  if (!stream) return { ...config, source };
  return { ...config, source, detection: { ...config.detection, detect_stream: joinStreamSecrets(stream, config.source, secrets.detect) } };
}

/** A source edited in a form (placeholders for what it did not retype) with the stored source's secrets filled in:
 *  what `cameras.test` of an existing camera connects with. A typed password wins over the stored one. */
export function withStoredSecrets(edited: CameraSource, stored: CameraSource): CameraSource {
  if (edited.type !== stored.type) return edited;
  const { password, ...rest } = splitSourceSecrets(stored).secrets;
  const typed = 'password' in edited && Boolean(edited.password);
  const keep = 'username' in edited && !typed && password ? { ...rest, password } : rest;
  return joinSourceSecrets(edited, keep);
}

/** A source as shown to clients: every secret replaced (REDACTED_SECRET) and the password by a flag. */
export function redactSource(source: CameraSource): CameraSource & { has_password?: boolean } {
  const { source: shown } = splitSourceSecrets(source);
  if ('password' in source || 'username' in source) return { ...shown, has_password: Boolean((source as { password?: string }).password) } as CameraSource & { has_password?: boolean };
  return shown;
}
