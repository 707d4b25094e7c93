// Wire format of the contract over HTTP + WebSocket on 127.0.0.1 (`vigil serve`). The Electron transport
// carries the same method names and payloads over IPC; only the envelope differs.
import { z } from 'zod';
import { SubscriptionFilterSchema, topics } from './api.ts';
import type { TopicName } from './api.ts';
import { CameraIdSchema } from './camera-config.ts';

export const RPC_PREFIX = '/api/rpc/'; // POST /api/rpc/<method>, JSON body = input, 200 JSON body = output
export const WS_PATH = '/api/ws'; // contract subscriptions for the console
export const MEDIA_PREFIX = '/media/'; // GET /media/<MediaRef> (snapshots, template photos), session required
export const LIVE_PREFIX = '/live/'; // GET /live/<cameraId>.mp4 (fragmented MP4 stream) | /live/<cameraId>.mjpeg
export const SESSION_COOKIE = 'vigil_session';

const topicNames = Object.keys(topics) as [TopicName, ...TopicName[]];

/** What a WebSocket live tile carries: JPEG pictures (default) or the camera's fMP4 stream. */
export const LiveFormatSchema = z.enum(['mjpeg', 'fmp4']);
export type LiveTileFormat = z.infer<typeof LiveFormatSchema>;

export const WsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), id: z.string().min(1).max(64), topic: z.enum(topicNames), filter: SubscriptionFilterSchema.default({}) }),
  z.object({ type: z.literal('unsubscribe'), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('ping') }),
  // Live MJPEG tiles over this one socket (a browser allows only 6 HTTP/1.1 connections per host: a wall of
  // multipart <img> streams would starve every other request). Frames come back as binary messages
  // (encodeLiveFrame); the host sends a tile's next frame only after its ack, keeping just the newest one.
  // `format: 'fmp4'` (H.264/H.265 cameras) sends the camera's fragmented MP4 instead: an init segment first, then
  // whole moof+mdat fragments in order (encodeLiveFmp4), one ack per fragment once appended; a tile that falls behind
  // skips to the next keyframe fragment (src-main/api/live-fragment-flow.ts). Without `format`: JPEG pictures.
  z.object({ type: z.literal('live_open'), camera_id: CameraIdSchema, format: LiveFormatSchema.optional() }),
  z.object({ type: z.literal('live_close'), camera_id: CameraIdSchema, format: LiveFormatSchema.optional() }),
  z.object({ type: z.literal('live_ack'), camera_id: CameraIdSchema, format: LiveFormatSchema.optional() }),
]);
export type WsClientMessage = z.input<typeof WsClientMessageSchema>;

export type WsServerMessage =
  | { type: 'event'; id: string; topic: TopicName; payload: unknown }
  | { type: 'subscribed'; id: string }
  | { type: 'error'; id?: string; error: { code: string; message: string } }
  | { type: 'heartbeat'; at: string }
  | { type: 'pong' }
  | { type: 'live_opened'; camera_id: string; format?: LiveTileFormat }
  | { type: 'live_error'; camera_id: string; format?: LiveTileFormat; error: { code: string; message: string } };

/** First byte of a binary live-frame message; then one byte: the camera id's length, the id (ASCII), the JPEG. */
export const LIVE_FRAME_KIND = 0x01;

export function encodeLiveFrame(cameraId: string, jpeg: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + cameraId.length + jpeg.length);
  out[0] = LIVE_FRAME_KIND;
  out[1] = cameraId.length;
  for (let i = 0; i < cameraId.length; i++) out[2 + i] = cameraId.charCodeAt(i); // camera ids are ASCII
  out.set(jpeg, 2 + cameraId.length);
  return out;
}

/** The camera id and JPEG bytes (a view, no copy) of a binary live-frame message; null for anything else. */
export function decodeLiveFrame(data: Uint8Array): { cameraId: string; jpeg: Uint8Array } | null {
  if (data.length < 3 || data[0] !== LIVE_FRAME_KIND) return null;
  const n = data[1];
  if (n === 0 || data.length < 2 + n) return null;
  return { cameraId: String.fromCharCode(...data.subarray(2, 2 + n)), jpeg: data.subarray(2 + n) };
}

/** First byte of a binary live fMP4 message; then the id's length, the id (ASCII), one flags byte, the box bytes. */
export const LIVE_FMP4_KIND = 0x02;
/** Flags of a live fMP4 message: the init segment (ftyp+moov: reset the decoder), a fragment that starts with a
 * keyframe, and a gap (fragments before this one were skipped: the tile fell behind). */
export const FMP4_INIT = 0x01;
export const FMP4_KEYFRAME = 0x02;
export const FMP4_GAP = 0x04;

export function encodeLiveFmp4(cameraId: string, flags: number, box: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + cameraId.length + box.length);
  out[0] = LIVE_FMP4_KIND;
  out[1] = cameraId.length;
  for (let i = 0; i < cameraId.length; i++) out[2 + i] = cameraId.charCodeAt(i);
  out[2 + cameraId.length] = flags;
  out.set(box, 3 + cameraId.length);
  return out;
}

/** The camera id, flags and bytes (a view) of a binary live fMP4 message; null for anything else. */
export function decodeLiveFmp4(data: Uint8Array): { cameraId: string; flags: number; data: Uint8Array } | null {
  if (data.length < 4 || data[0] !== LIVE_FMP4_KIND) return null;
  const n = data[1];
  if (n === 0 || data.length < 3 + n) return null;
  return { cameraId: String.fromCharCode(...data.subarray(2, 2 + n)), flags: data[2 + n], data: data.subarray(3 + n) };
}
