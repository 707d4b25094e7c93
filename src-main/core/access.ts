// Role and token-scope checks, one implementation for every entry point: contract methods (Dispatcher),
// topic subscriptions (WebSocket and IPC), and the routes outside the contract table (media, live, frames).
import { topics, type MethodName, type TopicName } from '../../src-contract/api.ts';
import type { Role } from '../../src-contract/schemas.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { Caller } from './dispatcher.ts';

export type TokenScope = 'read' | 'write' | 'frames';

/** The caller's user when signed in with one of `roles` (and, for API tokens, `scope`); else a typed error.
 * `action` completes "<role> may not …"; `signIn` is the hint for a caller that is not signed in. */
export function requireAccess(caller: Caller, roles: readonly Role[], action: string, scope?: TokenScope, signIn = 'sign in first'): NonNullable<Caller['user']> {
  if (!caller.user) throw new VigilError('UNAUTHENTICATED', signIn);
  if (!roles.includes(caller.user.role)) throw new VigilError('FORBIDDEN', `${caller.user.role} may not ${action}`);
  if (scope && caller.tokenScopes && !caller.tokenScopes.includes(scope)) throw new VigilError('FORBIDDEN', `token lacks the "${scope}" scope to ${action}`);
  return caller.user;
}

/** Subscribing to a topic: the topic's roles from the contract, and the "read" scope for API tokens. */
export function requireTopicAccess(caller: Caller, topic: TopicName, signIn?: string): NonNullable<Caller['user']> {
  return requireAccess(caller, topics[topic].roles, `subscribe to ${topic}`, 'read', signIn);
}

/**
 * What API-token scopes allow (a token acts for the admin who made it, narrowed to its scopes):
 *   read   — contract methods that only read (isReadMethod), REST GETs, the detections WebSocket;
 *   write  — methods that change data (people, cameras, events, attendance, shifts);
 *   frames — POST /api/v1/process-frame and its jobs only.
 * Never with a token, whatever its scopes: account and credential management and site settings — a leaked
 * integration token must not mint more tokens, create or promote users, or reopen the callback allow-list.
 */
export const SESSION_ONLY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'users.list', 'users.create', 'users.update', 'tokens.list', 'tokens.create', 'tokens.revoke', 'auth.changePassword', 'settings.update',
]);

export function requireMethodScope(caller: Caller, method: MethodName): void {
  if (caller.tokenScopes && SESSION_ONLY_METHODS.has(method)) {
    throw new VigilError('FORBIDDEN', `${method} needs a console session; API tokens may not manage accounts, tokens or settings`);
  }
}
