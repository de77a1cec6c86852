import type { Migration } from 'kysely';

/** Migrations of the open311 module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const open311Migrations: Record<string, Migration> = {};
