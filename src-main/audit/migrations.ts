// Audit trail tables (scope "audit"). Rows are append-only: triggers refuse UPDATE always and DELETE unless the
// retention prune opened the gate in its own transaction, so no other code path can drop or edit a record by
// accident. The hash chain (audit-log.ts) is what detects deliberate edits made outside the application.
import type { MigrationSet } from '../storage/migration-runner.ts';

export const auditMigrations: MigrationSet = {
  scope: 'audit',
  migrations: [
    {
      version: 1,
      name: 'audit log with hash chain',
      up: `
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  audit_type TEXT NOT NULL CHECK (audit_type IN ('data_access', 'data_modification', 'authentication', 'consent', 'system')),
  user_id TEXT,
  username TEXT,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  person_id TEXT,
  origin TEXT,
  result TEXT NOT NULL CHECK (result IN ('success', 'denied', 'error')),
  reason TEXT,
  details_json TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_person ON audit_log(person_id, id) WHERE person_id IS NOT NULL;
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);

-- Where the chain starts after a retention prune: the last removed row's id and hash.
CREATE TABLE audit_anchor (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  through_id INTEGER NOT NULL,
  through_hash TEXT NOT NULL,
  pruned_at INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_gate (one INTEGER PRIMARY KEY CHECK (one = 1), open INTEGER NOT NULL CHECK (open IN (0, 1))) STRICT;
INSERT INTO audit_gate (one, open) VALUES (1, 0);

CREATE TRIGGER audit_log_immutable BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log rows are immutable'); END;
CREATE TRIGGER audit_log_append_only BEFORE DELETE ON audit_log WHEN (SELECT open FROM audit_gate WHERE one = 1) = 0
BEGIN SELECT RAISE(ABORT, 'audit_log rows are removed only by the audit retention prune'); END;
`,
    },
    {
      version: 2,
      name: 'keyed audit chain (HMAC key epochs sealed by the key provider)',
      // One row per key epoch: sealed JSON {key, from_id, recovered}. Rows with id >= from_id are HMAC'd with that
      // key; older rows keep the sha256 chain they were written with (their successor's HMAC still covers them).
      up: `
CREATE TABLE audit_key (
  epoch INTEGER PRIMARY KEY AUTOINCREMENT,
  sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
`,
    },
  ],
};
