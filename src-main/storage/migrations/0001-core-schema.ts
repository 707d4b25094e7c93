// Core schema. Times are INTEGER epoch milliseconds (UTC); the API formats them. JSON columns end in _json.
// Snapshot and image paths are relative to the data directory so a data dir can be moved or restored elsewhere.
import type { Migration } from '../migration-runner.ts';

export const migration: Migration = {
  version: 1,
  name: 'core schema',
  up: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
) STRICT;

CREATE TABLE shifts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  start_time TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
  end_time TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]'),
  grace_minutes INTEGER NOT NULL DEFAULT 0 CHECK (grace_minutes >= 0),
  days_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE persons (
  id TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  department TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  watchlist INTEGER NOT NULL DEFAULT 0 CHECK (watchlist IN (0, 1)),
  shift_id TEXT REFERENCES shifts(id) ON DELETE SET NULL,
  notes TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_department ON persons(department);

CREATE TABLE face_templates (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  embedding BLOB NOT NULL,
  dim INTEGER NOT NULL CHECK (dim > 0 AND length(embedding) = dim * 4),
  model TEXT,
  quality_json TEXT NOT NULL DEFAULT '{}',
  source_path TEXT,
  source_kind TEXT NOT NULL CHECK (source_kind IN ('photo', 'camera', 'correction')),
  source_event_id TEXT,
  outlier INTEGER NOT NULL DEFAULT 0 CHECK (outlier IN (0, 1)),
  created_by TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX face_templates_person ON face_templates(person_id);
CREATE INDEX face_templates_source_path ON face_templates(source_path) WHERE source_path IS NOT NULL;

CREATE TABLE cameras (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'any' CHECK (role IN ('entry', 'exit', 'any')),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  stream_type TEXT NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  -- The validated camera config (src-contract/camera-config.ts) without its password, which is sealed apart.
  config_json TEXT NOT NULL,
  password_sealed BLOB,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX cameras_enabled ON cameras(enabled);

CREATE TABLE camera_sessions (
  id TEXT PRIMARY KEY,
  camera_id TEXT REFERENCES cameras(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  last_frame_at INTEGER,
  end_reason TEXT,
  stats_json TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX camera_sessions_camera ON camera_sessions(camera_id, started_at);
CREATE INDEX camera_sessions_started ON camera_sessions(started_at);

-- One row per face track: the provisional face_detected row is inserted at track birth (decision 'pending') and
-- updated in place when the vote settles and when the track ends.
CREATE TABLE detection_events (
  id TEXT PRIMARY KEY,
  camera_id TEXT REFERENCES cameras(id) ON DELETE SET NULL,
  camera_name TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  decided_at INTEGER,
  decision TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'recognized', 'unknown')),
  person_id TEXT REFERENCES persons(id) ON DELETE SET NULL,
  confidence REAL,
  distance REAL,
  margin REAL,
  votes_json TEXT,
  frame_count INTEGER NOT NULL DEFAULT 0,
  best_box_json TEXT NOT NULL,
  best_score REAL,
  best_quality_json TEXT,
  face_snapshot TEXT,
  frame_snapshot TEXT,
  frame_width INTEGER,
  frame_height INTEGER,
  model TEXT,
  timings_json TEXT,
  trace_id TEXT,
  flags_json TEXT NOT NULL DEFAULT '[]',
  acknowledged_by TEXT,
  acknowledged_at INTEGER,
  corrected_by TEXT,
  corrected_at INTEGER,
  correction_json TEXT
) STRICT;
CREATE INDEX detection_events_time ON detection_events(started_at);
CREATE INDEX detection_events_camera_time ON detection_events(camera_id, started_at);
CREATE INDEX detection_events_person_time ON detection_events(person_id, started_at) WHERE person_id IS NOT NULL;
CREATE INDEX detection_events_decision_time ON detection_events(decision, started_at);

CREATE TABLE attendance_punches (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('entry', 'exit', 'any')),
  camera_id TEXT REFERENCES cameras(id) ON DELETE SET NULL,
  event_id TEXT REFERENCES detection_events(id) ON DELETE SET NULL,
  source TEXT NOT NULL DEFAULT 'camera' CHECK (source IN ('camera', 'manual')),
  created_by TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attendance_punches_person_time ON attendance_punches(person_id, at);
CREATE INDEX attendance_punches_time ON attendance_punches(at);

-- Corrections never overwrite punches: they overlay a computed field and keep what it replaced.
CREATE TABLE attendance_corrections (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  field TEXT NOT NULL CHECK (field IN ('check_in', 'check_out')),
  value_json TEXT NOT NULL,
  previous_json TEXT NOT NULL,
  reason TEXT NOT NULL,
  corrected_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attendance_corrections_person_day ON attendance_corrections(person_id, day);

-- Materialised daily records (recomputed from punches + corrections) for fast queries and exports.
CREATE TABLE attendance_days (
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  shift_id TEXT,
  status TEXT NOT NULL,
  check_in INTEGER,
  check_out INTEGER,
  late_minutes INTEGER NOT NULL DEFAULT 0,
  early_leave_minutes INTEGER NOT NULL DEFAULT 0,
  worked_minutes INTEGER NOT NULL DEFAULT 0,
  corrected INTEGER NOT NULL DEFAULT 0 CHECK (corrected IN (0, 1)),
  record_json TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (person_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX attendance_days_day ON attendance_days(day);

CREATE TABLE event_log (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('debug', 'info', 'warning', 'error', 'critical')),
  at INTEGER NOT NULL,
  camera_id TEXT REFERENCES cameras(id) ON DELETE SET NULL,
  camera_name TEXT,
  frame_id TEXT,
  trace_id TEXT,
  detection_id TEXT,
  message TEXT,
  processing_time_ms REAL,
  model_used TEXT,
  payload_json TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX event_log_at ON event_log(at);
CREATE INDEX event_log_camera_at ON event_log(camera_id, at);
CREATE INDEX event_log_type_at ON event_log(type, at);

-- Files to delete (snapshots, enrolment photos) are queued here in the same transaction that drops their rows,
-- then unlinked; a crash in between resumes on the next start.
CREATE TABLE pending_file_deletions (
  path TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  queued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
) STRICT;
`,
};
