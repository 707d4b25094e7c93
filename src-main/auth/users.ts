// Local console accounts. Usernames are unique case-insensitively; the password hash never leaves this module.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { VigilError } from '../../src-contract/errors.ts';
import type { Role, UserSchema } from '../../src-contract/schemas.ts';
import type { Connections } from '../storage/repositories/connections.ts';

export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: number;
  updated_at: number;
  password_changed_at: number;
  last_login_at: number | null;
}

export type UserView = z.output<typeof UserSchema>;

export function toUserView(r: UserRow): UserView {
  return {
    id: r.id, username: r.username, role: r.role, disabled: r.disabled === 1,
    created_at: new Date(r.created_at).toISOString(), last_login_at: r.last_login_at === null ? null : new Date(r.last_login_at).toISOString(),
  };
}

export class UsersRepository {
  readonly #byId;
  readonly #byName;
  readonly #all;
  readonly #count;
  readonly #activeAdmins;
  readonly #insert;
  readonly #setRole;
  readonly #setDisabled;
  readonly #setPassword;
  readonly #setLogin;

  constructor(db: Connections) {
    // Reads that decide a write go to the writer so they see this process's last commit.
    this.#byId = db.writer.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.#byName = db.writer.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
    this.#all = db.reader.prepare<[], UserRow>('SELECT * FROM users ORDER BY username');
    this.#count = db.writer.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
    this.#activeAdmins = db.writer.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0");
    this.#insert = db.writer.prepare(
      `INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at, password_changed_at)
       VALUES (@id, @username, @hash, @role, 0, @now, @now, @now)`,
    );
    this.#setRole = db.writer.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?');
    this.#setDisabled = db.writer.prepare('UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?');
    this.#setPassword = db.writer.prepare('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?');
    this.#setLogin = db.writer.prepare('UPDATE users SET last_login_at = ? WHERE id = ?');
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }

  activeAdmins(): number {
    return this.#activeAdmins.get()?.n ?? 0;
  }

  get(id: string): UserRow | null {
    return this.#byId.get(id) ?? null;
  }

  byUsername(username: string): UserRow | null {
    return this.#byName.get(username) ?? null;
  }

  list(): UserRow[] {
    return this.#all.all();
  }

  create(username: string, passwordHash: string, role: Role, now: number): UserRow {
    const id = `usr_${randomUUID()}`;
    try {
      this.#insert.run({ id, username, hash: passwordHash, role, now });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new VigilError('CONFLICT', `username "${username}" is taken`, { field: 'username' });
      throw err;
    }
    return this.get(id) as UserRow;
  }

  setRole(id: string, role: Role, now: number): void {
    this.#setRole.run(role, now, id);
  }

  setDisabled(id: string, disabled: boolean, now: number): void {
    this.#setDisabled.run(disabled ? 1 : 0, now, id);
  }

  setPassword(id: string, passwordHash: string, now: number): void {
    this.#setPassword.run(passwordHash, now, now, id);
  }

  recordLogin(id: string, now: number): void {
    this.#setLogin.run(now, id);
  }
}
