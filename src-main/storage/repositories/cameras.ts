// Camera registry. The config is validated with the camera schema and stored as JSON, with the columns the host
// filters on (name, role, enabled, stream type, location) copied out. No secret reaches a column in clear: the
// contract declares which fields are secrets (splitCameraSecrets: password, header values, sensitive URL query
// parameters, and the detect stream URL's password and query tokens); they are sealed together by the KeyProvider into `password_sealed`, and config_json keeps
// placeholders. A password typed inside the URL (rtsp://user:pa@ss@host) is moved out, split at the LAST "@".
import {
  CameraConfigSchema, joinCameraSecrets, splitCameraSecrets, type CameraConfig, type CameraConfigInput, type CameraRole, type CameraSource,
  type SourceSecrets,
} from '../../../src-contract/camera-config.ts';
import { openSecret, sealSecret } from '../../security/secret-box.ts';
import type { KeyProvider } from '../../security/key-provider.ts';
import { ConflictError, NotFoundError, translateSqliteError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../input-validation.ts';
import type { Connections } from './connections.ts';

/** A stored camera as everyone but the camera runtime sees it: no password, a flag instead. */
export interface CameraRecord {
  config: CameraConfig;
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
}

interface CameraRow {
  id: string;
  config_json: string;
  password_sealed: Buffer | null;
  created_at: number;
  updated_at: number;
}

export type CameraCreateInput = Omit<CameraConfigInput, 'id'> & { id?: string };
export type CameraPatch = Partial<Omit<CameraConfigInput, 'id'>>;

export class CamerasRepository {
  readonly #get;
  readonly #getW;
  readonly #list;
  readonly #listEnabled;
  readonly #insert;
  readonly #update;
  readonly #delete;

  readonly #db: Connections;

  constructor(db: Connections, private readonly keys: KeyProvider) {
    this.#db = db;
    this.#get = db.reader.prepare<[string], CameraRow>('SELECT id, config_json, password_sealed, created_at, updated_at FROM cameras WHERE id = ?');
    this.#getW = db.writer.prepare<[string], CameraRow>('SELECT id, config_json, password_sealed, created_at, updated_at FROM cameras WHERE id = ?');
    this.#list = db.reader.prepare<[], CameraRow>('SELECT id, config_json, password_sealed, created_at, updated_at FROM cameras ORDER BY name, id');
    this.#listEnabled = db.reader.prepare<[], CameraRow>('SELECT id, config_json, password_sealed, created_at, updated_at FROM cameras WHERE enabled = 1 ORDER BY name, id');
    this.#insert = db.writer.prepare(
      `INSERT INTO cameras (id, name, role, enabled, stream_type, location, config_json, password_sealed, created_at, updated_at)
       VALUES (@id, @name, @role, @enabled, @stream_type, @location, @config_json, @password_sealed, @now, @now)`,
    );
    this.#update = db.writer.prepare(
      `UPDATE cameras SET name = @name, role = @role, enabled = @enabled, stream_type = @stream_type, location = @location,
       config_json = @config_json, password_sealed = @password_sealed, updated_at = @now WHERE id = @id`,
    );
    this.#delete = db.writer.prepare('DELETE FROM cameras WHERE id = ?');
    this.#sealClearSecrets();
  }

  /** Upgrade: rows written before header values and URL query tokens were secrets hold them in config_json in
   *  clear. Move them into the sealed blob (idempotent: a row with only placeholders is left alone). */
  #sealClearSecrets(): void {
    const rows = this.#db.writer.prepare<[], CameraRow>('SELECT id, config_json, password_sealed, created_at, updated_at FROM cameras').all();
    const fix = this.#db.writer.prepare('UPDATE cameras SET config_json = ?, password_sealed = ? WHERE id = ?');
    this.#db.writer.transaction(() => {
      for (const row of rows) {
        const config = JSON.parse(row.config_json) as CameraConfig;
        const { config: sealed, secrets } = splitCameraSecrets(config);
        if (!secrets.headers && !secrets.query && !secrets.password && !secrets.detect) continue;
        const merged = { ...this.#open(row.password_sealed), ...secrets };
        fix.run(JSON.stringify(sealed), this.#seal(merged), row.id);
      }
    })();
  }

  #seal(secrets: SourceSecrets): Buffer | null {
    const has = secrets.password || Object.keys(secrets.headers ?? {}).length || Object.keys(secrets.query ?? {}).length || secrets.detect;
    return has ? sealSecret(this.keys, SEALED_V2 + JSON.stringify(secrets)) : null;
  }

  #open(sealed: Buffer | null): SourceSecrets {
    if (!sealed) return {};
    const text = openSecret(this.keys, sealed);
    // Before v2 the blob was the bare password.
    return text.startsWith(SEALED_V2) ? (JSON.parse(text.slice(SEALED_V2.length)) as SourceSecrets) : { password: text };
  }

  create(input: CameraCreateInput, now = Date.now()): CameraRecord {
    const config = parseInput(CameraConfigSchema, { ...input, id: input.id ?? newId('cam') }, 'camera config');
    const { source: plain, password } = splitPassword(config.source);
    const { config: stored, secrets } = splitCameraSecrets({ ...config, source: password ? ({ ...plain, password } as CameraSource) : plain });
    try {
      this.#insert.run({ ...columns(stored), password_sealed: this.#seal(secrets), now });
    } catch (err) {
      translateSqliteError(err, `camera ${config.id}`);
    }
    return { config: stored, hasPassword: Boolean(secrets.password), createdAt: now, updatedAt: now };
  }

  /**
   * Applies a patch. Password semantics (write-only secret): a source without `password` keeps the stored one
   * (when the source type still takes credentials), an empty string clears it, a string replaces it.
   */
  update(id: string, patch: CameraPatch, now = Date.now()): CameraRecord {
    const row = this.#getW.get(id);
    if (!row) throw new NotFoundError('camera', id);
    const current = JSON.parse(row.config_json) as CameraConfig;
    const old = this.#open(row.password_sealed);
    const config = parseInput(CameraConfigSchema, { ...current, ...patch, id }, 'camera config');
    const { source: plain, password } = splitPassword(config.source);
    // Placeholders (REDACTED_SECRET) the client sent back keep the stored header values, query tokens and the
    // detect stream's password and tokens.
    const { config: split, secrets } = splitCameraSecrets(joinCameraSecrets({ ...config, source: plain }, old));
    const { source } = split;
    const patchPassword = patch.source && 'password' in patch.source ? patch.source.password : undefined;
    if (!hasCredentialFields(source) || patchPassword === '') delete secrets.password;
    else if (password) secrets.password = password;
    else if (old.password) secrets.password = old.password;
    const stored: CameraConfig = split;
    this.#update.run({ ...columns(stored), password_sealed: this.#seal(secrets), now });
    return { config: stored, hasPassword: Boolean(secrets.password), createdAt: row.created_at, updatedAt: now };
  }

  get(id: string): CameraRecord | null {
    const row = this.#get.get(id);
    return row ? this.#toRecord(row) : null;
  }

  list(options: { enabledOnly?: boolean } = {}): CameraRecord[] {
    return (options.enabledOnly ? this.#listEnabled : this.#list).all().map((r) => this.#toRecord(r));
  }

  /** The config with its password, for the camera runtime only. Never log or return the result to a client. */
  getWithSecret(id: string): CameraConfig {
    const row = this.#get.get(id);
    if (!row) throw new NotFoundError('camera', id);
    const config = JSON.parse(row.config_json) as CameraConfig;
    return joinCameraSecrets(config, this.#open(row.password_sealed));
  }

  #toRecord(row: CameraRow): CameraRecord {
    return { config: JSON.parse(row.config_json) as CameraConfig, hasPassword: Boolean(this.#open(row.password_sealed).password), createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Deletes the camera; its events and log lines keep their camera_name, camera_id becomes null. */
  remove(id: string): void {
    const r = this.#delete.run(id);
    if (r.changes === 0) throw new NotFoundError('camera', id);
  }
}

type CredentialSource = Extract<CameraSource, { password?: string }>;

function hasCredentialFields(source: CameraSource): source is CredentialSource {
  return source.type === 'rtsp' || source.type === 'http_mjpeg' || source.type === 'websocket';
}

/** Takes the password out of a source: the explicit field, or else one embedded in the URL's userinfo. */
function splitPassword(source: CameraSource): { source: CameraSource; password: string | null } {
  if (!hasCredentialFields(source)) return { source, password: null };
  const { password, ...rest } = source;
  let url = rest.url;
  let username = rest.username;
  let embedded: string | null = null;
  // Greedy up to the LAST "@" of the authority: an unencoded "@" in the password (u:pa@ss@host) stays in it.
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i.exec(url);
  if (m && m[2].includes(':')) {
    const [user, pass] = [m[2].slice(0, m[2].indexOf(':')), m[2].slice(m[2].indexOf(':') + 1)];
    embedded = safeDecode(pass);
    username ??= safeDecode(user) || undefined;
    url = m[1] + (user ? `${user}@` : '') + url.slice(m[0].length);
  }
  if (password && embedded && password !== embedded) {
    throw new ConflictError('camera source has one password in the URL and another in the password field', 'source.password');
  }
  const next = { ...rest, url, ...(username !== undefined ? { username } : {}) } as CameraSource;
  return { source: next, password: password || embedded || null };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function columns(c: CameraConfig): { id: string; name: string; role: CameraRole; enabled: number; stream_type: string; location: string; config_json: string } {
  return { id: c.id, name: c.name, role: c.role, enabled: c.enabled ? 1 : 0, stream_type: c.source.type, location: c.location, config_json: JSON.stringify(c) };
}

/** Marks a sealed blob holding every secret of a source (JSON), not the bare password of older rows. */
const SEALED_V2 = '\u0000vigil-secrets-v2:';
