import type { Migration } from 'kysely';
import * as createCaseAttachments from './20261122177000_create_case_attachments.js';

/** Migrations of the attachments module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const attachmentsMigrations: Record<string, Migration> = {
  '20261122177000_create_case_attachments': createCaseAttachments,
};
