import type { Migration } from 'kysely';
import * as addReopenPolicyAndHolds from './20261122174000_add_reopen_policy_and_holds.js';
import * as addHoldDeadlines from './20261122191000_add_hold_deadlines.js';

/** Migrations of the workflow module (reopen policy, holds), named <UTC timestamp>_<verb_object>; merged in index.ts. */
export const workflowMigrations: Record<string, Migration> = {
  '20261122174000_add_reopen_policy_and_holds': addReopenPolicyAndHolds,
  '20261122191000_add_hold_deadlines': addHoldDeadlines,
};
