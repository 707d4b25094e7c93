// The host's HTTP + WebSocket server (fastify 5). Everything it serves:
//   GET  /healthz, /api/v1/health            health (no auth, no personal data)
//   POST /api/rpc/<method>                    the typed contract (console transport) → Dispatcher
//   WS   /api/ws                              contract subscriptions
//   /api/v1/...                               public REST API (rest-routes.ts, process-frame, jobs, OpenAPI)
//   WS   /api/v1/detections/ws/{client_id}    live detections (v1)
//   GET  /media/<ref>, /live/<camera>.mp4|.mjpeg, and the built console with SPA fallback
// Binds 127.0.0.1 unless another interface is passed to listen() explicitly.
import type { Logger } from 'pino';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import fastifyWebsocket from '@fastify/websocket';
import { VigilError } from '../../src-contract/errors.ts';
import { RPC_PREFIX } from '../../src-contract/http-transport.ts';
import { MAX_FRAME_BYTES, REST_PREFIX, type Healthz } from '../../src-contract/rest.ts';
import type { Dispatcher } from '../core/dispatcher.ts';
import type { TopicBus } from '../core/topic-bus.ts';
import { DedupCache } from '../pipeline/dedup-cache.ts';
import { registerContractWs } from './contract-ws.ts';
import { registerDetectionsWs } from './detections-ws.ts';
import type { AnalyzeFrame } from '../core/frame-analysis.ts';
import { FrameJobs, type FrameJobsOptions } from './frame-jobs.ts';
import { DEFAULT_CALLBACK } from './job-callbacks.ts';
import { toHttpError } from './http-errors.ts';
import { registerLiveRoutes, type OpenLiveStream } from './live-routes.ts';
import type { SubscribeLiveFmp4, SubscribeLiveJpegs } from './live-tiles.ts';
import { registerMediaRoutes } from './media-routes.ts';
import { buildOpenApi } from './openapi.ts';
import { processFrame } from './process-frame.ts';
import { callerOf, clearSessionCookie, requireCaller, setSessionCookie, type Authenticate } from './request-auth.ts';
import { restRoutes } from './rest-routes.ts';
import { LOOPBACK_HOSTS, registerSecurityHooks } from './security-hooks.ts';
import { registerStaticUi } from './static-ui.ts';
import { WsHub, type HubOptions } from './ws-hub.ts';
import { bearerToken } from '../auth/credentials.ts';

export interface ApiLimits {
  /** JSON body of a contract call (enrolment photos travel base64 in it). */
  rpcBodyBytes: number;
  /** JSON body of a REST call other than process-frame. */
  restBodyBytes: number;
  /** Decoded image bytes accepted by process-frame (its body limit follows from it). */
  maxFrameBytes: number;
  /** Largest WebSocket message a client may send. */
  wsMaxPayload: number;
}

export const DEFAULT_LIMITS: ApiLimits = { rpcBodyBytes: 64 * 1024 * 1024, restBodyBytes: 64 * 1024 * 1024, maxFrameBytes: MAX_FRAME_BYTES, wsMaxPayload: 64 * 1024 };

export interface ApiServerDeps {
  dispatcher: Dispatcher;
  bus: TopicBus;
  authenticate: Authenticate;
  /** Access changes (role, disable, sign-out, revocation): open WebSockets re-check their caller on each. */
  onAccessChange?: (listener: () => void) => () => void;
  healthz: () => Healthz | Promise<Healthz>;
  /** Directory media references resolve against (the data directory). */
  mediaRoot: string;
  openLiveStream?: OpenLiveStream;
  /** Live JPEG pictures for the console's WebSocket tiles; without it live_open answers STREAM_UNAVAILABLE. */
  liveJpegs?: SubscribeLiveJpegs;
  /** Live fMP4 chunks for the console's WebSocket video tiles; without it live_open format 'fmp4' answers STREAM_UNAVAILABLE. */
  liveFmp4?: SubscribeLiveFmp4;
  /** Push-mode analysis; without it process-frame answers ENGINE_UNAVAILABLE. */
  analyzeFrame?: AnalyzeFrame;
  /** Built console; null to serve none. Default dist/renderer under the working directory. */
  rendererDir?: string | null;
  jobs?: Partial<FrameJobsOptions>;
  limits?: Partial<ApiLimits>;
  ws?: Partial<HubOptions>;
  /** frame_id de-duplication window (ms; a resubmitted frame_id within it is refused, default 5 s). */
  dedupTtlMs?: number;
  /** Which callback URLs async jobs may POST to. Default: any http(s) URL. */
  allowCallback?: (url: URL) => boolean;
  /** Hosts async-job callbacks may reach although they resolve to loopback/private/link-local addresses (the
   *  admin setting api.callback_private_hosts). Default none: public addresses only. */
  callbackPrivateHosts?: () => readonly string[];
  /** Host header names accepted. Default: loopback names when bound to loopback, anything otherwise. */
  allowedHosts?: readonly string[];
  version?: string;
  logger?: Logger;
}

export interface ApiServer {
  /** Starts listening; returns the base URL (http://127.0.0.1:PORT). Port 0 picks a free port. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly app: FastifyInstance;
  readonly jobs: FrameJobs;
  /** WebSocket delivery counters (sent, coalesced, dropped clients) across both endpoints. */
  readonly wsStats: () => { clients: number; sent: number; coalesced: number; droppedClients: number; queuedPeak: number };
}

const NO_QUERY = z.object({});
const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const frameBodyLimit = Math.ceil(limits.maxFrameBytes / 3) * 4 + 256 * 1024;
  const app = Fastify({
    logger: false, bodyLimit: limits.restBodyBytes, trustProxy: false, return503OnClosing: true, forceCloseConnections: true,
    // Router-level rejections (undecodable URL, over-long path parameter) get the same typed body as the rest.
    frameworkErrors: (err, _req, reply) => {
      const { status, body } = toHttpError(err);
      void (reply as FastifyReply).code(status).header('content-type', 'application/json; charset=utf-8').send(body);
    },
  });
  const hub = new WsHub(deps.ws);
  const offAccess = deps.onAccessChange?.(() => hub.recheck());
  const callbackPrivateHosts = deps.callbackPrivateHosts ?? (() => []);
  const jobs = new FrameJobs({ ...deps.jobs, callback: { ...DEFAULT_CALLBACK, ...deps.jobs?.callback, privateHosts: callbackPrivateHosts } });
  const dedup = new DedupCache({ ttlMs: deps.dedupTtlMs ?? 5000 });
  const { dispatcher, bus, authenticate } = deps;
  let allowed: readonly string[] | 'any' = deps.allowedHosts ?? LOOPBACK_HOSTS;

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toHttpError(err);
    if (status >= 500 && body.error.code === 'INTERNAL') deps.logger?.error({ err, url: req.url, method: req.method }, 'request failed');
    const retry = body.error.details?.retry_after_s;
    if (typeof retry === 'number') void reply.header('retry-after', String(retry));
    void reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  });

  // First: the plugin's own onRequest hook marks upgrade requests, and its onResponse hook destroys the socket of
  // an upgrade we answered with an HTTP error; a guard hook registered before it would skip both.
  await app.register(fastifyWebsocket, { options: { maxPayload: limits.wsMaxPayload } });
  // JSON only: a text/plain body is what a cross-site <form> can send without a CORS preflight.
  app.removeContentTypeParser('text/plain');
  registerSecurityHooks(app, () => allowed);
  const ui = await registerStaticUi(app, deps.rendererDir === undefined ? `${process.cwd()}/dist/renderer` : deps.rendererDir);
  app.setNotFoundHandler((req, reply) => {
    if (ui.spaFallback(req, reply)) return;
    void reply.code(404).send({ status: 'error', error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}` } });
  });

  // --- health
  const health = async () => deps.healthz();
  app.get('/healthz', health);
  app.get(`${REST_PREFIX}/health`, health);

  // --- contract RPC
  app.post(`${RPC_PREFIX}:method`, { bodyLimit: limits.rpcBodyBytes }, async (req, reply) => {
    const method = (req.params as { method: string }).method;
    const out = await dispatcher.dispatch(method, req.body ?? {}, callerOf(req, authenticate));
    if (method === 'auth.login' || method === 'auth.setup') {
      // The session secret goes into an HttpOnly cookie only: page scripts never see it.
      const { token, ...session } = out as { token?: string; expires_at: string };
      if (token) setSessionCookie(reply, token, session.expires_at, req.protocol === 'https');
      return session;
    }
    if (method === 'auth.logout') clearSessionCookie(reply);
    return out;
  });

  // --- REST adapter over the contract
  for (const r of restRoutes) {
    app.route({
      method: r.method, url: `${REST_PREFIX}${r.path}`,
      handler: async (req, reply) => {
        const caller = callerOf(req, authenticate);
        try {
          dispatcher.authorize(r.contract, caller);
        } catch (err) {
          // Refuse before parsing anything; dispatch() records the denial in the audit trail and throws.
          await dispatcher.dispatch(r.contract, undefined, caller);
          throw err;
        }
        const params = r.params ? parseOr400(r.params, req.params, 'path') : {};
        // Unknown query parameters are refused, not ignored: a misspelt filter must not silently return everything.
        const query = parseOr400((r.query ?? NO_QUERY).strict(), req.query, 'query');
        const body = req.body ?? {};
        if (typeof body !== 'object' || Array.isArray(body)) throw new VigilError('INVALID_REQUEST', 'body must be a JSON object');
        const input = r.toInput ? r.toInput({ params, query, body: body as Record<string, unknown> }) : { ...query, ...(body as object), ...params };
        const out = await dispatcher.dispatch(r.contract, input, caller);
        if (r.file) {
          const f = out as { filename: string; mime: string; data_base64: string };
          return reply.header('content-type', f.mime)
            .header('content-disposition', `attachment; filename="${f.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
            .send(Buffer.from(f.data_base64, 'base64'));
        }
        return reply.code(r.status ?? 200).send(out);
      },
    });
  }

  // --- push-mode frames
  app.post(`${REST_PREFIX}/detections/process-frame`, { bodyLimit: frameBodyLimit }, async (req, reply) => {
    const caller = callerOf(req, authenticate);
    requireCaller(caller, ['admin'], 'frames');
    const r = await processFrame(req.body, caller, bearerToken(req.headers.authorization), {
      analyzeFrame: deps.analyzeFrame, jobs, dedup, maxFrameBytes: limits.maxFrameBytes,
      mediaUrl: (ref) => `/media/${ref}`, allowCallback: deps.allowCallback ?? (() => true), callbackPrivateHosts,
    });
    return reply.code(r.status).send(r.body);
  });
  app.get(`${REST_PREFIX}/jobs/:id`, async (req) => {
    const caller = callerOf(req, authenticate);
    requireCaller(caller, ['admin'], 'frames');
    const id = (req.params as { id: string }).id;
    const job = /^job_[0-9a-f-]{36}$/.test(id) ? jobs.get(id, caller.tokenId ?? caller.user!.id) : null;
    if (!job) throw new VigilError('NOT_FOUND', `job ${id.slice(0, 80)} not found (jobs are kept for a limited time)`);
    return jobs.view(job);
  });

  let openapi: Record<string, unknown> | null = null;
  app.get(`${REST_PREFIX}/openapi.json`, async () => (openapi ??= buildOpenApi(restRoutes, deps.version ?? '0.0.0')));

  registerMediaRoutes(app, { mediaRoot: deps.mediaRoot, authenticate });
  registerLiveRoutes(app, { openLiveStream: deps.openLiveStream, authenticate });
  registerContractWs(app, { bus, authenticate, hub, liveJpegs: deps.liveJpegs, liveFmp4: deps.liveFmp4 });
  registerDetectionsWs(app, { bus, authenticate, hub });

  return {
    app,
    jobs,
    wsStats: () => ({ clients: hub.size, ...hub.totals }),
    async listen(port, host = '127.0.0.1') {
      if (!deps.allowedHosts) allowed = isLoopback(host) ? LOOPBACK_HOSTS : 'any';
      await app.listen({ port, host });
      const addr = app.server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${p}`;
    },
    async close() {
      jobs.close();
      offAccess?.();
      hub.close();
      await app.close();
    },
  };
}

function parseOr400(schema: z.ZodType, value: unknown, where: string): Record<string, unknown> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const field = issue?.path.map(String).join('.') || unknown || where;
    throw new VigilError('INVALID_REQUEST', `${where} ${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  return r.data as Record<string, unknown>;
}
