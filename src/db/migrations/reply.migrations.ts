import type { Migration } from 'kysely';
import * as addReplyInternalSummary from './20261122178000_add_reply_internal_summary.js';

/** Migrations of the reply (issue 7), named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const replyMigrations: Record<string, Migration> = {
  '20261122178000_add_reply_internal_summary': addReplyInternalSummary,
};
