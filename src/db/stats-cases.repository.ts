import { sql } from 'kysely';
import type { CaseStatus } from '../core/case/case.types.js';
import { OPEN_STATUSES } from '../core/case/case.types.js';
import type { BacklogQuery, BacklogRow, HotspotQuery, HotspotRow, NotableKind, NotableRow } from '../core/stats/stats.ports.js';
import type { DbOrTrx } from './database.js';

// Reads of the cases table for the lists behind the figures (hotspots, backlog, notable cases). Scope is the
// owning unit, coalesce(lead, intake), as in the rollups; the stats migration indexes it for open cases.
const OWNER = sql`coalesce(c.lead_unit_id, c.intake_unit_id)`;
const OPEN = sql.join(OPEN_STATUSES.map((s) => sql`${s}`));

/**
 * Where a case happened, for clustering: the address up to its street (or road, lane, village, community,
 * estate), else up to its district or county, else the whole address; cases with coordinates but no address
 * fall into a cell of about 500 m. Tibetan addresses use ཁྲོམ་གཞུང (subdistrict), ཆུས (district), རྫོང (county).
 */
const STREET = sql`nullif(coalesce(
  substring(btrim(c.address) from '^(.{2,60}?(?:路|街|巷|大道|道|村|社区|小区|新区|园区|ཁྲོམ་གཞུང|ལམ་))'),
  substring(btrim(c.address) from '^(.{2,60}?(?:区|县|镇|乡|ཆུས|རྫོང))'),
  rtrim(left(btrim(c.address), 40), '།་ '),
  CASE WHEN c.lat IS NOT NULL THEN to_char(round(c.lat::numeric / 0.005) * 0.005, 'FM990.000') || ',' || to_char(round(c.lng::numeric / 0.005) * 0.005, 'FM9990.000') END
), '')`;
const DISTRICT = sql`substring(btrim(c.address) from '^(.{2,60}?(?:区|县|ཆུས|རྫོང))')`;

export const hotspotClusters = async (db: DbOrTrx, q: HotspotQuery): Promise<HotspotRow[]> => {
  if (q.unitIds.length === 0) return [];
  const place = q.by === 'district' ? DISTRICT : STREET;
  const categoryFilter = q.categoryIds === null ? sql`true` : sql`c.category_id = ANY(${[...q.categoryIds]}::uuid[])`;
  const result = await sql<{
    category_id: string | null;
    place: string;
    district: string | null;
    count: string;
    previous_count: string;
    latest_at: Date;
    titles: string[];
    case_ids: string[];
  }>`
    WITH w AS (
      SELECT c.id, c.category_id, c.title, c.created_at, ${place} AS place, ${DISTRICT} AS district
      FROM cases c
      WHERE c.created_at >= ${q.previousFrom} AND c.created_at < ${q.to}
        AND ${OWNER} = ANY(${[...q.unitIds]}::uuid[])
        AND ${categoryFilter}
    )
    SELECT * FROM (
    SELECT category_id, place, min(district) AS district,
      count(*) FILTER (WHERE created_at >= ${q.from}) AS count,
      count(*) FILTER (WHERE created_at < ${q.from}) AS previous_count,
      max(created_at) AS latest_at,
      (array_agg(title ORDER BY created_at DESC) FILTER (WHERE created_at >= ${q.from}))[1:30] AS titles,
      (array_agg(id::text ORDER BY created_at DESC) FILTER (WHERE created_at >= ${q.from}))[1:10] AS case_ids
    FROM w
    WHERE place IS NOT NULL
    GROUP BY category_id, place
    HAVING count(*) FILTER (WHERE created_at >= ${q.from}) >= ${q.minCases}
    ) clusters
    ORDER BY count DESC, count - previous_count DESC, place, category_id
    LIMIT ${q.limit}`.execute(db);
  return result.rows.map((r) => ({
    categoryId: r.category_id,
    place: r.place,
    district: r.district,
    count: Number(r.count),
    previousCount: Number(r.previous_count),
    latestAt: r.latest_at,
    titles: r.titles ?? [],
    caseIds: r.case_ids ?? [],
  }));
};

/** One page of the open cases of the units, oldest first (index stats_cases_open_created, or by unit for small scopes). */
export const backlogCases = async (db: DbOrTrx, q: BacklogQuery): Promise<BacklogRow[]> => {
  if (q.unitIds.length === 0) return [];
  const rows = await sql<{
    id: string;
    tracking_no: string;
    title: string;
    status: string;
    category_id: string | null;
    owner_unit_id: string;
    owner_since: Date;
    created_at: Date;
    reply_due_at: Date | null;
    is_supervised: boolean;
    reopen_count: number;
    urge_count: number;
    handler_id: string | null;
    handler_name: string | null;
  }>`
    SELECT c.id, c.tracking_no, c.title, c.status, c.category_id, ${OWNER} AS owner_unit_id,
      coalesce(lead.assigned_at, CASE WHEN c.status = 'returned' THEN back.ended_at END, c.created_at) AS owner_since,
      c.created_at, c.reply_due_at, (c.supervised_at IS NOT NULL AND c.supervision_outcome IS NULL) AS is_supervised,
      c.reopen_count, c.urge_count, h.id AS handler_id, h.display_name AS handler_name
    FROM (
      SELECT * FROM cases c
      WHERE c.status IN (${OPEN}) AND ${OWNER} = ANY(${[...q.unitIds]}::uuid[]) AND c.created_at < ${q.registeredBefore}
      ORDER BY c.created_at, c.id
      LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}
    ) c
    LEFT JOIN LATERAL (
      SELECT a.assigned_at FROM case_assignments a
      WHERE a.case_id = c.id AND a.role = 'lead' AND a.status IN ('pending', 'accepted') LIMIT 1
    ) lead ON true
    LEFT JOIN LATERAL (
      SELECT max(a.ended_at) AS ended_at FROM case_assignments a WHERE a.case_id = c.id AND a.role = 'lead'
    ) back ON c.status = 'returned'
    LEFT JOIN LATERAL (
      SELECT u.id, u.display_name FROM work_item_events e JOIN users u ON u.id = e.actor_id
      WHERE e.item_kind = 'case' AND e.item_id = c.id AND e.code = 'case.accepted' AND e.data->>'role' = 'lead'
      ORDER BY e.seq DESC LIMIT 1
    ) h ON c.status = 'accepted'
    ORDER BY c.created_at, c.id`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    trackingNo: r.tracking_no,
    title: r.title,
    status: r.status as CaseStatus,
    categoryId: r.category_id,
    ownerUnitId: r.owner_unit_id,
    ownerSince: r.owner_since,
    handler: r.handler_id && r.handler_name ? { id: r.handler_id, displayName: r.handler_name } : null,
    createdAt: r.created_at,
    replyDueAt: r.reply_due_at,
    isSupervised: r.is_supervised,
    reopenCount: r.reopen_count,
    urgeCount: r.urge_count,
  }));
};

/** Cases registered in the period that a report should name, a few per reason, each reason ordered by weight. */
export const notableCases = async (
  db: DbOrTrx,
  q: { unitIds: readonly string[]; from: Date; to: Date; now: Date; perReason: number },
): Promise<NotableRow[]> => {
  if (q.unitIds.length === 0) return [];
  const base = sql`${OWNER} = ANY(${[...q.unitIds]}::uuid[]) AND c.created_at >= ${q.from} AND c.created_at < ${q.to}`;
  const pick = (reason: NotableKind, condition: ReturnType<typeof sql>, order: ReturnType<typeof sql>) => sql`
    (SELECT ${reason} AS reason, c.id, c.tracking_no, c.title, c.status, c.category_id, ${OWNER} AS owner_unit_id, c.created_at,
       c.amount_recovered_fen, coalesce(c.callback_satisfaction, c.rating_satisfaction) AS satisfaction
     FROM cases c WHERE ${base} AND ${condition} ORDER BY ${order} LIMIT ${q.perReason})`;
  const result = await sql<{
    reason: NotableKind;
    id: string;
    tracking_no: string;
    title: string;
    status: string;
    category_id: string | null;
    owner_unit_id: string;
    created_at: Date;
    amount_recovered_fen: string | null;
    satisfaction: string | null;
  }>`
    ${pick('longest_open', sql`c.status IN (${OPEN})`, sql`c.created_at, c.id`)}
    UNION ALL ${pick('overdue_reply', sql`c.status IN (${OPEN}) AND c.reply_due_at < ${q.now}`, sql`c.reply_due_at, c.id`)}
    UNION ALL ${pick('dissatisfied', sql`coalesce(c.callback_satisfaction, c.rating_satisfaction) = 'dissatisfied'`, sql`c.created_at DESC, c.id`)}
    UNION ALL ${pick('largest_recovery', sql`c.amount_recovered_fen > 0`, sql`c.amount_recovered_fen DESC, c.id`)}
    UNION ALL ${pick('reopened', sql`c.reopen_count > 0`, sql`c.reopen_count DESC, c.created_at, c.id`)}`.execute(db);
  return result.rows.map((r) => ({
    reason: r.reason,
    id: r.id,
    trackingNo: r.tracking_no,
    title: r.title,
    status: r.status as CaseStatus,
    categoryId: r.category_id,
    ownerUnitId: r.owner_unit_id,
    createdAt: r.created_at,
    amountRecoveredFen: r.amount_recovered_fen === null ? null : Number(r.amount_recovered_fen),
    satisfaction: r.satisfaction,
  }));
};
