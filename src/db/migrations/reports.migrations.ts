import type { Migration } from 'kysely';

/** Migrations of the reports module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const reportsMigrations: Record<string, Migration> = {};
