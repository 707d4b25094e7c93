// Consent records and the erasure journal (scope "privacy"; runs after the core schema, which owns persons).
import type { MigrationSet } from '../storage/migration-runner.ts';

export const privacyMigrations: MigrationSet = {
  scope: 'privacy',
  migrations: [
    {
      version: 1,
      name: 'consents and erasure jobs',
      up: `
CREATE TABLE consents (
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn', 'pending')),
  granted_at INTEGER,
  expires_at INTEGER,
  document_version TEXT,
  updated_at INTEGER NOT NULL,
  updated_by TEXT,
  PRIMARY KEY (person_id, type)
) STRICT;

-- One row per "forget this person". person_id has no foreign key: the person row is gone when the job exists.
-- completed_at stays NULL until every file the erasure queued for deletion is gone from disk.
CREATE TABLE erasure_jobs (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by TEXT,
  events_policy TEXT NOT NULL CHECK (events_policy IN ('anonymise', 'delete')),
  created_at INTEGER NOT NULL,
  files_total INTEGER NOT NULL,
  rows_json TEXT NOT NULL,
  completed_at INTEGER
) STRICT;
CREATE INDEX erasure_jobs_open ON erasure_jobs(completed_at) WHERE completed_at IS NULL;
`,
    },
  ],
};
