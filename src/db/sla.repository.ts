import { sql, type SqlBool } from 'kysely';
import type { WorkCalendar } from '../core/calendar/calendar.js';
import { buildCalendar, type CalendarBase, type CalendarConfig, type CalendarOptions, type DayOverride } from '../core/calendar/calendar-config.js';
import type { HolidayCode } from '../core/calendar/holiday-names.js';
import { policyFromCategory, type CasePolicy, type TargetRule } from '../core/sla/case-sla.js';
import type { SlaMode, SlaTarget } from '../core/sla/sla-policy.js';
import type { DbOrTrx } from './database.js';
import type { SlaPolicyBody, SlaPolicyView } from '../core/sla/sla-policy.schemas.js';
import { findCategoryRow, withWorkflow } from './case.repository.js';

/** Used when no unit up the tree has a calendar: the Tibet region's, as generated. */
export const FALLBACK_CALENDAR: CalendarConfig = { id: 'fallback', code: 'xizang_default', base: 'tibet', options: {}, overrides: [] };

type CachedCalendar = { version: number; calendar: WorkCalendar };
// Calendars change a few times a year and take ~30 ms to index: keep built ones, keyed by id and version.
const calendarCache = new Map<string, CachedCalendar>();

export const loadCalendarConfig = async (db: DbOrTrx, calendarId: string): Promise<CalendarConfig | null> => {
  const row = await db.selectFrom('calendars').selectAll().where('id', '=', calendarId).executeTakeFirst();
  if (!row) return null;
  const days = await db.selectFrom('calendar_days').selectAll().where('calendar_id', '=', calendarId).orderBy('date').execute();
  return {
    id: row.id,
    code: row.code,
    base: row.base as CalendarBase,
    options: row.options as CalendarOptions,
    overrides: days.map(
      (d): DayOverride => ({ date: d.date, isWorkday: d.is_workday, holidayCode: d.holiday_code as HolidayCode | null, name: d.name }),
    ),
  };
};

/** The calendar row that governs a unit: its own, or the nearest ancestor's. */
export const findCalendarRowForUnit = async (db: DbOrTrx, unitId: string | null) => {
  const query = unitId
    ? db
        .selectFrom('units as u')
        .innerJoin('units as a', (join) => join.on(sql<SqlBool>`a.path @> u.path`))
        .innerJoin('calendars as c', 'c.id', 'a.calendar_id')
        .select(['c.id', 'c.code', 'c.name', 'c.updated_at'])
        .where('u.id', '=', unitId)
        .orderBy(sql`nlevel(a.path)`, 'desc')
    : db
        .selectFrom('units as a')
        .innerJoin('calendars as c', 'c.id', 'a.calendar_id')
        .select(['c.id', 'c.code', 'c.name', 'c.updated_at'])
        .where('a.parent_id', 'is', null);
  return query.limit(1).executeTakeFirst();
};

export const calendarForUnit = async (db: DbOrTrx, unitId: string | null): Promise<WorkCalendar> => {
  const row = await findCalendarRowForUnit(db, unitId);
  const key = row?.id ?? FALLBACK_CALENDAR.id;
  const version = row ? row.updated_at.getTime() : 0;
  const cached = calendarCache.get(key);
  if (cached && cached.version === version) return cached.calendar;
  const config = row ? await loadCalendarConfig(db, row.id) : FALLBACK_CALENDAR;
  const calendar = buildCalendar(config ?? FALLBACK_CALENDAR);
  calendarCache.set(key, { version, calendar });
  return calendar;
};

const selectPolicies = (db: DbOrTrx) => withWorkflow(db).selectFrom('sla_policies').selectAll();

type PolicyRow = Awaited<ReturnType<ReturnType<typeof selectPolicies>['executeTakeFirstOrThrow']>>;

/** The most specific active policy for a case, else the category's own limits. */
export const policyForCase = async (
  db: DbOrTrx,
  input: { categoryId: string | null; channel: string; kind: string; pinnedCode?: string | null },
): Promise<CasePolicy> => {
  // The category and its parent's id with one read.
  const found = input.categoryId ? await findCategoryRow(db, input.categoryId) : null;
  const parentId = found?.parentId ?? null;
  const category = found?.ref ?? null;
  // A case keeps the policy its due dates came from: an edit of the policies must not change the rules of a case
  // under way (a reply clock switched from acceptance to registration after dispatch would leave it without a
  // reply date). A policy's own row wins even when switched off; the category's limits when they were used.
  if (input.pinnedCode) {
    const pinned = await selectPolicies(db).where('code', '=', input.pinnedCode).executeTakeFirst();
    if (pinned) return policyOfRow(pinned);
    const fromCategory = policyFromCategory(category);
    if (fromCategory.code === input.pinnedCode) return fromCategory;
  }
  const categoryIds = [input.categoryId, parentId].filter((id): id is string => id !== null);
  const row = await selectPolicies(db)
    .where('is_active', '=', true)
    .where((eb) => eb.or([eb('category_id', 'is', null), ...(categoryIds.length ? [eb('category_id', 'in', categoryIds)] : [])]))
    .where((eb) => eb.or([eb('channel', 'is', null), eb('channel', '=', input.channel)]))
    .where((eb) => eb.or([eb('kind', 'is', null), eb('kind', '=', input.kind)]))
    .orderBy('priority', 'desc')
    .orderBy(sql`(category_id IS NOT NULL)::int + (channel IS NOT NULL)::int + (kind IS NOT NULL)::int`, 'desc')
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  return row ? policyOfRow(row) : policyFromCategory(category);
};

const policyOfRow = (row: PolicyRow): CasePolicy => {
  const targets: CasePolicy['targets'] = { reply: { amount: 7, mode: 'working_days' } };
  for (const [target, rule] of Object.entries(row.targets)) {
    targets[target as SlaTarget] = { amount: rule.amount, mode: rule.mode as SlaMode } satisfies TargetRule;
  }
  return {
    code: row.code,
    name: row.name,
    targets,
    replyClock: row.reply_clock === 'acceptance' ? 'acceptance' : 'registration',
    warnAtShare: Number(row.warn_at_share),
    maxExtensionDays: row.max_extension_days,
    pausedStatuses: row.paused_statuses,
    maxReopenRounds: row.max_reopen_rounds,
    reopenWindowDays: row.reopen_window_days,
    holdReminderDays: row.hold_reminder_days,
    holdLimitDays: row.hold_limit_days,
  };
};

// ---------------------------------------------------------------------------------------------- administration

const toPolicyView = (row: PolicyRow): SlaPolicyView => ({
  code: row.code,
  name: row.name,
  targets: row.targets,
  replyClock: row.reply_clock === 'acceptance' ? 'acceptance' : 'registration',
  warnAtShare: Number(row.warn_at_share),
  maxExtensionDays: row.max_extension_days,
  categoryId: row.category_id,
  channel: row.channel,
  kind: row.kind,
  priority: row.priority,
  isActive: row.is_active,
  pausedStatuses: row.paused_statuses,
  maxReopenRounds: row.max_reopen_rounds,
  reopenWindowDays: row.reopen_window_days,
  holdReminderDays: row.hold_reminder_days,
  holdLimitDays: row.hold_limit_days,
});

/** Every policy, active or not, most important first (the order in which they are tried). */
export const listSlaPolicies = async (db: DbOrTrx): Promise<SlaPolicyView[]> =>
  (await selectPolicies(db).orderBy('is_active', 'desc').orderBy('priority', 'desc').orderBy('code').execute()).map(toPolicyView);

export const findSlaPolicy = async (db: DbOrTrx, code: string, options: { isForUpdate?: boolean } = {}): Promise<SlaPolicyView | null> => {
  let q = selectPolicies(db).where('code', '=', code);
  if (options.isForUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toPolicyView(row) : null;
};

/**
 * Creates the policy or replaces every setting of it; cases under way keep the policy they started with. With
 * `isCreateOnly`, an existing policy is left as it is ('exists'). Whether the row was created comes from the
 * statement itself, so two saves of a new code at once report one creation and one change.
 */
export const saveSlaPolicy = async (db: DbOrTrx, code: string, p: SlaPolicyBody, options: { isCreateOnly?: boolean } = {}): Promise<'created' | 'updated' | 'exists'> => {
  const values = {
    name: JSON.stringify(p.name),
    targets: JSON.stringify(p.targets),
    reply_clock: p.replyClock,
    warn_at_share: p.warnAtShare,
    max_extension_days: p.maxExtensionDays,
    category_id: p.categoryId,
    channel: p.channel,
    kind: p.kind,
    priority: p.priority,
    is_active: p.isActive,
    paused_statuses: [...p.pausedStatuses],
    max_reopen_rounds: p.maxReopenRounds,
    reopen_window_days: p.reopenWindowDays,
    hold_reminder_days: p.holdReminderDays,
    hold_limit_days: p.holdLimitDays,
  };
  const row = await withWorkflow(db)
    .insertInto('sla_policies')
    .values({ code, ...values })
    .onConflict((oc) => (options.isCreateOnly ? oc.column('code').doNothing() : oc.column('code').doUpdateSet(values)))
    .returning(sql<boolean>`(xmax = 0)`.as('is_inserted'))
    .executeTakeFirst();
  if (!row) return 'exists';
  return row.is_inserted ? 'created' : 'updated';
};
