import type { Migration } from 'kysely';
import * as createApiTokensAndSso from './20261122173000_create_api_tokens_and_sso.js';

/** Migrations of the access module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const accessMigrations: Record<string, Migration> = {
  '20261122173000_create_api_tokens_and_sso': createApiTokensAndSso,
};
