import { sql, type SqlBool } from 'kysely';
import type { Actor } from '../core/auth/actor.js';
import type { Channel, Kind, Language, ReplyOutcome } from '../core/case/case.types.js';
import type { ReplyForReview } from '../core/replies/quality-review.js';
import { caseScope } from './case-query.repository.js';
import type { DbOrTrx } from './database.js';

/**
 * The replies given in a period to cases in the caller's scope, optionally of one lead unit and the units below
 * it, newest first, at most `cap` (the check runs on each in the server: a period is reviewed in pieces, not
 * the whole archive at once). `isCapped` says more were there.
 */
export const listRepliesForReview = async (
  db: DbOrTrx,
  actor: Actor,
  filter: { from: Date; to: Date; unitId: string | null },
  cap: number,
): Promise<{ replies: ReplyForReview[]; isCapped: boolean }> => {
  let q = db
    .selectFrom('cases')
    .select(['cases.id', 'cases.tracking_no', 'cases.title', 'cases.kind', 'cases.channel', 'cases.reply_outcome', 'cases.language', 'cases.reply_text', 'cases.replied_at', 'cases.lead_unit_id'])
    .where((eb) => caseScope(eb, actor))
    .where('cases.reply_text', 'is not', null)
    .where('cases.replied_at', '>=', filter.from)
    .where('cases.replied_at', '<', filter.to);
  if (filter.unitId) {
    q = q.where(sql<SqlBool>`cases.lead_unit_id = ANY(ARRAY(SELECT u.id FROM units u WHERE u.path <@ (SELECT p.path FROM units p WHERE p.id = ${filter.unitId})))`);
  }
  const rows = await q.orderBy('cases.replied_at', 'desc').orderBy('cases.id').limit(cap + 1).execute();
  return {
    isCapped: rows.length > cap,
    replies: rows.slice(0, cap).map((r) => ({
      caseId: r.id,
      trackingNo: r.tracking_no,
      title: r.title,
      kind: r.kind as Kind,
      channel: r.channel as Channel,
      outcome: r.reply_outcome as ReplyOutcome | null,
      language: r.language as Language,
      text: r.reply_text ?? '',
      repliedAt: r.replied_at ?? filter.from,
      unitId: r.lead_unit_id,
    })),
  };
};
