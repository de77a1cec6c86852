import type { Migration } from 'kysely';
import * as createOpen311Tables from './20261122130000_create_open311_tables.js';

/** Migrations of the open311 module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const open311Migrations: Record<string, Migration> = {
  '20261122130000_create_open311_tables': createOpen311Tables,
};
