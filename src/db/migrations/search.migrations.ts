import type { Migration } from 'kysely';
import * as createCaseSearch from './20261122140000_create_case_search.js';
import * as createLinksModelsAndSettings from './20261122140100_create_links_models_and_settings.js';
import * as dropCaseTextTrigramIndexes from './20261122179000_drop_case_text_trigram_indexes.js';
import * as createCaseAnchors from './20261122179100_create_case_anchors.js';

/** Migrations of the search module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const searchMigrations: Record<string, Migration> = {
  '20261122140000_create_case_search': createCaseSearch,
  '20261122140100_create_links_models_and_settings': createLinksModelsAndSettings,
  '20261122179000_drop_case_text_trigram_indexes': dropCaseTextTrigramIndexes,
  '20261122179100_create_case_anchors': createCaseAnchors,
};
