// Wire format of the contract over HTTP + WebSocket on 127.0.0.1 (`vigil serve`). The Electron transport
// carries the same method names and payloads over IPC; only the envelope differs.
import { z } from 'zod';
import { SubscriptionFilterSchema, topics } from './api.ts';
import type { TopicName } from './api.ts';

export const RPC_PREFIX = '/api/rpc/'; // POST /api/rpc/<method>, JSON body = input, 200 JSON body = output
export const WS_PATH = '/api/ws'; // contract subscriptions for the console
export const MEDIA_PREFIX = '/media/'; // GET /media/<MediaRef> (snapshots, template photos), session required
export const LIVE_PREFIX = '/live/'; // GET /live/<cameraId>.mp4 (fragmented MP4 stream) | /live/<cameraId>.mjpeg
export const SESSION_COOKIE = 'vigil_session';

const topicNames = Object.keys(topics) as [TopicName, ...TopicName[]];

export const WsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), id: z.string().min(1).max(64), topic: z.enum(topicNames), filter: SubscriptionFilterSchema.default({}) }),
  z.object({ type: z.literal('unsubscribe'), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('ping') }),
]);
export type WsClientMessage = z.input<typeof WsClientMessageSchema>;

export type WsServerMessage =
  | { type: 'event'; id: string; topic: TopicName; payload: unknown }
  | { type: 'subscribed'; id: string }
  | { type: 'error'; id?: string; error: { code: string; message: string } }
  | { type: 'heartbeat'; at: string }
  | { type: 'pong' };
