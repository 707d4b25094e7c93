// Console sessions: a random 256-bit secret in an HttpOnly cookie (or held by the Electron shell), stored as its
// sha256. A session ends at whichever comes first: idle timeout since the last request, or the absolute limit.
import { createHash, randomBytes } from 'node:crypto';
import type { Connections } from '../storage/repositories/connections.ts';
import type { UserRow } from './users.ts';
import { storageHealth } from '../storage/storage-health.ts';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  /** last_seen_at is written at most this often (a request per second must not mean a write per second). */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000, touchEveryMs: 60_000 };

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export interface ValidSession {
  idHash: string;
  user: UserRow;
  expiresAt: number;
}

export class SessionStore {
  readonly #insert;
  readonly #lookup;
  readonly #touch;
  readonly #delete;
  readonly #deleteUser;
  readonly #purge;

  constructor(db: Connections, private readonly policy: SessionPolicy, private readonly now: () => number) {
    this.#insert = db.writer.prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, origin) VALUES (?, ?, ?, ?, ?, ?)');
    this.#lookup = db.writer.prepare<[string], UserRow & { s_last_seen: number; s_expires: number }>(
      `SELECT u.*, s.last_seen_at AS s_last_seen, s.expires_at AS s_expires FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
    );
    this.#touch = db.writer.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?');
    this.#delete = db.writer.prepare('DELETE FROM sessions WHERE id_hash = ?');
    this.#deleteUser = db.writer.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?');
    this.#purge = db.writer.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');
  }

  create(userId: string, origin: string): { secret: string; idHash: string; expiresAt: number } {
    const secret = randomBytes(32).toString('base64url');
    const idHash = sha256(secret);
    const now = this.now();
    const expiresAt = now + this.policy.absoluteMs;
    this.#insert.run(idHash, userId, now, now, expiresAt, origin.slice(0, 200));
    return { secret, idHash, expiresAt };
  }

  /** The session's user when the secret is known, unexpired, and the user is enabled; refreshes the idle timer. */
  validate(secret: string, opts: { touch?: boolean } = {}): ValidSession | null {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const idHash = sha256(secret);
    const row = this.#lookup.get(idHash);
    if (!row) return null;
    const now = this.now();
    if (row.s_expires <= now || row.s_last_seen + this.policy.idleMs <= now || row.disabled === 1) {
      this.#delete.run(idHash);
      return null;
    }
    if (opts.touch !== false && now - row.s_last_seen >= this.policy.touchEveryMs) {
      // A full disk must not turn every signed-in read into an error: skip the refresh (the idle timer counts
      // from the last refresh that was stored) and carry on.
      try {
        this.#touch.run(now, idHash);
      } catch (err) {
        if (!storageHealth.noteError(err)) throw err;
      }
    }
    const { s_last_seen: _l, s_expires, ...user } = row;
    return { idHash, user, expiresAt: s_expires };
  }

  revoke(idHash: string): void {
    this.#delete.run(idHash);
  }

  /** Ends every session of a user (password change, disable), optionally keeping the caller's own. */
  revokeUser(userId: string, keepIdHash: string | null = null): void {
    this.#deleteUser.run(userId, keepIdHash);
  }

  purgeExpired(): number {
    const now = this.now();
    return this.#purge.run(now, now - this.policy.idleMs).changes;
  }
}
