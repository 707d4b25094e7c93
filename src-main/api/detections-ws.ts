// WS /api/v1/detections/ws/{client_id} (live detections for integrations): connection_established, subscribe / unsubscribe per camera
// with filters (min_confidence, person_ids), detection_event pushes, heartbeats. Authentication: session cookie,
// `Authorization: Bearer`, or `?access_token=` (browsers cannot set headers on a WebSocket). A second connection
// with the same client_id from the same user replaces the first. Slow clients are downsampled (newest frame per
// camera) and then dropped by the shared WsChannel.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { VigilError, fromZodError } from '../../src-contract/errors.ts';
import { REST_PREFIX, V1WsClientMessageSchema, WsClientIdSchema, type V1WsServerMessage } from '../../src-contract/rest.ts';
import type { LiveFrame, Role } from '../../src-contract/schemas.ts';
import type { Caller } from '../core/dispatcher.ts';
import type { TopicBus } from '../core/topic-bus.ts';
import { requireAccess } from '../core/access.ts';
import { parseWsJson, stillValid } from './contract-ws.ts';
import { toLiveDetections } from './frame-response.ts';
import { callerOf, credentialsOf, type Authenticate } from './request-auth.ts';
import type { WsHub } from './ws-hub.ts';

export const V1_WS_PATH = `${REST_PREFIX}/detections/ws/:client_id`;

export function registerDetectionsWs(app: FastifyInstance, deps: { bus: TopicBus; authenticate: Authenticate; hub: WsHub }): void {
  const { bus, authenticate, hub } = deps;
  const byClient = new Map<string, WebSocket>();
  // One detection list per published frame object, shared by every subscriber that receives it unfiltered.
  const mapped = new WeakMap<object, string>();
  const detectionsJson = (frame: LiveFrame): string => {
    let s = mapped.get(frame);
    if (s === undefined) mapped.set(frame, (s = JSON.stringify(toLiveDetections(frame))));
    return s;
  };
  const roles = (t: 'live.frame' | 'events.track'): readonly Role[] => bus.rolesFor(t);
  const token = (q: unknown): string | undefined => {
    const t = (q as { access_token?: unknown })?.access_token;
    return typeof t === 'string' && t.length <= 300 ? t : undefined;
  };

  app.get(V1_WS_PATH, {
    websocket: true,
    preValidation: async (req) => {
      const id = WsClientIdSchema.safeParse((req.params as { client_id?: string }).client_id);
      if (!id.success) throw fromZodError(id.error, 'client_id');
      const caller = callerOf(req, authenticate, token(req.query));
      requireAccess(caller, roles('live.frame'), 'watch live detections', 'read', 'sign in or send an API token');
      if (hub.full) throw new VigilError('QUEUE_FULL', 'too many WebSocket clients');
    },
  }, (socket, req) => {
    const clientId = (req.params as { client_id: string }).client_id;
    const caller = callerOf(req, authenticate, token(req.query)) as Caller & { user: NonNullable<Caller['user']> };
    const key = `${caller.user.id}\u0000${clientId}`;
    byClient.get(key)?.close(4409, 'replaced by a newer connection with the same client_id');
    byClient.set(key, socket);

    const subs = new Map<string, Array<() => void>>();
    const client = hub.add(socket, (channel) => ({
      channel,
      heartbeat: (): V1WsServerMessage => {
        if (channel.pendingDropNotice > 0) {
          channel.send({ type: 'backpressure', timestamp: new Date().toISOString(), dropped_events: channel.pendingDropNotice } satisfies V1WsServerMessage);
          channel.pendingDropNotice = 0;
        }
        return { type: 'heartbeat', timestamp: new Date().toISOString() };
      },
      stillValid: stillValid(authenticate, credentialsOf(req, token(req.query)), caller),
    }), () => {
      for (const offs of subs.values()) for (const off of offs) off();
      subs.clear();
      if (byClient.get(key) === socket) byClient.delete(key);
    });
    const send = (m: V1WsServerMessage) => client.channel.send(m);
    send({ type: 'connection_established', client_id: clientId, timestamp: new Date().toISOString(), heartbeat_interval_ms: hub.heartbeatMs });

    socket.on('message', (data, isBinary) => {
      try {
        const parsed = V1WsClientMessageSchema.safeParse(parseWsJson(data, isBinary));
        if (!parsed.success) throw fromZodError(parsed.error);
        const msg = parsed.data;
        if (msg.type === 'ping') return send({ type: 'pong', timestamp: new Date().toISOString() });
        const subKey = msg.camera_id ?? '*';
        for (const off of subs.get(subKey) ?? []) off();
        subs.delete(subKey);
        if (msg.type === 'unsubscribe') return send({ type: 'unsubscribed', camera_id: msg.camera_id ?? null });

        if (msg.streams.includes('tracks') && !roles('events.track').includes(caller.user.role)) {
          throw new VigilError('FORBIDDEN', `${caller.user.role} may not receive track events`);
        }
        const filter = { camera_id: msg.camera_id, ...msg.filters };
        const offs: Array<() => void> = [];
        if (msg.streams.includes('detections')) {
          offs.push(bus.subscribe('live.frame', filter, (frame) => {
            if (frame.faces.length === 0) return; // nothing left after filtering: not worth a message
            const at = new Date().toISOString();
            const head = `{"type":"detection_event","timestamp":"${at}","data":{"camera_id":${JSON.stringify(frame.camera_id)},"frame_seq":${frame.seq},` +
              `"captured_at":"${new Date(frame.captured_at_ms).toISOString()}","frame_width":${frame.frame_width},"frame_height":${frame.frame_height},"detections":`;
            client.channel.sendRaw(`${head}${detectionsJson(frame)}}}`, `${subKey}\u0000${frame.camera_id}`);
          }));
        }
        if (msg.streams.includes('tracks')) {
          offs.push(bus.subscribe('events.track', filter, (p) => {
            send({ type: 'track_event', timestamp: new Date().toISOString(), data: { kind: p.kind, event: p.event as unknown as Record<string, unknown> } });
          }));
        }
        subs.set(subKey, offs);
        send({ type: 'subscribed', camera_id: msg.camera_id ?? null, filters: msg.filters, streams: msg.streams });
      } catch (err) {
        const v = err instanceof VigilError ? err : new VigilError('INVALID_REQUEST', (err as Error).message);
        send({ type: 'error', error: v.toBody() });
      }
    });
  });
}
