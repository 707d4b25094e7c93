// The core migration list. To change the schema, add `NNNN-what.ts` exporting `migration` with the next version
// and append it here; never edit a migration that has shipped (its SQL is checksummed).
import type { MigrationSet } from '../migration-runner.ts';
import { migration as m0001 } from './0001-core-schema.ts';
import { migration as m0002 } from './0002-void-event-punches.ts';
import { migration as m0003 } from './0003-person-start-date-demo.ts';
import { migration as m0004 } from './0004-day-last-seen.ts';

export const coreMigrations: MigrationSet = {
  scope: 'core',
  migrations: [m0001, m0002, m0003, m0004],
};
