import { sql } from 'kysely';
import type { Kind, ReplyOutcome } from '../core/case/case.types.js';
import type { ReplyTemplateInput } from '../core/replies/reply-templates.js';
import { AppError } from '../core/shared/app-error.js';
import type { DbOrTrx } from './database.js';
import { appendWorkItemEvent } from './events.repository.js';
import type { LanguageTexts } from './notifications.schema.js';

export type ReplyTemplateView = {
  id: string;
  code: string;
  categoryId: string | null;
  unitId: string | null;
  kind: Kind | null;
  outcome: ReplyOutcome | null;
  title: LanguageTexts;
  body: LanguageTexts;
  isActive: boolean;
  version: number;
  updatedAt: Date;
};

const COLUMNS = ['id', 'code', 'category_id', 'unit_id', 'kind', 'outcome', 'title', 'body', 'is_active', 'version', 'updated_at'] as const;

type Row = {
  id: string; code: string; category_id: string | null; unit_id: string | null; kind: string | null; outcome: string | null;
  title: LanguageTexts; body: LanguageTexts; is_active: boolean; version: number; updated_at: Date;
};

const toView = (r: Row): ReplyTemplateView => ({
  id: r.id,
  code: r.code,
  categoryId: r.category_id,
  unitId: r.unit_id,
  kind: r.kind as Kind | null,
  outcome: r.outcome as ReplyOutcome | null,
  title: r.title,
  body: r.body,
  isActive: r.is_active,
  version: r.version,
  updatedAt: r.updated_at,
});

export const findReplyTemplate = async (db: DbOrTrx, id: string): Promise<ReplyTemplateView | null> => {
  const row = await db.selectFrom('reply_templates').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toView(row) : null;
};

/**
 * Templates that fit a case: for its category or any parent category, for its unit or any unit above it,
 * or general ones; the most specific first, so the handler's own unit's wording comes before the city's.
 */
export const listReplyTemplates = async (
  db: DbOrTrx,
  filter: { categoryId: string | null; unitId: string | null; kind: Kind | null; isInactiveIncluded: boolean },
): Promise<ReplyTemplateView[]> => {
  let q = db.selectFrom('reply_templates').select(COLUMNS);
  if (!filter.isInactiveIncluded) q = q.where('is_active', '=', true);
  if (filter.categoryId) {
    const categoryId = filter.categoryId;
    q = q.where((eb) =>
      eb.or([
        eb('category_id', 'is', null),
        eb(
          'category_id',
          'in',
          sql<string>`(WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM categories WHERE id = ${categoryId}
            UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id) SELECT id FROM up)`,
        ),
      ]),
    );
  }
  if (filter.unitId) {
    const unitId = filter.unitId;
    q = q.where((eb) =>
      eb.or([eb('unit_id', 'is', null), eb('unit_id', 'in', sql<string>`(SELECT id FROM units WHERE path @> (SELECT path FROM units WHERE id = ${unitId}))`)]),
    );
  }
  if (filter.kind) q = q.where((eb) => eb.or([eb('kind', 'is', null), eb('kind', '=', filter.kind)]));
  const rows = await q
    .orderBy(sql`(unit_id IS NOT NULL)::int + (category_id IS NOT NULL)::int + (kind IS NOT NULL)::int`, 'desc')
    .orderBy('code')
    .limit(500)
    .execute();
  return rows.map(toView);
};

const audit = (trx: DbOrTrx, id: string, actorId: string, code: string, data: Record<string, unknown>, at: Date) =>
  appendWorkItemEvent(trx, 'reply_template', id, { actorKind: 'user', actorId, code, fromStatus: null, toStatus: null, isInternal: true, data, at });

const texts = (t: ReplyTemplateInput['title']): string => JSON.stringify(Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)));

/** PostgreSQL's unique violation: one active template per code and scope. */
const isDuplicate = (error: unknown): boolean => (error as { code?: string }).code === '23505';

const duplicateError = (input: ReplyTemplateInput) =>
  new AppError('validation.failed', 'body.code: an active template with this code already exists for this category and unit', {
    issues: [{ path: 'body.code', message: 'already used by an active template with the same category and unit' }],
    code: input.code,
  });

/**
 * The writes below run in the caller's transaction (with the use case's checks, src/core/replies/manage-reply-templates.ts),
 * each with its timeline entry; a duplicate code fails the statement, and so the whole transaction.
 */
export const createReplyTemplate = async (trx: DbOrTrx, input: ReplyTemplateInput, context: { actorId: string; at: Date }): Promise<ReplyTemplateView> => {
  try {
    const row = await trx
      .insertInto('reply_templates')
      .values({
        code: input.code, category_id: input.categoryId, unit_id: input.unitId, kind: input.kind, outcome: input.outcome,
        title: texts(input.title), body: texts(input.body), is_active: input.isActive,
        created_by: context.actorId, updated_by: context.actorId, created_at: context.at, updated_at: context.at,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await audit(trx, row.id, context.actorId, 'reply_template.created', { code: input.code, version: 1 }, context.at);
    return toView(row);
  } catch (error) {
    if (isDuplicate(error)) throw duplicateError(input);
    throw error;
  }
};

export const findReplyTemplateForUpdate = async (trx: DbOrTrx, id: string): Promise<ReplyTemplateView | null> => {
  const row = await trx.selectFrom('reply_templates').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toView(row) : null;
};

/** Null when there is no such template. */
export const updateReplyTemplate = async (
  trx: DbOrTrx,
  id: string,
  input: ReplyTemplateInput,
  context: { actorId: string; at: Date },
): Promise<ReplyTemplateView | null> => {
  try {
    const before = await trx.selectFrom('reply_templates').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) return null;
    const row = await trx
      .updateTable('reply_templates')
      .set({
        code: input.code, category_id: input.categoryId, unit_id: input.unitId, kind: input.kind, outcome: input.outcome,
        title: texts(input.title), body: texts(input.body), is_active: input.isActive,
        version: sql<number>`version + 1`, updated_by: context.actorId, updated_at: context.at,
      })
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    // The previous wording is kept on the timeline: what a unit's template said on a given day can be shown.
    await audit(trx, id, context.actorId, 'reply_template.updated', { version: row.version, previous: { code: before.code, title: before.title, body: before.body, isActive: before.is_active } }, context.at);
    return toView(row);
  } catch (error) {
    if (isDuplicate(error)) throw duplicateError(input);
    throw error;
  }
};

/** Null when there is no such template. */
export const deactivateReplyTemplate = async (trx: DbOrTrx, id: string, context: { actorId: string; at: Date }): Promise<ReplyTemplateView | null> => {
  const row = await trx
    .updateTable('reply_templates')
    .set({ is_active: false, version: sql<number>`version + 1`, updated_by: context.actorId, updated_at: context.at })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) return null;
  await audit(trx, id, context.actorId, 'reply_template.retired', { version: row.version }, context.at);
  return toView(row);
};
