import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let calendarId = '';
let hrssId = '';

beforeAll(async () => {
  t = await createTestApp();
  const calendars = (await t.call(null, 'GET', '/api/v1/calendars')).json() as { items: { id: string; code: string; unitCodes: string[] }[] };
  const xizang = calendars.items.find((c) => c.code === 'xizang');
  expect(xizang?.unitCodes).toEqual(['lhasa']);
  calendarId = xizang?.id ?? '';
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
});
afterAll(async () => {
  await t.close();
});

const day = async (date: string, unit = hrssId) =>
  ((await t.call(null, 'GET', `/api/v1/calendar/days?from=${date}&to=${date}&unit=${unit}&lang=en`)).json() as {
    items: { isWorkday: boolean; holiday: { code: string; name: string } | null }[];
  }).items[0];

describe('calendar administration', () => {
  it('an admin adds a regional holiday; sub-units inherit it at once; removing it restores the generated day', async () => {
    expect(await day('2026-12-03')).toEqual({ date: '2026-12-03', isWorkday: true, holiday: null });
    const set = await t.call('admin', 'PUT', `/api/v1/calendars/${calendarId}/days/2026-12-03`, {
      isWorkday: false,
      name: { 'zh-Hans': '抗灾停工日', en: 'Disaster closure' },
      note: '暴雪',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(await day('2026-12-03')).toMatchObject({ isWorkday: false, holiday: { code: 'regional_holiday', name: 'Disaster closure' } });

    // A generated holiday turned into a working day, as a regional notice may do.
    expect((await t.call('admin', 'PUT', `/api/v1/calendars/${calendarId}/days/2026-10-08`, { isWorkday: true })).statusCode).toBe(200);
    expect(await day('2026-10-08')).toMatchObject({ isWorkday: true });

    expect((await t.call('admin', 'DELETE', `/api/v1/calendars/${calendarId}/days/2026-12-03`)).statusCode).toBe(204);
    expect(await day('2026-12-03')).toMatchObject({ isWorkday: true, holiday: null });
    expect((await t.call('admin', 'DELETE', `/api/v1/calendars/${calendarId}/days/2026-12-03`)).statusCode).toBe(404);
  });

  it('only administrators change calendars, and bad days are refused', async () => {
    expect((await t.call('supervisor', 'PUT', `/api/v1/calendars/${calendarId}/days/2026-12-04`, { isWorkday: false })).statusCode).toBe(403);
    expect((await t.call(null, 'PUT', `/api/v1/calendars/${calendarId}/days/2026-12-04`, { isWorkday: false })).statusCode).toBe(401);
    expect((await t.call('admin', 'PUT', `/api/v1/calendars/${calendarId}/days/2026-13-04`, { isWorkday: false })).statusCode).toBe(400);
    expect((await t.call('admin', 'PUT', `/api/v1/calendars/${calendarId}/days/2026-12-04`, { isWorkday: false, holidayCode: 'christmas' })).statusCode).toBe(400);
    expect((await t.call('admin', 'PUT', `/api/v1/calendars/00000000-0000-4000-8000-000000000000/days/2026-12-04`, { isWorkday: false })).statusCode).toBe(404);
    expect(await day('2026-12-04')).toMatchObject({ isWorkday: true });
  });

  it('exports iCalendar and imports it back; a file with nothing to import changes nothing', async () => {
    const exported = await t.call(null, 'GET', `/api/v1/calendars/${calendarId}/export.ics?from=2027-01-01&to=2027-12-31&lang=en`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('text/calendar');
    expect(exported.body).toContain('BEGIN:VCALENDAR');
    expect(exported.body).toContain('X-BIHUAN-CODE:losar');

    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20271115', 'DTEND;VALUE=DATE:20271117', 'SUMMARY:Regional election days', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const imported = await t.call('admin', 'POST', `/api/v1/calendars/${calendarId}/import`, { ics });
    expect(imported.json()).toEqual({ imported: 2, errors: [] });
    expect(await day('2027-11-15')).toMatchObject({ isWorkday: false, holiday: { code: 'regional_holiday', name: 'Regional election days' } });
    expect(await day('2027-11-16')).toMatchObject({ isWorkday: false });

    const empty = await t.call('admin', 'POST', `/api/v1/calendars/${calendarId}/import`, { ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'validation.failed' } });
  });
});

describe('overdue counts per unit', () => {
  it('counts open, overdue and warning cases per lead unit within the caller\'s scope', async () => {
    const all = (await t.call('supervisor', 'GET', '/api/v1/sla/overdue-by-unit')).json() as { items: { unit: { code: string }; open: number; overdue: number; warning: number }[] };
    expect(all.items.length).toBeGreaterThan(0);
    for (const row of all.items) {
      const list = (await t.call('supervisor', 'GET', `/api/v1/cases?status=registered,dispatched,accepted,returned&overdue=true&pageSize=100`)).json() as { items: { leadUnit: { code: string } | null }[] };
      expect(row.overdue).toBe(list.items.filter((i) => i.leadUnit?.code === row.unit.code).length);
      expect(row.open).toBeGreaterThanOrEqual(row.overdue);
    }
    const mine = (await t.call('handler_city', 'GET', '/api/v1/sla/overdue-by-unit')).json() as { items: { unit: { code: string } }[] };
    expect(mine.items.every((r) => r.unit.code === 'cityman' || all.items.some((a) => a.unit.code === r.unit.code))).toBe(true);
    expect(mine.items.length).toBeLessThan(all.items.length);
  });
});
