import type { Migration } from 'kysely';
import * as createStatsRollups from './20261122110000_create_stats_rollups.js';

/** Migrations of the stats module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const statsMigrations: Record<string, Migration> = {
  '20261122110000_create_stats_rollups': createStatsRollups,
};
