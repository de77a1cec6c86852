import { sql, type SqlBool } from 'kysely';
import type { Actor } from '../core/auth/actor.js';
import type { Channel, Kind, Language, ReplyOutcome } from '../core/case/case.types.js';
import type { ReplyForReview } from '../core/replies/quality-review.js';
import { caseScope } from './case-query.repository.js';
import type { DbOrTrx } from './database.js';

const REPLY_CODES = ['case.replied', 'case.resolved_on_intake'] as const;

/**
 * Every reply given in a period to cases in the caller's scope, a reopened case's earlier replies included (each
 * is its own event: the one the requester was sent), optionally of one unit and the units below it (the unit that
 * replied, as stamped on the reply), newest first, at most `cap` (the check runs on each in the server: a period
 * is reviewed in pieces, not the whole archive at once). `isCapped` says more were there.
 */
export const listRepliesForReview = async (
  db: DbOrTrx,
  actor: Actor,
  filter: { from: Date; to: Date; unitId: string | null },
  cap: number,
): Promise<{ replies: ReplyForReview[]; isCapped: boolean }> => {
  // The unit that replied: stamped on a unit's reply; a reply at intake was given by the intake unit. A stamp that
  // is not a uuid (written by hand, say) is ignored rather than allowed to fail the whole review.
  const stampedUnit = sql`CASE WHEN e.data -> 'unit' ->> 'id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (e.data -> 'unit' ->> 'id')::uuid END`;
  const replyUnit = sql<string | null>`CASE WHEN e.code = 'case.resolved_on_intake' THEN cases.intake_unit_id ELSE coalesce(${stampedUnit}, cases.lead_unit_id) END`;
  let q = db
    .selectFrom('work_item_events as e')
    .innerJoin('cases', 'cases.id', 'e.item_id')
    .select(['e.id as reply_id', 'e.at', 'cases.id', 'cases.tracking_no', 'cases.title', 'cases.kind', 'cases.channel', 'cases.language'])
    .select([
      sql<string | null>`e.data ->> 'text'`.as('text'),
      sql<string | null>`e.data ->> 'outcome'`.as('outcome'),
      replyUnit.as('unit_id'),
      sql<boolean>`EXISTS (SELECT 1 FROM work_item_events later WHERE later.item_kind = 'case' AND later.item_id = e.item_id
        AND later.code IN ('case.replied', 'case.resolved_on_intake') AND later.seq > e.seq)`.as('is_superseded'),
    ])
    .where('e.item_kind', '=', 'case')
    .where('e.code', 'in', REPLY_CODES)
    .where('e.at', '>=', filter.from)
    .where('e.at', '<', filter.to)
    // Nothing to check without a text (an event written by hand, or by a future version without one): not an empty reply.
    .where(sql<SqlBool>`jsonb_typeof(e.data -> 'text') = 'string'`)
    .where((eb) => caseScope(eb, actor));
  if (filter.unitId) {
    q = q.where(sql<SqlBool>`${replyUnit} = ANY(ARRAY(SELECT u.id FROM units u WHERE u.path <@ (SELECT p.path FROM units p WHERE p.id = ${filter.unitId})))`);
  }
  const rows = await q.orderBy('e.at', 'desc').orderBy('e.id', 'desc').limit(cap + 1).execute();
  return {
    isCapped: rows.length > cap,
    replies: rows.slice(0, cap).map((r) => ({
      replyId: String(r.reply_id),
      caseId: r.id,
      trackingNo: r.tracking_no,
      title: r.title,
      kind: r.kind as Kind,
      channel: r.channel as Channel,
      outcome: r.outcome as ReplyOutcome | null,
      language: r.language as Language,
      text: r.text ?? '',
      repliedAt: r.at,
      unitId: r.unit_id,
      isSuperseded: r.is_superseded,
    })),
  };
};
