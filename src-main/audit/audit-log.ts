// The audit trail (who saw or changed what, tamper-evident): append-only rows chained by a keyed hash. Each row
// stores prev_hash and hash = HMAC-SHA256(key, prev_hash + canonical(row)) with a random key sealed by the
// KeyProvider (the OS keychain in the desktop app), so editing, inserting or deleting a row anywhere breaks every
// later link, and re-hashing the rest needs the key: a data-folder writer without it cannot produce a chain that
// verifies. `verify()` walks the chain and names the first row that does not fit. The head file (last row id +
// hash, HMAC'd with the key) catches a truncated tail; once rows exist, a missing or unauthenticated head file is
// a verification failure. Rows written before the key existed (databases from older versions) keep their sha256
// links; the first keyed row's HMAC covers its prev_hash, so they cannot be re-hashed either.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { VigilError } from '../../src-contract/errors.ts';
import type { Connections } from '../storage/repositories/connections.ts';
import type { KeyProvider } from '../security/key-provider.ts';
import { openSecret, sealSecret } from '../security/secret-box.ts';
import { storageHealth } from '../storage/storage-health.ts';

export type AuditType = 'data_access' | 'data_modification' | 'authentication' | 'consent' | 'system';
export type AuditResult = 'success' | 'denied' | 'error';

export interface AuditEntry {
  type: AuditType;
  userId: string | null;
  username: string | null;
  action: string;
  resource: string;
  personId?: string | null;
  origin?: string | null;
  result: AuditResult;
  reason?: string | null;
  /** Small structured facts (consent fields, counts, filters). Never secrets or names of people. */
  details?: Record<string, unknown> | null;
}

/** What other modules (auth, privacy) write through; the AuditLog implements it. */
export interface AuditSink {
  record(entry: AuditEntry): AuditRow;
}

export interface AuditRow {
  id: number;
  at: number;
  audit_type: AuditType;
  user_id: string | null;
  username: string | null;
  action: string;
  resource: string;
  person_id: string | null;
  origin: string | null;
  result: AuditResult;
  reason: string | null;
  details_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  userId?: string;
  action?: string;
  personId?: string;
  limit?: number;
  /** Id of the last row of the previous page (newest first). */
  cursor?: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  first_broken_id: number | null;
  reason: string | null;
  /** True when the chain is keyed (HMAC); false for a log written without a key provider. */
  keyed?: boolean;
}

/** One key epoch: rows with id >= fromId are HMAC'd with `key`. `recovered`: the key was missing at a start with
 *  rows already in the log (deleted?), so a new one was made and the rows before it cannot be vouched for. */
interface KeyEpoch { key: Buffer; fromId: number; recovered: boolean }

export const GENESIS_HASH = '0'.repeat(64);
const MAX_FIELD = 2000;

function canonical(r: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  // A fixed-order array: no dependence on object key order or on how a later version names fields.
  return JSON.stringify([r.id, r.at, r.audit_type, r.user_id, r.username, r.action, r.resource, r.person_id, r.origin, r.result, r.reason, r.details_json]);
}

/** The link of one row: HMAC-SHA256 with the epoch key, or plain sha256 for rows written before any key. */
export function chainHash(prevHash: string, row: Omit<AuditRow, 'prev_hash' | 'hash'>, key?: Buffer | null): string {
  const h = key ? createHmac('sha256', key) : createHash('sha256');
  return h.update(prevHash).update(canonical(row)).digest('hex');
}

const headMac = (key: Buffer, id: number, hash: string): string => createHmac('sha256', key).update(`vigil-audit-head\u0000${id}\u0000${hash}`).digest('hex');
const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const clip = (s: string | null | undefined): string | null => (s == null ? null : s.length > MAX_FIELD ? `${s.slice(0, MAX_FIELD)}…` : s);

export interface AuditLogOptions {
  now?: () => number;
  /** File beside the database holding the last row's id and hash; detects deletion of the newest rows. */
  headPath?: string;
  /** Seals the chain key. Without it the chain is unkeyed sha256 (tests of the chain mechanics only). */
  keys?: KeyProvider;
}

export class AuditLog implements AuditSink {
  readonly #writer: Database.Database;
  readonly #reader: Database.Database;
  readonly #now: () => number;
  readonly #headPath: string | undefined;
  readonly #last;
  readonly #nextId;
  readonly #anchor;
  readonly #insert;
  readonly #keys: KeyProvider | undefined;
  #epochs: KeyEpoch[] | null = null;

  constructor(db: Connections, opts: AuditLogOptions = {}) {
    this.#keys = opts.keys;
    this.#writer = db.writer;
    this.#reader = db.reader;
    this.#now = opts.now ?? Date.now;
    this.#headPath = opts.headPath;
    this.#last = db.writer.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
    this.#nextId = db.writer.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
    this.#anchor = db.writer.prepare<[], { through_id: number; through_hash: string }>('SELECT through_id, through_hash FROM audit_anchor WHERE one = 1');
    this.#insert = db.writer.prepare(
      `INSERT INTO audit_log (id, at, audit_type, user_id, username, action, resource, person_id, origin, result, reason, details_json, prev_hash, hash)
       VALUES (@id, @at, @audit_type, @user_id, @username, @action, @resource, @person_id, @origin, @result, @reason, @details_json, @prev_hash, @hash)`,
    );
  }

  #hasKeyTable(conn: Database.Database): boolean {
    return conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_key'").get() !== undefined;
  }

  #loadEpochs(conn: Database.Database): KeyEpoch[] {
    if (!this.#hasKeyTable(conn)) return [];
    const rows = conn.prepare<[], { sealed: Buffer }>('SELECT sealed FROM audit_key ORDER BY epoch').all();
    if (!this.#keys) {
      if (rows.length > 0) throw new Error('the chain is keyed but no key provider was given (verify where the host runs)');
      return [];
    }
    return conn.prepare<[], { sealed: Buffer }>('SELECT sealed FROM audit_key ORDER BY epoch').all().map((r) => {
      const v = JSON.parse(openSecret(this.#keys!, r.sealed)) as { key: string; from_id: number; recovered: boolean };
      return { key: Buffer.from(v.key, 'base64'), fromId: v.from_id, recovered: v.recovered };
    });
  }

  /**
   * Makes sure a chain key exists (call once at start-up, on the writer). A fresh log or one upgraded from an
   * unkeyed version (its head file, if any, matches the last row) gets its first key; a log with rows but no key
   * and an absent or keyed head file had its key deleted: a new key is made, marked `recovered`, and verify fails.
   */
  ensureKey(): void {
    if (!this.#keys || !this.#hasKeyTable(this.#writer)) return;
    this.#writer.transaction(() => {
      const epochs = this.#loadEpochs(this.#writer);
      if (epochs.length > 0) { this.#epochs = epochs; return; }
      const last = this.#last.get();
      const head = this.#readHead();
      const genuineUpgrade = !last || (head !== null && head.mac === undefined && head.id === last.id && head.hash === last.hash);
      const epoch = { key: randomBytes(32).toString('base64'), from_id: (this.#nextId.get()?.seq ?? 0) + 1, recovered: !genuineUpgrade };
      this.#writer.prepare('INSERT INTO audit_key (sealed, created_at) VALUES (?, ?)').run(sealSecret(this.#keys!, JSON.stringify(epoch)), this.#now());
      this.#epochs = this.#loadEpochs(this.#writer);
    }).immediate();
  }

  #epochFor(id: number, epochs: KeyEpoch[]): KeyEpoch | null {
    let found: KeyEpoch | null = null;
    for (const e of epochs) if (e.fromId <= id) found = e;
    return found;
  }

  record(entry: AuditEntry): AuditRow {
    if (this.#keys && this.#epochs === null) this.ensureKey();
    // IMMEDIATE: the read of the last hash and the insert are one step even with another process appending
    // (the CLI). Inside a caller's transaction this becomes a savepoint and commits or rolls back with it.
    const insert = this.#writer.transaction((): AuditRow => {
      const last = this.#last.get();
      const prev = last?.hash ?? this.#anchor.get()?.through_hash ?? GENESIS_HASH;
      const id = (this.#nextId.get()?.seq ?? 0) + 1;
      const base = {
        id, at: this.#now(), audit_type: entry.type, user_id: entry.userId, username: clip(entry.username),
        action: clip(entry.action) ?? '', resource: clip(entry.resource) ?? '', person_id: entry.personId ?? null,
        origin: clip(entry.origin ?? null), result: entry.result, reason: clip(entry.reason ?? null),
        details_json: entry.details ? clip(JSON.stringify(entry.details)) : null,
      };
      const key = this.#epochFor(id, this.#epochs ?? [])?.key ?? null;
      const full: AuditRow = { ...base, prev_hash: prev, hash: chainHash(prev, base, key) };
      this.#insert.run(full);
      return full;
    });
    let row: AuditRow;
    try {
      row = insert.immediate();
    } catch (err) {
      storageHealth.noteError(err);
      throw err;
    }
    // Every change writes an audit row: a stored one means the disk takes writes again.
    storageHealth.noteOk(); // (a failing outer COMMIT reports full again through its error)
    if (!this.#writer.inTransaction) this.#writeHead(row.id, row.hash);
    else this.#scheduleHead();
    return row;
  }

  #headPending = false;
  /** Inside a caller's transaction the row is not committed yet: record the head once that settles. */
  #scheduleHead(): void {
    if (!this.#headPath || this.#headPending) return;
    this.#headPending = true;
    setImmediate(() => {
      this.#headPending = false;
      if (this.#writer.inTransaction) return this.#scheduleHead();
      const last = this.#writer.open ? this.#last.get() : undefined;
      if (last) this.#writeHead(last.id, last.hash);
    });
  }

  list(q: AuditQuery = {}): { items: AuditRow[]; nextCursor: string | null } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.from !== undefined) { where.push('at >= @from'); params.from = q.from; }
    if (q.to !== undefined) { where.push('at <= @to'); params.to = q.to; }
    // The user filter takes the internal id or the username (case-insensitive): "guard1" finds guard1's rows.
    if (q.userId) { where.push('(user_id = @user OR username = @user COLLATE NOCASE)'); params.user = q.userId; }
    // An action, or a family of them: "persons" matches persons.create, persons.update, ...
    if (q.action) { where.push(`(action = @action OR action LIKE @actionFamily ESCAPE '\\')`); params.action = q.action; params.actionFamily = `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`; }
    if (q.personId) { where.push('person_id = @person'); params.person = q.personId; }
    if (q.cursor) {
      if (!/^\d{1,15}$/.test(q.cursor)) throw new VigilError('INVALID_REQUEST', 'cursor: not a cursor this list returned', { field: 'cursor' });
      where.push('id < @cursor');
      params.cursor = Number(q.cursor);
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    params.limit = limit + 1;
    const rows = this.#reader.prepare<Record<string, unknown>, AuditRow>(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`,
    ).all(params);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
  }

  /** Walks the whole chain in one read snapshot. */
  verify(): VerifyResult {
    const reader = this.#reader;
    return reader.transaction((): VerifyResult => {
      const anchor = reader.prepare<[], { through_id: number; through_hash: string }>('SELECT through_id, through_hash FROM audit_anchor WHERE one = 1').get();
      let prev = anchor?.through_hash ?? GENESIS_HASH;
      let prevId = anchor?.through_id ?? 0;
      let checked = 0;
      type PruneFacts = { through_id?: number; through_hash?: string };
      let lastPrune = null as PruneFacts | null;
      let epochs: KeyEpoch[];
      try {
        epochs = this.#loadEpochs(reader);
      } catch (err) {
        return { ok: false, checked: 0, first_broken_id: null, reason: `audit key cannot be opened: ${(err as Error).message}`, keyed: true };
      }
      const keyed = epochs.length > 0;
      const broken = (id: number | null, reason: string): VerifyResult => ({ ok: false, checked, first_broken_id: id, reason, keyed });
      const recovered = epochs.find((e) => e.recovered);
      if (recovered) return broken(recovered.fromId, `the audit key was missing when the host started with rows already in the log (deleted?): rows before ${recovered.fromId} cannot be vouched for`);
      let lastId = 0;
      for (const row of reader.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY id').iterate()) {
        if (row.id <= prevId) return broken(row.id, 'row id out of order');
        if (row.prev_hash !== prev) return broken(row.id, 'prev_hash does not match the previous row (a row before it was removed, added or changed)');
        const { prev_hash: _p, hash, ...rest } = row;
        const epoch = this.#epochFor(row.id, epochs);
        if (chainHash(prev, rest, epoch?.key ?? null) !== hash) return broken(row.id, epoch ? 'row content does not match its keyed hash (edited, or re-hashed without the key)' : 'row content does not match its hash (edited)');
        lastId = row.id;
        if (row.action === 'audit.prune' && row.details_json) lastPrune = JSON.parse(row.details_json) as PruneFacts;
        prev = hash;
        prevId = row.id;
        checked++;
      }
      // A pruned head must be vouched for by the prune record the pruning wrote into the chain.
      if (anchor && (!lastPrune || lastPrune.through_id !== anchor.through_id || lastPrune.through_hash !== anchor.through_hash)) {
        return broken(anchor.through_id + 1, 'retention anchor is not backed by an audit.prune record');
      }
      const head = this.#readHead();
      // Rows but no head file: deleted along with the newest rows, or rewritten unreadable. Never a skip.
      if (this.#headPath && !head && lastId > 0) {
        return broken(lastId, `the head file ${this.#headPath} is missing or unreadable (deleted?): the newest rows cannot be vouched for`);
      }
      if (head && keyed) {
        const epoch = this.#epochFor(head.id, epochs);
        if (epoch && (head.mac === undefined || !sameHex(head.mac, headMac(epoch.key, head.id, head.hash)))) {
          return broken(head.id, 'the head file is not authenticated by the audit key (rewritten?)');
        }
      }
      if (head && head.id > (anchor?.through_id ?? 0)) {
        const at = reader.prepare<[number], { hash: string }>('SELECT hash FROM audit_log WHERE id = ?').get(head.id);
        if (!at) return broken(head.id, `row ${head.id} was written but is missing (the log was truncated)`);
        if (at.hash !== head.hash) return broken(head.id, 'row differs from the one recorded in the head file');
      }
      return { ok: true, checked, first_broken_id: null, reason: null, keyed };
    })();
  }

  /**
   * Retention: removes rows older than `before` (ms) and records that it did, in the chain. Never silent: the
   * prune row names how many rows went and the hash the chain now starts from.
   */
  prune(before: number, by: { userId: string | null; username: string | null; origin?: string } = { userId: null, username: 'retention' }): { removed: number } {
    const out = this.#writer.transaction(() => {
      const last = this.#writer.prepare<[number], { id: number; hash: string }>('SELECT id, hash FROM audit_log WHERE at < ? ORDER BY id DESC LIMIT 1').get(before);
      if (!last) return { removed: 0, row: null };
      this.#writer.prepare('UPDATE audit_gate SET open = 1 WHERE one = 1').run();
      const removed = this.#writer.prepare('DELETE FROM audit_log WHERE id <= ?').run(last.id).changes;
      this.#writer.prepare('UPDATE audit_gate SET open = 0 WHERE one = 1').run();
      this.#writer.prepare(
        `INSERT INTO audit_anchor (one, through_id, through_hash, pruned_at) VALUES (1, @id, @hash, @now)
         ON CONFLICT (one) DO UPDATE SET through_id = excluded.through_id, through_hash = excluded.through_hash, pruned_at = excluded.pruned_at`,
      ).run({ id: last.id, hash: last.hash, now: this.#now() });
      const row = this.record({
        type: 'system', userId: by.userId, username: by.username, origin: by.origin ?? null, action: 'audit.prune', resource: 'audit_log',
        result: 'success', reason: `retention: removed ${removed} rows older than ${new Date(before).toISOString()}`,
        details: { removed, through_id: last.id, through_hash: last.hash },
      });
      return { removed, row };
    }).immediate();
    if (out.row && !this.#writer.inTransaction) this.#writeHead(out.row.id, out.row.hash);
    else if (out.row) this.#scheduleHead();
    return { removed: out.removed };
  }

  #writeHead(id: number, hash: string): void {
    if (!this.#headPath) return;
    mkdirSync(dirname(this.#headPath), { recursive: true });
    const tmp = `${this.#headPath}.tmp`;
    const key = this.#epochFor(id, this.#epochs ?? [])?.key;
    try {
      writeFileSync(tmp, JSON.stringify(key ? { id, hash, mac: headMac(key, id, hash) } : { id, hash }));
      renameSync(tmp, this.#headPath);
    } catch (err) {
      // A full disk must not crash the host from a timer: the head lags (the rows after it are still keyed, so
      // verify accepts them) and is rewritten with the next row.
      if (!storageHealth.noteError(err)) throw err;
    }
  }

  #readHead(): { id: number; hash: string; mac?: string } | null {
    if (!this.#headPath) return null;
    try {
      const v = JSON.parse(readFileSync(this.#headPath, 'utf8')) as { id?: unknown; hash?: unknown; mac?: unknown };
      return typeof v.id === 'number' && typeof v.hash === 'string' ? { id: v.id, hash: v.hash, ...(typeof v.mac === 'string' ? { mac: v.mac } : {}) } : null;
    } catch {
      return null;
    }
  }
}
