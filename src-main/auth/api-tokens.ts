// API tokens for integrations: `vgl_<24 hex id>_<43 char secret>`, shown once at creation and stored as the
// secret's sha256 (the secret is 256 random bits, so a fast hash is enough; no KDF needed). Each token acts for
// the admin who created it, narrowed to its scopes, and stops working when revoked or when that admin is disabled.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { VigilError } from '../../src-contract/errors.ts';
import type { TokenSchema } from '../../src-contract/schemas.ts';
import type { Connections } from '../storage/repositories/connections.ts';
import { sha256 } from './sessions.ts';
import type { UserRow } from './users.ts';
import { storageHealth } from '../storage/storage-health.ts';

export type TokenScope = 'read' | 'write' | 'frames';
export type TokenView = z.output<typeof TokenSchema>;

interface TokenRow {
  id: string;
  name: string;
  secret_hash: string;
  scopes_json: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const TOKEN_RE = /^vgl_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;
export const looksLikeApiToken = (s: string): boolean => s.startsWith('vgl_');

function toView(r: TokenRow): TokenView {
  return {
    id: r.id, name: r.name, scopes: JSON.parse(r.scopes_json) as TokenScope[], created_at: new Date(r.created_at).toISOString(),
    last_used_at: r.last_used_at === null ? null : new Date(r.last_used_at).toISOString(), revoked: r.revoked_at !== null,
  };
}

export class ApiTokenStore {
  readonly #insert;
  readonly #get;
  readonly #list;
  readonly #revoke;
  readonly #used;
  readonly #creator;

  constructor(db: Connections, private readonly now: () => number, private readonly touchEveryMs = 60_000) {
    this.#insert = db.writer.prepare('INSERT INTO api_tokens (id, name, secret_hash, scopes_json, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#get = db.writer.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?');
    this.#list = db.reader.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at DESC, id');
    this.#revoke = db.writer.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.#used = db.writer.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
    this.#creator = db.writer.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  }

  create(name: string, scopes: TokenScope[], createdBy: string): TokenView & { secret: string } {
    const hexId = randomBytes(12).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const id = `tok_${hexId}`;
    this.#insert.run(id, name, sha256(secret), JSON.stringify([...new Set(scopes)].sort()), createdBy, this.now());
    return { ...toView(this.#get.get(id) as TokenRow), secret: `vgl_${hexId}_${secret}` };
  }

  list(): TokenView[] {
    return this.#list.all().map(toView);
  }

  revoke(id: string): void {
    const row = this.#get.get(id);
    if (!row) throw new VigilError('NOT_FOUND', `token ${id} not found`);
    this.#revoke.run(this.now(), id);
  }

  /** The token's row and acting user, or throws UNAUTHENTICATED. */
  authenticate(bearer: string): { token: TokenView; user: UserRow } {
    const m = TOKEN_RE.exec(bearer);
    const row = m ? this.#get.get(`tok_${m[1]}`) : undefined;
    const given = Buffer.from(sha256(m?.[2] ?? ''), 'hex');
    const ok = row !== undefined && timingSafeEqual(given, Buffer.from(row.secret_hash, 'hex'));
    if (!ok || !row || row.revoked_at !== null) throw new VigilError('UNAUTHENTICATED', 'invalid or revoked API token');
    const user = this.#creator.get(row.created_by);
    if (!user || user.disabled === 1) throw new VigilError('UNAUTHENTICATED', 'the account that issued this token is disabled');
    const now = this.now();
    if (row.last_used_at === null || now - row.last_used_at >= this.touchEveryMs) {
      try {
        this.#used.run(now, row.id);
      } catch (err) {
        if (!storageHealth.noteError(err)) throw err; // disk full: "last used" is not worth failing a read
      }
    }
    return { token: toView(row), user };
  }
}
