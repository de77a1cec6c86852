import type { Migration } from 'kysely';
import * as createOpenDataTables from './20261122171000_create_open_data_tables.js';

/** Migrations of the open-data module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const openDataMigrations: Record<string, Migration> = {
  '20261122171000_create_open_data_tables': createOpenDataTables,
};
