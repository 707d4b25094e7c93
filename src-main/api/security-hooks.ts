// Request guards and response headers every route gets:
// - Host header allow-list (DNS rebinding: a web page on evil.example resolving to 127.0.0.1 must not reach us).
// - Cross-site check for cookie-authenticated requests and WebSocket upgrades (Origin / Sec-Fetch-Site), on top
//   of the SameSite=Strict cookie and JSON-only bodies.
// - CSP and the usual hardening headers; API responses are never cached.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VigilError } from '../../src-contract/errors.ts';
import { SESSION_COOKIE } from '../../src-contract/http-transport.ts';
import { bearerToken } from '../auth/credentials.ts';

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

function hostname(hostHeader: string): string {
  // "[::1]:8080" → "[::1]", "example:80" → "example"
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1).toLowerCase();
  const colon = hostHeader.lastIndexOf(':');
  return (colon > 0 ? hostHeader.slice(0, colon) : hostHeader).toLowerCase();
}

function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    try {
      return new URL(origin).host.toLowerCase() === String(req.headers.host ?? '').toLowerCase();
    } catch {
      return false;
    }
  }
  return req.headers['sec-fetch-site'] !== 'cross-site';
}

export function registerSecurityHooks(app: FastifyInstance, allowedHosts: () => readonly string[] | 'any'): void {
  app.addHook('onRequest', async (req) => {
    const allowed = allowedHosts();
    if (allowed !== 'any' && !allowed.includes(hostname(String(req.headers.host ?? '')))) {
      throw new VigilError('FORBIDDEN', 'unexpected Host header; open the console through the address Vigil printed');
    }
    // Only a Bearer credential replaces the cookie (authenticate() falls back to the cookie for anything else, so a
    // `Authorization: Basic …` header must not exempt a cookie request from the cross-origin check).
    const usesCookie = (req.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`) && bearerToken(req.headers.authorization) === null;
    const unsafe = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    const upgrade = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if ((usesCookie && unsafe) || upgrade) {
      if (!sameOrigin(req)) throw new VigilError('FORBIDDEN', 'cross-origin request refused');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const host = String(req.headers.host ?? '');
    reply.header('content-security-policy', [
      "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "media-src 'self' blob:",
      `connect-src 'self' ws://${host} wss://${host}`, "font-src 'self' data:", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
    ].join('; '));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    // An HTTP answer to an upgrade request (refused, or not a WebSocket route) ends the connection.
    if (req.headers.upgrade) reply.header('connection', 'close');
    const url = req.url;
    if ((url.startsWith('/api/') || url.startsWith('/healthz')) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
