import type { Migration } from 'kysely';
import * as createCallbackTables from './20261122170000_create_callback_tables.js';
import * as allowCallbackRequestMessages from './20261122170100_allow_callback_request_messages.js';
import * as createCallbackFollowUps from './20261122170200_create_callback_follow_ups.js';

/** Migrations of the callbacks module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const callbacksMigrations: Record<string, Migration> = {
  '20261122170000_create_callback_tables': createCallbackTables,
  '20261122170100_allow_callback_request_messages': allowCallbackRequestMessages,
  '20261122170200_create_callback_follow_ups': createCallbackFollowUps,
};
