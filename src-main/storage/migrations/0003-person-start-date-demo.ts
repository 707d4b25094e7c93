// People get a start date (attendance counts days only from it; NULL = the day they were enrolled, in the site's
// zone) and a demo flag (rows the demo seeded: shown as demo, removable in one click, kept out of real IDs).
import type { Migration } from '../migration-runner.ts';

export const migration: Migration = {
  version: 3,
  name: 'person start date and demo flag',
  up: `
ALTER TABLE persons ADD COLUMN start_date TEXT;
ALTER TABLE persons ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
`,
};
