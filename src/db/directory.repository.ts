import type { DbOrTrx } from './database.js';

export const listUnits = (db: DbOrTrx) =>
  db.selectFrom('units').select(['id', 'code', 'type', 'parent_id', 'path', 'name', 'is_active']).where('is_active', '=', true).orderBy('path').execute();

export const listCategories = (db: DbOrTrx) =>
  db
    .selectFrom('categories')
    .select(['id', 'code', 'parent_id', 'name', 'default_unit_id', 'accept_hours', 'reply_days', 'sort_order'])
    .where('is_active', '=', true)
    .orderBy('parent_id', (ob) => ob.nullsFirst())
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
