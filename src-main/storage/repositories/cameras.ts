// Camera registry. The config is validated with the camera schema and stored as JSON, with the columns the host
// filters on (name, role, enabled, stream type, location) copied out. The password never reaches a column in clear:
// it is sealed by the KeyProvider, including one typed inside the URL (rtsp://user:pass@host), which is moved out.
import { CameraConfigSchema, type CameraConfig, type CameraConfigInput, type CameraRole, type CameraSource } from '../../../src-contract/camera-config.ts';
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

  constructor(db: Connections, private readonly keys: KeyProvider) {
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
  }

  create(input: CameraCreateInput, now = Date.now()): CameraRecord {
    const config = parseInput(CameraConfigSchema, { ...input, id: input.id ?? newId('cam') }, 'camera config');
    const { source, password } = splitPassword(config.source);
    const stored: CameraConfig = { ...config, source };
    try {
      this.#insert.run({ ...columns(stored), password_sealed: password ? sealSecret(this.keys, password) : null, now });
    } catch (err) {
      translateSqliteError(err, `camera ${config.id}`);
    }
    return { config: stored, hasPassword: Boolean(password), createdAt: now, updatedAt: now };
  }

  /**
   * Applies a patch. Password semantics (write-only secret): a source without `password` keeps the stored one
   * (when the source type still takes credentials), an empty string clears it, a string replaces it.
   */
  update(id: string, patch: CameraPatch, now = Date.now()): CameraRecord {
    const row = this.#getW.get(id);
    if (!row) throw new NotFoundError('camera', id);
    const current = JSON.parse(row.config_json) as CameraConfig;
    const config = parseInput(CameraConfigSchema, { ...current, ...patch, id }, 'camera config');
    const { source, password } = splitPassword(config.source);
    let sealed = row.password_sealed;
    const patchPassword = patch.source && 'password' in patch.source ? patch.source.password : undefined;
    if (!hasCredentialFields(source)) sealed = null;
    else if (patchPassword === '') sealed = null;
    else if (password) sealed = sealSecret(this.keys, password);
    const stored: CameraConfig = { ...config, source };
    this.#update.run({ ...columns(stored), password_sealed: sealed, now });
    return { config: stored, hasPassword: sealed !== null, createdAt: row.created_at, updatedAt: now };
  }

  get(id: string): CameraRecord | null {
    const row = this.#get.get(id);
    return row ? toRecord(row) : null;
  }

  list(options: { enabledOnly?: boolean } = {}): CameraRecord[] {
    return (options.enabledOnly ? this.#listEnabled : this.#list).all().map(toRecord);
  }

  /** The config with its password, for the camera runtime only. Never log or return the result to a client. */
  getWithSecret(id: string): CameraConfig {
    const row = this.#get.get(id);
    if (!row) throw new NotFoundError('camera', id);
    const config = JSON.parse(row.config_json) as CameraConfig;
    if (row.password_sealed && hasCredentialFields(config.source)) {
      return { ...config, source: { ...config.source, password: openSecret(this.keys, row.password_sealed) } } as CameraConfig;
    }
    return config;
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
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@?#]*)@/i.exec(url);
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

function toRecord(row: CameraRow): CameraRecord {
  return { config: JSON.parse(row.config_json) as CameraConfig, hasPassword: row.password_sealed !== null, createdAt: row.created_at, updatedAt: row.updated_at };
}
