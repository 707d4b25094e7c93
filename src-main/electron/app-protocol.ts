// The `app://vigil/` protocol: serves the built console from dist/renderer, plus /media/<ref> and /live/<camera>
// from the host. Static paths are decoded segment by segment and refused when a segment could climb out of the
// root (.., encoded slashes, backslashes, drive letters, NUL), then re-checked after symlinks are resolved.
// Every response carries the CSP, so the policy holds even if index.html is replaced.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CameraIdSchema } from '../../src-contract/camera-config.ts';
import { httpStatusOf } from '../../src-contract/errors.ts';
import { MediaRefSchema } from '../../src-contract/schemas.ts';
import type { IpcCallContext, MediaBody, MediaSource } from './desktop-host.ts';
import { toErrorBody } from './error-body.ts';
import { APP_HOST, APP_SCHEME } from './ipc-channels.ts';
import type { ShellLog } from './shell-log.ts';

/**
 * No inline script, no eval, nothing from the network: the console only talks to its own origin (IPC for calls,
 * app:// for media). data:/blob: images carry camera previews and captures; blob: media is MSE live video.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif',
  '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json',
};

export class PathRefusedError extends Error {
  override readonly name = 'PathRefusedError';
}

/**
 * Maps a URL pathname (still percent-encoded) to a file under `root`, or throws PathRefusedError.
 * Pure: does not touch the disk (see `resolveExistingStatic` for the symlink check).
 */
export function resolveStaticPath(root: string, pathname: string): string {
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new PathRefusedError('malformed percent-encoding');
    }
    if (seg === '.' || seg === '..' || /[/\\\0:]/.test(seg)) throw new PathRefusedError(`segment not allowed: ${JSON.stringify(seg).slice(0, 80)}`);
    segments.push(seg);
  }
  const base = path.resolve(root);
  const target = path.resolve(base, ...segments);
  if (target !== base && !target.startsWith(base + path.sep)) throw new PathRefusedError('path leaves the renderer root');
  return target;
}

/** resolveStaticPath plus the disk: the real path (symlinks followed) must still lie under the real root. */
export async function resolveExistingStatic(root: string, pathname: string): Promise<string | null> {
  const target = resolveStaticPath(root, pathname);
  let real: string;
  try {
    real = await realpath(target);
    if (!(await stat(real)).isFile()) return null;
  } catch {
    return null;
  }
  const realRoot = await realpath(root);
  if (!real.startsWith(realRoot + path.sep)) throw new PathRefusedError('path leaves the renderer root through a link');
  return real;
}

export interface AppProtocolOptions {
  /** Absolute path of the built console (dist/renderer). */
  rendererDir: string;
  media: MediaSource;
  /** The session of the window the request comes from (one main window: its session). */
  currentSession(): IpcCallContext | null;
  log: ShellLog;
}

const textResponse = (status: number, text: string, extra: Record<string, string> = {}) =>
  new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });

function mediaResponse(body: MediaBody, head: boolean): Response {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': body.mime, 'Cache-Control': 'no-store' };
  if (body.size !== undefined) headers['Content-Length'] = String(body.size);
  if (head) void body.body.cancel();
  return new Response(head ? null : body.body, { status: 200, headers });
}

/** The handler to give `protocol.handle('app', …)`. */
export function createAppProtocolHandler(opts: AppProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'bad url');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return textResponse(404, 'unknown host');
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed', { Allow: 'GET, HEAD' });
    const head = request.method === 'HEAD';
    try {
      if (url.pathname.startsWith('/media/')) return await serveMedia(url.pathname.slice('/media/'.length), head);
      if (url.pathname.startsWith('/live/')) return await serveLive(url.pathname.slice('/live/'.length), request.signal, head);
      return await serveStatic(url.pathname, head);
    } catch (err) {
      if (err instanceof PathRefusedError) {
        opts.log.warn({ url: request.url.slice(0, 200), reason: err.message }, 'app:// path refused');
        return textResponse(403, 'forbidden');
      }
      const body = toErrorBody(err, opts.log, { url: request.url.slice(0, 200) });
      return new Response(JSON.stringify({ status: 'error', error: body }), {
        status: httpStatusOf[body.code], headers: { ...SECURITY_HEADERS, 'Content-Type': 'application/json' },
      });
    }
  };

  async function serveStatic(pathname: string, head: boolean): Promise<Response> {
    // Client-side routes (no file extension) get the app shell.
    const wanted = pathname === '/' || path.posix.extname(pathname) === '' ? '/index.html' : pathname;
    const file = await resolveExistingStatic(opts.rendererDir, wanted);
    if (!file) return textResponse(404, 'not found');
    const data = await readFile(file);
    const ext = path.extname(file).toLowerCase();
    return new Response(head ? null : data, {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': MIME[ext] ?? 'application/octet-stream',
        'Content-Length': String(data.length),
        'Cache-Control': ext === '.html' ? 'no-cache' : 'max-age=31536000, immutable',
      },
    });
  }

  async function serveMedia(encodedRef: string, head: boolean): Promise<Response> {
    let ref: string;
    try {
      ref = decodeURIComponent(encodedRef);
    } catch {
      return textResponse(400, 'bad media reference');
    }
    if (!MediaRefSchema.safeParse(ref).success) return textResponse(400, 'bad media reference');
    const ctx = opts.currentSession();
    if (!ctx) return textResponse(401, 'sign in first');
    const body = await opts.media.openMedia(ref, ctx);
    return body ? mediaResponse(body, head) : textResponse(404, 'not found');
  }

  async function serveLive(name: string, signal: AbortSignal, head: boolean): Promise<Response> {
    const m = /^([^/]+)\.(mp4|mjpeg)$/.exec(name);
    const cameraId = m ? safeDecode(m[1]) : null;
    if (!m || cameraId === null || !CameraIdSchema.safeParse(cameraId).success) return textResponse(400, 'bad live stream name');
    const ctx = opts.currentSession();
    if (!ctx) return textResponse(401, 'sign in first');
    const body = await opts.media.openLive(cameraId, m[2] === 'mp4' ? 'fmp4' : 'mjpeg', ctx, signal);
    return body ? mediaResponse(body, head) : textResponse(404, 'no live stream');
  }
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Privileges for `protocol.registerSchemesAsPrivileged` (before app ready): a secure, standard, streaming origin. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
} as const;
