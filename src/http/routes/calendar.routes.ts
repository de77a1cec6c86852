import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dayInfo } from '../../core/calendar/calendar.js';
import { HOLIDAY_NAMES } from '../../core/calendar/holiday-names.js';
import { parseIcal, toIcal, type IcalDay } from '../../core/calendar/ical.js';
import { addDaysIso, dayNumberOfIso } from '../../core/calendar/iso-date.js';
import type { Actor } from '../../core/auth/actor.js';
import { checkOwnedByUnitsOrThrow } from '../../core/auth/organisation-wide.js';
import { AppError } from '../../core/shared/app-error.js';
import { isoDaySchema } from '../../core/shared/iso-day.js';
import { deleteCalendarDay, listCalendars, lockCalendar, touchCalendar, unitPathsNamingCalendar, upsertCalendarDay } from '../../db/calendar.repository.js';
import type { Trx } from '../../db/database.js';
import { appendWorkItemEvent } from '../../db/events.repository.js';
import { calendarForUnit, loadCalendarConfig } from '../../db/sla.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

const HOLIDAY_CODES = Object.keys(HOLIDAY_NAMES) as [string, ...string[]];
const idParams = z.object({ id: z.uuid() });
const dayParams = idParams.extend({ date: isoDaySchema });
const nameSchema = z.object({ 'zh-Hans': z.string().trim().min(1).max(60), bo: z.string().trim().max(60).optional(), en: z.string().trim().max(60).optional() }).strict();
const daySchema = z
  .object({ isWorkday: z.boolean(), holidayCode: z.enum(HOLIDAY_CODES).optional(), name: nameSchema.optional(), note: z.string().trim().max(500).optional() })
  .strict();

export const registerCalendarRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  /**
   * Every change to a calendar is on its own timeline, with who did it. A calendar sets the working days of the
   * units that name it and of every unit below them without one of their own, so it is changed by staff whose unit
   * covers all of those: the region's calendar (or one no unit names) from a top-level unit only, a bureau's own
   * calendar by the bureau too. Checked under the calendar's lock, before anything is written.
   */
  const withCalendar = async <T>(actor: Actor, calendarId: string, fn: (trx: Trx, calendar: { id: string; code: string }) => Promise<T>): Promise<T> =>
    deps.db.transaction().execute(async (trx) => {
      const calendar = await lockCalendar(trx, calendarId);
      if (!calendar) throw new AppError('resource.not_found', 'no such calendar', { id: calendarId });
      checkOwnedByUnitsOrThrow(actor, 'calendars', await unitPathsNamingCalendar(trx, calendar.id));
      const result = await fn(trx, calendar);
      await touchCalendar(trx, calendar.id, deps.now());
      return result;
    });

  const audit = (trx: Trx, calendarId: string, actorId: string, code: string, data: Record<string, unknown>) =>
    appendWorkItemEvent(trx, 'calendar', calendarId, { actorKind: 'user', actorId, code, fromStatus: null, toStatus: null, isInternal: true, data, at: deps.now() });

  api.get(
    '/calendars',
    {
      config: { access: 'public' },
      schema: {
        tags: ['time limits'],
        querystring: z.object({ lang: z.enum(['zh-Hans', 'bo', 'en']).optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.uuid(), code: z.string(), name: z.string(), base: z.string(), options: z.record(z.string(), z.unknown()), overrideCount: z.number().int(), unitCodes: z.array(z.string()), updatedAt: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const rows = await listCalendars(deps.db);
      return {
        items: rows.map((r) => ({
          id: r.id, code: r.code, name: localize(r.name, language), base: r.base, options: r.options,
          overrideCount: Number(r.override_count ?? 0), unitCodes: r.unit_codes ?? [], updatedAt: r.updated_at.toISOString(),
        })),
      };
    },
  );

  api.put(
    '/calendars/:id/days/:date',
    {
      config: { access: 'calendar.manage' },
      schema: { tags: ['time limits'], summary: 'Add or override one day (a holiday, or a working day); by staff whose unit covers every unit using the calendar (403 not_top_level_unit or outside_scope otherwise)', params: dayParams, body: daySchema, response: { 200: z.object({ date: z.string(), isWorkday: z.boolean() }) } },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { id, date } = request.params;
      const body = request.body;
      await withCalendar(actor, id, async (trx) => {
        await upsertCalendarDay(trx, { calendarId: id, date, isWorkday: body.isWorkday, holidayCode: body.isWorkday ? null : (body.holidayCode ?? null), name: body.name ?? null, note: body.note ?? null });
        await audit(trx, id, actor.userId, 'calendar.day_set', { date, ...body });
      });
      return { date, isWorkday: body.isWorkday };
    },
  );

  api.delete(
    '/calendars/:id/days/:date',
    {
      config: { access: 'calendar.manage' },
      schema: { tags: ['time limits'], summary: 'Remove an override: the day goes back to the generated calendar; same rule of who as setting a day', params: dayParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const { id, date } = request.params;
      await withCalendar(actor, id, async (trx) => {
        if (!(await deleteCalendarDay(trx, id, date))) throw new AppError('resource.not_found', 'this day has no override', { date });
        await audit(trx, id, actor.userId, 'calendar.day_removed', { date });
      });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/calendars/:id/export.ics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['time limits'],
        summary: 'Holidays and swapped working days as iCalendar',
        params: idParams,
        querystring: z.object({ from: isoDaySchema, to: isoDaySchema, lang: z.enum(['zh-Hans', 'bo', 'en']).optional() }),
      },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      const span = dayNumberOfIso(to) - dayNumberOfIso(from);
      if (span < 0 || span > 3 * 366) {
        throw new AppError('validation.failed', 'from..to must be within three years', { issues: [{ path: 'querystring.to', message: 'within three years of from' }] });
      }
      const config = await loadCalendarConfig(deps.db, request.params.id);
      if (!config) throw new AppError('resource.not_found', 'no such calendar', { id: request.params.id });
      const unit = await deps.db.selectFrom('units').select('id').where('calendar_id', '=', config.id).limit(1).executeTakeFirst();
      const calendar = await calendarForUnit(deps.db, unit?.id ?? null);
      const language = languageOf(request);
      const days: IcalDay[] = [];
      for (let i = 0; i <= span; i += 1) {
        const info = dayInfo(calendar, addDaysIso(from, i));
        if (info.holiday) days.push({ date: info.date, isWorkday: info.isWorkday, code: info.holiday.code, name: info.holiday.name[language] });
      }
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${config.code}-${from}-${to}.ics"`)
        .send(toIcal(config.code, days, deps.now()));
    },
  );

  api.post(
    '/calendars/:id/import',
    {
      config: { access: 'calendar.manage' },
      schema: {
        tags: ['time limits'],
        summary: 'Import days from an iCalendar text (each event day becomes an override); same rule of who as setting a day',
        params: idParams,
        body: z.object({ ics: z.string().min(1).max(2_000_000) }).strict(),
        response: { 200: z.object({ imported: z.number().int(), errors: z.array(z.object({ line: z.number().int(), message: z.string() })) }) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { days, errors } = parseIcal(request.body.ics);
      // Nothing is written from a file that could not be read at all.
      if (days.length === 0) {
        throw new AppError('validation.failed', 'no importable day in this file', { issues: errors.map((e) => ({ path: `body.ics:${e.line}`, message: e.message })) });
      }
      await withCalendar(actor, request.params.id, async (trx, calendar) => {
        for (const d of days) {
          await upsertCalendarDay(trx, { calendarId: calendar.id, date: d.date, isWorkday: d.isWorkday, holidayCode: d.holidayCode, name: d.name as Record<string, string> | null, note: 'imported' });
        }
        await audit(trx, calendar.id, actor.userId, 'calendar.imported', { days: days.length, first: days[0]?.date, last: days[days.length - 1]?.date });
      });
      return { imported: days.length, errors };
    },
  );
};
