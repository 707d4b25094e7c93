// Accounts, sign-in and API tokens behind the contract's auth.*, users.* and tokens.* methods, plus
// `authenticate()`, which every transport calls to turn request credentials into a Caller.
//
// First run: while no user exists, `auth.status` says setup_required and `auth.setup` creates the first admin.
// Headless, a one-time setup token (printed by `vigil serve`) must accompany it, so that whoever reaches the
// port first cannot claim the install; origins listed in `trustedSetupOrigins` (the Electron window, "ipc") skip it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { VigilError } from '../../src-contract/errors.ts';
import type { Role } from '../../src-contract/schemas.ts';
import type { AuditSink } from '../audit/audit-log.ts';
import type { Caller, Handlers } from '../core/dispatcher.ts';
import { commitAudit } from '../core/audit-scope.ts';
import type { Connections } from '../storage/repositories/connections.ts';
import { ApiTokenStore, looksLikeApiToken } from './api-tokens.ts';
import { bearerToken, sessionCookie, type RequestCredentials } from './credentials.ts';
import { LoginRateLimiter, type RateLimitOptions } from './login-rate-limit.ts';
import { DEFAULT_SCRYPT, dummyHash, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password.ts';
import { DEFAULT_SESSION_POLICY, SessionStore, sha256, type SessionPolicy } from './sessions.ts';
import { UsersRepository, toUserView, type UserRow } from './users.ts';

export interface AuthOptions {
  audit: AuditSink;
  now?: () => number;
  session?: Partial<SessionPolicy>;
  rateLimit?: Partial<RateLimitOptions>;
  scrypt?: ScryptParams;
  /** Caller origins that may run first-run setup without the setup token (the desktop window: "ipc"). */
  trustedSetupOrigins?: readonly string[];
}

export interface Auth {
  handlers: Handlers;
  /** Credentials → Caller. No credentials or a stale cookie give an anonymous caller (public methods still
   * work, the Dispatcher refuses the rest); a bad bearer token throws UNAUTHENTICATED. */
  authenticate(creds: RequestCredentials): Caller;
  /** The one-time setup token while setup is pending (print it on the console), else null. */
  setupToken(): string | null;
  /** Deletes expired sessions (also done at every sign-in). */
  purgeExpiredSessions(): number;
  users: UsersRepository;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  /** Calls `listener` after any change that can narrow what a signed-in caller may do (role change, disable,
   * password reset, sign-out, session or token revocation). Open streams re-check their caller on it. */
  onAccessChange(listener: () => void): () => void;
}

export function createAuth(db: Connections, opts: AuthOptions): Auth {
  const now = opts.now ?? Date.now;
  const scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
  const users = new UsersRepository(db);
  const sessions = new SessionStore(db, { ...DEFAULT_SESSION_POLICY, ...opts.session }, now);
  const tokens = new ApiTokenStore(db, now);
  const limiter = new LoginRateLimiter({ now, ...opts.rateLimit });
  const trusted = new Set(opts.trustedSetupOrigins ?? ['ipc']);
  const audit = opts.audit;
  let setupSecret: string | null = users.count() === 0 ? randomBytes(18).toString('base64url') : null;
  const accessListeners = new Set<() => void>();
  // After the handler's transaction: listeners re-authenticate and must see the committed change.
  const accessChanged = () => queueMicrotask(() => { for (const l of [...accessListeners]) l(); });

  const asCaller = (u: UserRow): NonNullable<Caller['user']> => ({ id: u.id, username: u.username, role: u.role });

  function newSession(u: UserRow, origin: string) {
    sessions.purgeExpired(); // sign-ins are rare: a good moment to drop dead sessions, no timer needed
    const s = sessions.create(u.id, origin);
    users.recordLogin(u.id, now());
    return { user: toUserView(users.get(u.id) as UserRow), expires_at: new Date(s.expiresAt).toISOString(), token: s.secret };
  }

  function checkSetupToken(given: string | undefined, origin: string): void {
    if (trusted.has(origin) || setupSecret === null) return;
    const a = Buffer.from(sha256(given ?? ''), 'hex');
    const b = Buffer.from(sha256(setupSecret), 'hex');
    if (!given || !timingSafeEqual(a, b)) throw new VigilError('FORBIDDEN', 'setup token missing or wrong: use the token `vigil serve` printed on its console', { field: 'setup_token' });
  }

  function assertNotLastAdmin(target: UserRow, change: string): void {
    if (target.role === 'admin' && target.disabled === 0 && users.activeAdmins() <= 1) {
      throw new VigilError('CONFLICT', `cannot ${change} the last active admin`);
    }
  }

  const handlers: Handlers = {
    'auth.status': (_input, caller) => {
      const setup = users.count() === 0;
      const user = caller.user ? users.get(caller.user.id) : null;
      return { setup_required: setup, user: user ? toUserView(user) : null, setup_token_required: setup && !trusted.has(caller.origin) };
    },

    'auth.setup': async (input, caller) => {
      checkSetupToken(input.setup_token, caller.origin);
      const hash = await hashPassword(input.password, scrypt);
      // Count and insert in one IMMEDIATE transaction: two racing setups cannot both create an admin.
      const user = db.writer.transaction(() => {
        if (users.count() > 0) throw new VigilError('CONFLICT', 'setup is already done; sign in instead');
        return users.create(input.username, hash, 'admin', now());
      }).immediate();
      setupSecret = null;
      audit.record({ type: 'authentication', userId: user.id, username: user.username, origin: caller.origin, action: 'auth.setup', resource: `user:${user.id}`, result: 'success', reason: 'first admin created' });
      return newSession(user, caller.origin);
    },

    'auth.login': async (input, caller) => {
      limiter.check(input.username, caller.origin);
      const user = users.byUsername(input.username);
      const good = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash(scrypt)));
      if (!user || !good || user.disabled === 1) {
        limiter.fail(input.username, caller.origin);
        audit.record({
          type: 'authentication', userId: user?.id ?? null, username: input.username.slice(0, 64), origin: caller.origin, action: 'auth.login',
          resource: user ? `user:${user.id}` : 'user:unknown', result: 'denied', reason: user?.disabled === 1 && good ? 'account disabled' : 'wrong username or password',
        });
        throw new VigilError('UNAUTHENTICATED', 'wrong username or password');
      }
      limiter.succeed(input.username, caller.origin);
      if (needsRehash(user.password_hash, scrypt)) users.setPassword(user.id, await hashPassword(input.password, scrypt), user.password_changed_at);
      audit.record({ type: 'authentication', userId: user.id, username: user.username, origin: caller.origin, action: 'auth.login', resource: `user:${user.id}`, result: 'success' });
      return newSession(user, caller.origin);
    },

    'auth.logout': (_input, caller) => {
      if (caller.sessionId) sessions.revoke(caller.sessionId);
      accessChanged();
      return { ok: true as const };
    },

    'auth.changePassword': async (input, caller) => {
      const user = users.get(caller.user!.id);
      if (!user) throw new VigilError('UNAUTHENTICATED', 'sign in first');
      limiter.check(user.username, caller.origin);
      if (!(await verifyPassword(input.old_password, user.password_hash))) {
        limiter.fail(user.username, caller.origin);
        throw new VigilError('FORBIDDEN', 'current password is wrong', { field: 'old_password' });
      }
      users.setPassword(user.id, await hashPassword(input.new_password, scrypt), now());
      sessions.revokeUser(user.id, caller.sessionId ?? null);
      accessChanged();
      return { ok: true as const };
    },

    'users.list': () => users.list().map(toUserView),

    'users.create': async (input) => {
      const hash = await hashPassword(input.password, scrypt);
      // The user and its audit row in one transaction: no unaudited account if the audit insert fails.
      return db.writer.transaction(() => {
        const view = toUserView(users.create(input.username, hash, input.role as Role, now()));
        commitAudit(view);
        return view;
      }).immediate();
    },

    'users.update': async (input, caller) => {
      const target = users.get(input.id);
      if (!target) throw new VigilError('NOT_FOUND', `user ${input.id} not found`);
      const hash = input.password !== undefined ? await hashPassword(input.password, scrypt) : null;
      db.writer.transaction(() => {
        const t = users.get(input.id) as UserRow;
        if (input.role !== undefined && input.role !== t.role) {
          assertNotLastAdmin(t, 'demote');
          users.setRole(t.id, input.role, now());
        }
        if (input.disabled !== undefined && input.disabled !== (t.disabled === 1)) {
          if (input.disabled) assertNotLastAdmin(t, 'disable');
          users.setDisabled(t.id, input.disabled, now());
        }
        if (hash) users.setPassword(t.id, hash, now());
        commitAudit({ id: t.id });
      }).immediate();
      // A disabled account or a password reset ends the user's sessions (the admin's own one survives a self-reset).
      if (input.disabled || hash) sessions.revokeUser(target.id, target.id === caller.user?.id ? caller.sessionId ?? null : null);
      accessChanged();
      return toUserView(users.get(input.id) as UserRow);
    },

    'tokens.list': () => tokens.list(),
    'tokens.create': (input, caller) => db.writer.transaction(() => {
      const t = tokens.create(input.name, input.scopes, caller.user!.id);
      commitAudit(t);
      return t;
    }).immediate(),
    'tokens.revoke': (input) => {
      db.writer.transaction(() => {
        tokens.revoke(input.id);
        commitAudit({ ok: true });
      }).immediate();
      accessChanged();
      return { ok: true as const };
    },
  };

  function authenticate(creds: RequestCredentials): Caller {
    const origin = creds.origin;
    const bearer = bearerToken(creds.authorization) ?? creds.token ?? null;
    if (bearer) {
      if (looksLikeApiToken(bearer)) {
        const { token, user } = tokens.authenticate(bearer);
        return { user: { ...asCaller(user), username: `${user.username} (token ${token.name})` }, tokenScopes: token.scopes, tokenId: token.id, origin };
      }
      // A session secret as a bearer (the Electron shell and scripts that signed in with auth.login).
      const s = sessions.validate(bearer, { touch: !creds.peek });
      if (!s) throw new VigilError('UNAUTHENTICATED', 'session expired or unknown; sign in again');
      return { user: asCaller(s.user), origin, sessionId: s.idHash };
    }
    const cookie = sessionCookie(creds.cookie);
    const s = cookie ? sessions.validate(cookie, { touch: !creds.peek }) : null;
    return s ? { user: asCaller(s.user), origin, sessionId: s.idHash } : { user: null, origin };
  }

  return {
    handlers,
    authenticate,
    setupToken: () => (users.count() === 0 ? setupSecret : null),
    purgeExpiredSessions: () => sessions.purgeExpired(),
    users,
    sessions,
    tokens,
    onAccessChange(listener) {
      accessListeners.add(listener);
      return () => accessListeners.delete(listener);
    },
  };
}
