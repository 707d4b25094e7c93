// WS /api/ws: the console's contract subscriptions (src-contract/http-transport.ts). Each subscribe is checked
// against the topic's roles (TopicBus.rolesFor) and, for API tokens, the "read" scope. High-rate live.frame
// messages are coalesced per subscription and camera when the client falls behind; other topics are never
// coalesced (a client that cannot keep up with them is dropped and reloads on reconnect). Live MJPEG tiles travel on
// the same socket as binary messages (live-tiles.ts), and so do fMP4 tiles of H.264/H.265 cameras (live_open with
// format 'fmp4': init segment, then fragments, skipping to a keyframe when behind), with the /live/ route's access check.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { TopicName } from '../../src-contract/api.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { WS_PATH, WsClientMessageSchema, type WsServerMessage } from '../../src-contract/http-transport.ts';
import type { Caller } from '../core/dispatcher.ts';
import type { TopicBus } from '../core/topic-bus.ts';
import { requireTopicAccess } from '../core/access.ts';
import { fromZodError } from '../../src-contract/errors.ts';
import { callerOf, credentialsOf, requireCaller, type Authenticate } from './request-auth.ts';
import { LIVE_ROLES } from './live-routes.ts';
import { LiveTiles, type SubscribeLiveFmp4, type SubscribeLiveJpegs } from './live-tiles.ts';
import type { WsHub } from './ws-hub.ts';

const MAX_SUBSCRIPTIONS = 64;
/** Live frames wait (newest only, per tile) while more than this is queued on the socket: JSON events go first. */
const LIVE_SOFT_LIMIT_BYTES = 1024 * 1024;

export function parseWsJson(data: WebSocket.RawData, isBinary: boolean): unknown {
  if (isBinary) throw new VigilError('INVALID_REQUEST', 'send text frames with JSON');
  try {
    return JSON.parse(data.toString());
  } catch {
    throw new VigilError('INVALID_REQUEST', 'malformed JSON');
  }
}

/** Serialises each payload object once however many subscribers receive it unchanged. */
export class PayloadCache {
  #map = new WeakMap<object, string>();
  json(payload: object): string {
    let s = this.#map.get(payload);
    if (s === undefined) this.#map.set(payload, (s = JSON.stringify(payload)));
    return s;
  }
}

/** True while the connection's credentials still name the same user with the same role and token scopes: a
 * demotion, disable, expiry or revocation ends the stream (its subscriptions were checked for the old rights). */
export function stillValid(authenticate: Authenticate, creds: ReturnType<typeof credentialsOf>, caller: Caller): () => boolean {
  const scopes = (c: Caller) => (c.tokenScopes ? [...c.tokenScopes].sort().join(',') : '');
  return () => {
    try {
      const now = authenticate({ ...creds, peek: true });
      return now.user?.id === caller.user?.id && now.user?.role === caller.user?.role && scopes(now) === scopes(caller);
    } catch {
      return false;
    }
  };
}

export function registerContractWs(app: FastifyInstance, deps: { bus: TopicBus; authenticate: Authenticate; hub: WsHub; liveJpegs?: SubscribeLiveJpegs; liveFmp4?: SubscribeLiveFmp4 }): void {
  const { bus, authenticate, hub } = deps;
  const cache = new PayloadCache();

  app.get(WS_PATH, {
    websocket: true,
    preValidation: async (req) => {
      if (!callerOf(req, authenticate).user) throw new VigilError('UNAUTHENTICATED', 'sign in first');
      if (hub.full) throw new VigilError('QUEUE_FULL', 'too many WebSocket clients');
    },
  }, (socket, req) => {
    const caller = callerOf(req, authenticate) as Caller & { user: NonNullable<Caller['user']> };
    const subs = new Map<string, () => void>();
    const tiles = new LiveTiles({
      subscribe: (cameraId, onJpeg) => {
        if (!deps.liveJpegs) throw new VigilError('STREAM_UNAVAILABLE', 'live view is not available in this host');
        return deps.liveJpegs(cameraId, onJpeg);
      },
      subscribeFmp4: deps.liveFmp4,
      send: (message) => { if (socket.readyState === socket.OPEN) socket.send(message, { binary: true }); },
      writable: () => socket.bufferedAmount < LIVE_SOFT_LIMIT_BYTES,
    });
    const client = hub.add(socket, (channel) => ({
      channel,
      heartbeat: (): WsServerMessage => ({ type: 'heartbeat', at: new Date().toISOString() }),
      stillValid: stillValid(authenticate, credentialsOf(req), caller),
    }), () => {
      for (const off of subs.values()) off();
      subs.clear();
      tiles.closeAll();
    });
    const send = (m: WsServerMessage) => client.channel.send(m);

    socket.on('message', (data, isBinary) => {
      let id: string | undefined;
      try {
        const parsed = WsClientMessageSchema.safeParse(parseWsJson(data, isBinary));
        if (!parsed.success) throw fromZodError(parsed.error);
        const msg = parsed.data;
        if (msg.type === 'ping') return send({ type: 'pong' });
        if (msg.type === 'live_ack') return tiles.ack(msg.camera_id, msg.format);
        if (msg.type === 'live_close') return tiles.close(msg.camera_id, msg.format);
        if (msg.type === 'live_open') {
          try {
            requireCaller(caller, LIVE_ROLES, 'read');
            tiles.open(msg.camera_id, msg.format);
            return send({ type: 'live_opened', camera_id: msg.camera_id, ...(msg.format ? { format: msg.format } : {}) });
          } catch (err) {
            const v = err instanceof VigilError ? err : new VigilError('INTERNAL', (err as Error).message);
            return send({ type: 'live_error', camera_id: msg.camera_id, ...(msg.format ? { format: msg.format } : {}), error: { code: v.code, message: v.message } });
          }
        }
        id = msg.id;
        if (msg.type === 'unsubscribe') {
          subs.get(msg.id)?.();
          subs.delete(msg.id);
          return;
        }
        const topic: TopicName = msg.topic;
        requireTopicAccess(caller, topic);
        if (!subs.has(msg.id) && subs.size >= MAX_SUBSCRIPTIONS) throw new VigilError('INVALID_REQUEST', `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
        subs.get(msg.id)?.();
        const subId = msg.id;
        const prefix = `{"type":"event","id":${JSON.stringify(subId)},"topic":${JSON.stringify(topic)},"payload":`;
        subs.set(subId, bus.subscribe(topic, msg.filter, (payload) => {
          const camera = topic === 'live.frame' ? (payload as { camera_id: string }).camera_id : null;
          client.channel.sendRaw(`${prefix}${cache.json(payload as object)}}`, camera === null ? undefined : `${subId}\u0000${camera}`);
        }));
        send({ type: 'subscribed', id: subId });
      } catch (err) {
        const v = err instanceof VigilError ? err : new VigilError('INVALID_REQUEST', (err as Error).message);
        send({ type: 'error', ...(id ? { id } : {}), error: { code: v.code, message: v.message } });
      }
    });
  });
}
