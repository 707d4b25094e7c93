// Punches derived from a detection event can be voided when that event is corrected to someone else (or to
// unknown). A voided punch stays for the audit trail, with who voided it, when and why; the attendance rules
// and the min-gap check ignore it.
import type { Migration } from '../migration-runner.ts';

export const migration: Migration = {
  version: 2,
  name: 'void event punches',
  up: `
ALTER TABLE attendance_punches ADD COLUMN voided_at INTEGER;
ALTER TABLE attendance_punches ADD COLUMN voided_by TEXT;
ALTER TABLE attendance_punches ADD COLUMN void_reason TEXT;
CREATE INDEX attendance_punches_event ON attendance_punches(event_id) WHERE event_id IS NOT NULL;
`,
};
