import type { DbOrTrx, Trx } from './database.js';

export const listCalendars = (db: DbOrTrx) =>
  db
    .selectFrom('calendars as c')
    .select((eb) => [
      'c.id', 'c.code', 'c.name', 'c.base', 'c.options', 'c.updated_at',
      eb.selectFrom('calendar_days as d').select((e) => e.fn.countAll<string>().as('n')).whereRef('d.calendar_id', '=', 'c.id').as('override_count'),
      eb.selectFrom('units as u').select((e) => e.fn.agg<string[]>('array_agg', ['u.code']).as('codes')).whereRef('u.calendar_id', '=', 'c.id').as('unit_codes'),
    ])
    .orderBy('c.code')
    .execute();

export const lockCalendar = (trx: Trx, id: string) =>
  trx.selectFrom('calendars').select(['id', 'code']).where('id', '=', id).forUpdate().executeTakeFirst();

/** The paths of the units that name a calendar as theirs (their units below without one of their own follow it too). */
export const unitPathsNamingCalendar = async (db: DbOrTrx, calendarId: string): Promise<string[]> => {
  const rows = await db.selectFrom('units').select('path').where('calendar_id', '=', calendarId).execute();
  return rows.map((r) => r.path);
};

export const upsertCalendarDay = async (
  trx: Trx,
  day: { calendarId: string; date: string; isWorkday: boolean; holidayCode: string | null; name: Record<string, string> | null; note: string | null },
): Promise<void> => {
  const values = {
    is_workday: day.isWorkday,
    holiday_code: day.holidayCode,
    name: day.name ? JSON.stringify(day.name) : null,
    note: day.note,
  };
  await trx
    .insertInto('calendar_days')
    .values({ calendar_id: day.calendarId, date: day.date, ...values })
    .onConflict((oc) => oc.columns(['calendar_id', 'date']).doUpdateSet(values))
    .execute();
};

export const deleteCalendarDay = async (trx: Trx, calendarId: string, date: string): Promise<boolean> => {
  const result = await trx.deleteFrom('calendar_days').where('calendar_id', '=', calendarId).where('date', '=', date).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
};

/** Any change bumps the version, which is what the in-memory calendar cache is keyed by. */
export const touchCalendar = async (trx: Trx, id: string, at: Date): Promise<void> => {
  await trx.updateTable('calendars').set({ updated_at: at }).where('id', '=', id).execute();
};
