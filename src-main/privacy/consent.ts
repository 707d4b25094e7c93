// Consent per person (type, status, granted/expires, document version) and the recognition policy built on it.
// The pipeline asks `decision(personId, now)` for every face that matched someone: under the "block" policy a
// person without granted, unexpired consent is reported as unknown; under "flag" the match stands and the
// event is flagged `no_consent`. Consents are cached in memory so the question costs a Map lookup.
import type { z } from 'zod';
import type { ConsentSchema } from '../../src-contract/schemas.ts';
import type { Connections } from '../storage/repositories/connections.ts';

export type Consent = z.output<typeof ConsentSchema>;
export type ConsentPolicy = 'block' | 'flag';
export type ConsentDecision = 'allowed' | 'blocked' | 'flagged';

/** The consent type recognition depends on (ConsentSchema's default). */
export const RECOGNITION_CONSENT = 'biometric_recognition';

interface ConsentRow {
  person_id: string;
  type: string;
  status: Consent['status'];
  granted_at: number | null;
  expires_at: number | null;
  document_version: string | null;
}

interface Cached { status: Consent['status']; expiresAt: number | null }

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class ConsentStore {
  readonly #upsert;
  readonly #get;
  readonly #all;
  readonly #forPerson;
  #cache: Map<string, Cached> | null = null;

  constructor(db: Connections, private readonly policy: () => ConsentPolicy) {
    this.#upsert = db.writer.prepare(
      `INSERT INTO consents (person_id, type, status, granted_at, expires_at, document_version, updated_at, updated_by)
       VALUES (@person_id, @type, @status, @granted_at, @expires_at, @document_version, @now, @by)
       ON CONFLICT (person_id, type) DO UPDATE SET status = excluded.status, granted_at = excluded.granted_at,
       expires_at = excluded.expires_at, document_version = excluded.document_version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.#get = db.writer.prepare<[string, string], ConsentRow>('SELECT * FROM consents WHERE person_id = ? AND type = ?');
    this.#all = db.writer.prepare<[string], ConsentRow>('SELECT * FROM consents WHERE type = ?');
    this.#forPerson = db.writer.prepare<[string], ConsentRow>('SELECT * FROM consents WHERE person_id = ? ORDER BY type');
  }

  /** Writes a consent (the caller wraps it with its audit record in one transaction). */
  set(personId: string, c: Consent, by: string | null, now = Date.now()): Consent {
    this.#upsert.run({
      person_id: personId, type: c.type, status: c.status, granted_at: c.granted_at ? Date.parse(c.granted_at) : null,
      expires_at: c.expires_at ? Date.parse(c.expires_at) : null, document_version: c.document_version, now, by,
    });
    // Drop the cache rather than patch it: the write may still roll back with the caller's transaction.
    this.#cache = null;
    return this.get(personId, c.type) as Consent;
  }

  get(personId: string, type = RECOGNITION_CONSENT): Consent | null {
    const r = this.#get.get(personId, type);
    return r ? toConsent(r) : null;
  }

  listForPerson(personId: string): Consent[] {
    return this.#forPerson.all(personId).map(toConsent);
  }

  /** Forget cached state for a person (after erasure) or everything. */
  invalidate(): void {
    this.#cache = null;
  }

  /** True when the person has granted, unexpired recognition consent. */
  hasValidConsent(personId: string, now = Date.now()): boolean {
    if (!this.#cache) this.#cache = new Map(this.#all.all(RECOGNITION_CONSENT).map((r) => [r.person_id, { status: r.status, expiresAt: r.expires_at }]));
    const c = this.#cache.get(personId);
    return c !== undefined && c.status === 'granted' && (c.expiresAt === null || c.expiresAt > now);
  }

  decision(personId: string, now = Date.now()): ConsentDecision {
    if (this.hasValidConsent(personId, now)) return 'allowed';
    return this.policy() === 'block' ? 'blocked' : 'flagged';
  }

  /** The pipeline's question: may this match be reported as the person? (false → treat the face as unknown) */
  consentAllows(personId: string, now = Date.now()): boolean {
    return this.decision(personId, now) !== 'blocked';
  }
}

function toConsent(r: ConsentRow): Consent {
  return { type: r.type, status: r.status, granted_at: iso(r.granted_at), expires_at: iso(r.expires_at), document_version: r.document_version };
}
