// Any-role cameras (one camera for arrivals and departures): a day's last sighting is its check-out only once it
// has settled (attendance/day-rules.ts). Until then the day keeps `last_seen` (the provisional check-out) and
// `settles_at` (when it becomes the check-out unless the person is seen again); reads settle the due ones.
import type { Migration } from '../migration-runner.ts';

export const migration: Migration = {
  version: 4,
  name: 'attendance day last seen and settle time',
  up: `
ALTER TABLE attendance_days ADD COLUMN last_seen INTEGER;
ALTER TABLE attendance_days ADD COLUMN settles_at INTEGER;
CREATE INDEX attendance_days_settles_at ON attendance_days (settles_at) WHERE settles_at IS NOT NULL;
`,
};
