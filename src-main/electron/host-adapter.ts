// Binds the host core's transport-neutral parts (Dispatcher, TopicBus, authenticate, live streams, media root) to
// the shell's DesktopHost interface. The session model mirrors the HTTP transport: there the session secret lives
// in an HttpOnly cookie, here it lives in main, keyed by the window's session id, and is presented to
// `authenticate` as a bearer. The renderer never sees it.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { MethodName, SubscriptionFilter, TopicName } from '../../src-contract/api.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { Role } from '../../src-contract/schemas.ts';
import type { Caller, Dispatcher } from '../core/dispatcher.ts';
import type { TopicBus } from '../core/topic-bus.ts';
import { requireAccess, requireTopicAccess } from '../core/access.ts';
import type { Authenticate } from '../api/request-auth.ts';
import type { OpenLiveStream } from '../api/live-routes.ts';
import type { Host } from '../host/host.ts';
import { resolveExistingStatic } from './app-protocol.ts';
import type { DesktopHost, HostHealth, IpcCallContext, MediaBody } from './desktop-host.ts';

export interface HostParts {
  dispatcher: Pick<Dispatcher, 'dispatch'>;
  bus: Pick<TopicBus, 'subscribe'>;
  authenticate: Authenticate;
  /** Access changes (role, disable, sign-out, revocation): open subscriptions re-check their caller on each. */
  onAccessChange?: (listener: () => void) => () => void;
  healthz(): HostHealth | Promise<HostHealth>;
  /** Directory media references resolve against (the data directory). */
  mediaRoot: string;
  openLiveStream?: OpenLiveStream;
  close(): Promise<void>;
}

/** The parts of a started host (host/host.ts) the desktop adapter uses. */
export function partsOf(host: Host): HostParts {
  return {
    dispatcher: host.dispatcher,
    bus: host.bus,
    authenticate: (creds) => host.access.auth.authenticate(creds),
    onAccessChange: (listener) => host.access.auth.onAccessChange(listener),
    healthz: () => host.healthz(),
    mediaRoot: host.mediaRoot,
    openLiveStream: (cameraId, kind, signal) => host.openLiveStream(cameraId, kind, signal),
    close: () => host.close(),
  };
}

const MEDIA_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };
const VIEWERS: readonly Role[] = ['admin', 'guard'];
/** Open subscriptions are also re-checked this often, so a session that merely expires (idle or absolute limit)
 * stops its streams without any request. */
export const SUBSCRIPTION_RECHECK_MS = 15_000;

export function createDesktopHost(parts: HostParts, opts: { recheckMs?: number } = {}): DesktopHost & { sessionCount(): number; recheckSubscriptions(): void } {
  /** window session id → session secret from auth.login / auth.setup. */
  const secrets = new Map<string, string>();
  /** Live subscriptions with the rights they were granted under: re-checked on every access change. */
  const subscriptions = new Set<{ topic: TopicName; ctx: IpcCallContext; userId: string; role: Role; off: () => void }>();
  function recheckSubscriptions(): void {
    for (const sub of [...subscriptions]) {
      const now = callerFor(sub.ctx, true);
      let ok = now.user?.id === sub.userId && now.user?.role === sub.role;
      if (ok) {
        try { requireTopicAccess(now, sub.topic); } catch { ok = false; }
      }
      if (!ok) {
        sub.off();
        subscriptions.delete(sub);
      }
    }
  }
  const offAccess = parts.onAccessChange?.(recheckSubscriptions);
  const timer = setInterval(recheckSubscriptions, opts.recheckMs ?? SUBSCRIPTION_RECHECK_MS);
  timer.unref?.();

  function callerFor(ctx: IpcCallContext, peek = false): Caller {
    const token = secrets.get(ctx.sessionId);
    if (!token) return { user: null, origin: ctx.origin };
    try {
      return parts.authenticate({ token, origin: ctx.origin, peek });
    } catch {
      // Expired or revoked (password change elsewhere, user disabled): the window is signed out.
      secrets.delete(ctx.sessionId);
      return { user: null, origin: ctx.origin };
    }
  }

  function requireRole(ctx: IpcCallContext, roles: readonly Role[], what: string): void {
    requireAccess(callerFor(ctx), roles, what);
  }

  return {
    async dispatch(method: MethodName, input: unknown, ctx: IpcCallContext): Promise<unknown> {
      const out = await parts.dispatcher.dispatch(method, input, callerFor(ctx));
      if (method === 'auth.login' || method === 'auth.setup') {
        const token = (out as { token?: unknown }).token;
        if (typeof token !== 'string') throw new VigilError('INTERNAL', 'the host issued no session secret');
        secrets.set(ctx.sessionId, token);
      } else if (method === 'auth.logout') {
        secrets.delete(ctx.sessionId);
      }
      // Without an access-change feed (tests, older hosts), every call that may change rights re-checks.
      if (!parts.onAccessChange && (method === 'auth.logout' || method.startsWith('users.') || method.startsWith('tokens.') || method === 'auth.changePassword')) recheckSubscriptions();
      return out;
    },

    subscribe(topic: TopicName, filter: SubscriptionFilter, ctx: IpcCallContext, onEvent: (payload: unknown) => void): () => void {
      const user = requireTopicAccess(callerFor(ctx), topic);
      const sub = { topic, ctx, userId: user.id, role: user.role, off: parts.bus.subscribe(topic, filter, onEvent as never) };
      subscriptions.add(sub);
      return () => {
        sub.off();
        subscriptions.delete(sub);
      };
    },

    /** The window is gone: sign its session out in the host too, so the secret is dead, not just forgotten. */
    endSession(sessionId: string): void {
      const caller = callerFor({ origin: 'ipc', sessionId });
      secrets.delete(sessionId);
      recheckSubscriptions();
      if (caller.user) void Promise.resolve(parts.dispatcher.dispatch('auth.logout', {}, caller)).catch(() => {});
    },

    async openMedia(ref: string, ctx: IpcCallContext): Promise<MediaBody | null> {
      requireRole(ctx, VIEWERS, 'view media');
      const mime = MEDIA_TYPES[path.extname(ref).toLowerCase()];
      // Only images, and no hidden files or folders (the database, key file and logs sit in the same root).
      if (!mime || ref.split('/').some((seg) => seg === '' || seg.startsWith('.'))) return null;
      const file = await resolveExistingStatic(parts.mediaRoot, `/${ref.split('/').map(encodeURIComponent).join('/')}`).catch(() => null);
      if (!file) return null;
      return { body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, mime };
    },

    async openLive(cameraId: string, transport: 'fmp4' | 'mjpeg', ctx: IpcCallContext, signal: AbortSignal): Promise<MediaBody | null> {
      requireRole(ctx, VIEWERS, 'watch live video');
      if (!parts.openLiveStream) throw new VigilError('STREAM_UNAVAILABLE', 'live view is not available in this host');
      // Stop the camera's stream when the page stops reading as well as when the request is aborted.
      const ac = new AbortController();
      signal.addEventListener('abort', () => ac.abort(), { once: true });
      const opened = await parts.openLiveStream(cameraId, transport, ac.signal);
      const source = opened.stream instanceof Readable ? opened.stream : Readable.from(opened.stream, { objectMode: false });
      source.once('close', () => ac.abort());
      return { body: Readable.toWeb(source) as ReadableStream<Uint8Array>, mime: opened.contentType };
    },

    health: () => parts.healthz(),
    close: () => {
      clearInterval(timer);
      offAccess?.();
      return parts.close();
    },
    sessionCount: () => secrets.size,
    recheckSubscriptions,
  };
}
