import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { parseSearchQuery } from '../core/search/search-query.js';
import type { Database } from './schema.js';

/**
 * The text condition of the case list (`GET /cases?q=`) on the search index, for case-query.repository.ts:
 * a tracking number (or the start of one), or the query's words in any text a staff reader may see. The
 * case list keeps its own order and counting; ranking is /search/cases's. Kept apart from
 * search.repository.ts, which imports the case list's scope rule, so that neither imports the other.
 */
export const caseTextCondition = (eb: ExpressionBuilder<Database, 'cases'>, q: string): Expression<SqlBool> => {
  const parsed = parseSearchQuery(q);
  const digits = q.replace(/[\s-]/g, '');
  const byNumber = /^\d{6,16}$/.test(digits) ? [eb('cases.tracking_no', 'like', `${digits}%`)] : [];
  if (parsed.kind === 'tracking') return eb('cases.tracking_no', '=', parsed.trackingNo);
  if (parsed.kind === 'empty') return byNumber[0] ?? sql<SqlBool>`false`;
  const tsquery = sql`${parsed.tsquery}::tsquery`;
  return eb.or([
    ...byNumber,
    eb.exists(
      eb
        .selectFrom('case_search as qs')
        .select(sql`1`.as('one'))
        .whereRef('qs.case_id', '=', 'cases.id')
        .where(sql<SqlBool>`(qs.document @@ ${tsquery} OR qs.document_with_internal @@ ${tsquery})`),
    ),
  ]);
};
