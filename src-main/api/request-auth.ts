// Caller resolution and the session cookie for HTTP requests and WebSocket upgrades.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../src-contract/http-transport.ts';
import type { Role } from '../../src-contract/schemas.ts';
import type { RequestCredentials } from '../auth/credentials.ts';
import type { Caller } from '../core/dispatcher.ts';
import { requireAccess } from '../core/access.ts';

export type Authenticate = (creds: RequestCredentials) => Caller;

const CALLER = Symbol('vigil.caller');
type WithCaller = FastifyRequest & { [CALLER]?: Caller };

export function credentialsOf(req: FastifyRequest, queryToken?: string): RequestCredentials {
  return { cookie: req.headers.cookie, authorization: req.headers.authorization, token: queryToken, origin: req.ip };
}

/** The request's caller, resolved once per request (a bad bearer token throws UNAUTHENTICATED). */
export function callerOf(req: FastifyRequest, authenticate: Authenticate, queryToken?: string): Caller {
  const r = req as WithCaller;
  r[CALLER] ??= authenticate(credentialsOf(req, queryToken));
  return r[CALLER];
}

/** For routes outside the contract table (media, live, frames): role and token-scope checks in one place. */
export function requireCaller(caller: Caller, roles: readonly Role[], scope: 'read' | 'write' | 'frames'): NonNullable<Caller['user']> {
  return requireAccess(caller, roles, 'use this endpoint', scope, 'sign in or send an API token');
}

export function setSessionCookie(reply: FastifyReply, secret: string, expiresAt: string, secure: boolean): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  reply.header('set-cookie', `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}
