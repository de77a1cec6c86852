import type { Migration } from 'kysely';

/** Migrations of the callbacks module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const callbacksMigrations: Record<string, Migration> = {};
