// The 'visits' scope (issue 12): persisted alerts, unknown-person clusters and the guards' "wrong match" review
// queue. Its own scope so the core numbers stay free; versions 1..n, never edit a shipped one.
import type { MigrationSet } from '../migration-runner.ts';

const V1 = `
CREATE TABLE unknown_clusters (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  visit_count INTEGER NOT NULL DEFAULT 0,
  template BLOB NOT NULL,
  template_weight REAL NOT NULL DEFAULT 0,
  best_event_id TEXT REFERENCES detection_events(id) ON DELETE SET NULL,
  best_score REAL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'enrolled', 'merged', 'dismissed')),
  person_id TEXT REFERENCES persons(id) ON DELETE SET NULL,
  resolved_by TEXT,
  resolved_at INTEGER
) STRICT;
CREATE INDEX unknown_clusters_seen ON unknown_clusters(status, last_seen_at);

CREATE TABLE unknown_cluster_visits (
  event_id TEXT PRIMARY KEY REFERENCES detection_events(id) ON DELETE CASCADE,
  cluster_id TEXT NOT NULL REFERENCES unknown_clusters(id) ON DELETE CASCADE,
  camera_id TEXT,
  at INTEGER NOT NULL,
  similarity REAL
) STRICT;
CREATE INDEX unknown_cluster_visits_cluster ON unknown_cluster_visits(cluster_id, at);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('unknown_person', 'watchlist', 'camera_offline')),
  event_id TEXT REFERENCES detection_events(id) ON DELETE CASCADE,
  camera_id TEXT,
  camera_name TEXT NOT NULL DEFAULT '',
  cluster_id TEXT REFERENCES unknown_clusters(id) ON DELETE SET NULL,
  message TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  acknowledged_by TEXT,
  acknowledged_at INTEGER,
  resolved_reason TEXT
) STRICT;
CREATE INDEX alerts_state_time ON alerts(state, created_at);
CREATE UNIQUE INDEX alerts_event_kind ON alerts(event_id, kind) WHERE event_id IS NOT NULL;

CREATE TABLE event_reviews (
  event_id TEXT PRIMARY KEY REFERENCES detection_events(id) ON DELETE CASCADE,
  reported_by TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  note TEXT,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved', 'dismissed')),
  resolved_by TEXT,
  resolved_at INTEGER
) STRICT;
CREATE INDEX event_reviews_state ON event_reviews(state, reported_at);
`;

export const visitsMigrations: MigrationSet = {
  scope: 'visits',
  migrations: [{ version: 1, name: 'alerts, unknown clusters, review queue', up: V1 }],
};
