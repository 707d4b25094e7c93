// Typed storage errors: callers (API layer, CLI) map them to user-facing messages/HTTP codes by class.

export class StorageError extends Error {
  override readonly name: string = 'StorageError';
}

/** The database file failed `PRAGMA quick_check` or is not a SQLite database. */
export class DatabaseCorruptError extends StorageError {
  override readonly name = 'DatabaseCorruptError';
  constructor(readonly path: string, readonly problems: string[], options?: { cause?: unknown }) {
    super(`database ${path} failed its integrity check: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`, options);
  }
}

export class MigrationError extends StorageError {
  override readonly name = 'MigrationError';
  constructor(message: string, readonly scope: string, readonly version?: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class NotFoundError extends StorageError {
  override readonly name = 'NotFoundError';
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} not found`);
  }
}

/** A uniqueness or reference rule would be broken (duplicate employee id, unknown person id...). */
export class ConflictError extends StorageError {
  override readonly name = 'ConflictError';
  constructor(message: string, readonly field?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class InvalidInputError extends StorageError {
  override readonly name = 'InvalidInputError';
  constructor(message: string, readonly issues: Array<{ path: string; message: string }> = []) {
    super(issues.length ? `${message}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}` : message);
  }
}

export class StorageClosedError extends StorageError {
  override readonly name = 'StorageClosedError';
  constructor() {
    super('the store is closed');
  }
}

/** Maps better-sqlite3 constraint failures to typed errors; rethrows anything else unchanged. */
export function translateSqliteError(err: unknown, what: string): never {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const m = /UNIQUE constraint failed: \w+\.(\w+)/.exec((err as Error).message);
    throw new ConflictError(`${what}: ${m ? `${m[1]} already exists` : 'duplicate'}`, m?.[1], { cause: err });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new ConflictError(`${what}: refers to a row that does not exist or is still referenced`, undefined, { cause: err });
  if (code === 'SQLITE_CONSTRAINT_CHECK') throw new InvalidInputError(`${what}: value out of range (${(err as Error).message})`);
  throw err;
}
