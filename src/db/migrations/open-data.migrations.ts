import type { Migration } from 'kysely';

/** Migrations of the open-data module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const openDataMigrations: Record<string, Migration> = {};
