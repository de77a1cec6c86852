import type { Migration } from 'kysely';

/** Migrations of the access module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const accessMigrations: Record<string, Migration> = {};
