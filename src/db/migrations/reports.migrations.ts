import type { Migration } from 'kysely';
import * as createReports from './20261122172000_create_reports.js';
import * as allowYearlyReports from './20261122172100_allow_yearly_reports.js';
import * as allowQuarterlyReports from './20261123011000_allow_quarterly_reports.js';

/** Migrations of the reports module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const reportsMigrations: Record<string, Migration> = {
  '20261122172000_create_reports': createReports,
  '20261122172100_allow_yearly_reports': allowYearlyReports,
  '20261123011000_allow_quarterly_reports': allowQuarterlyReports,
};
