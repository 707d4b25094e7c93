// The 'embedders' scope (issue 16): a template row is one enrolment photo (face crop under the data dir) with the
// embedding of the embedder that enrolled it (face_templates.model). Switching embedders re-embeds those photos;
// the other embedders' vectors live here, one per (template, model), and die with their template. A gallery is
// always built from ONE model's vectors, never a mix. Own scope so the core numbers stay free.
import type { MigrationSet } from '../migration-runner.ts';

const V1 = `
CREATE TABLE template_embeddings (
  template_id TEXT NOT NULL REFERENCES face_templates(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  embedding BLOB NOT NULL,
  dim INTEGER NOT NULL CHECK (dim > 0 AND length(embedding) = dim * 4),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (template_id, model)
) STRICT;
CREATE INDEX template_embeddings_model ON template_embeddings(model);

CREATE TABLE reembed_failures (
  template_id TEXT NOT NULL REFERENCES face_templates(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (template_id, model)
) STRICT;
`;

export const embedderMigrations: MigrationSet = {
  scope: 'embedders',
  migrations: [{ version: 1, name: 'per-embedder template vectors, re-embedding failures', up: V1 }],
};
