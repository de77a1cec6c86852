import { describe, expect, it } from 'vitest';
import { ApiError, buildUrl, normaliseIssues } from '../api/client';
import { buildActionRequest, initialValues } from './actions';
import { errorMessage, mapIssues } from './errors';
import { describeEvent, eventName } from './events';
import { cnyToFen, depths, endOfDayIso, formatFen } from './format';
import { holidayRuns } from '../pages/Calendar';
import { filtersFromQuery, filtersToQuery, slaStateOf } from '../pages/Queue';
import { dayNumber, isoWeekday, monthRange, monthWeeks, parseYearMonth, shiftMonth } from './calendar';
import { automaticSupervisionTarget, formatLocal, groupDayRuns, readExplanation, skipReasonKey } from './sla';
import { matchPath, parseHash, hrefFor } from '../router';

const units: Record<string, string> = { u1: '拉萨市总工会', u2: '城关区人社局' };
const ctx = (lang: 'zh-Hans' | 'bo' | 'en') => ({ lang, unitName: (id: string) => units[id] });

describe('money', () => {
  it('converts yuan to integer fen without floating point', () => {
    expect(cnyToFen('3500')).toBe(350000);
    expect(cnyToFen('3500.5')).toBe(350050);
    expect(cnyToFen('0.07')).toBe(7);
    expect(cnyToFen('1,234.56')).toBe(123456);
    expect(cnyToFen('１２３')).toBe(12300);
    expect(cnyToFen('12.345')).toBeNull();
    expect(cnyToFen('-5')).toBeNull();
    expect(cnyToFen('abc')).toBeNull();
    expect(cnyToFen('')).toBeNull();
  });
  it('formats fen as yuan', () => {
    expect(formatFen(350050)).toBe('3500.50');
    expect(formatFen(7)).toBe('0.07');
  });
});

describe('dates and trees', () => {
  it('turns a date into the end of that day with an offset', () => {
    expect(endOfDayIso('2025-06-30')).toMatch(/^2025-06-30T23:59:59[+-]\d{2}:\d{2}$/);
    expect(endOfDayIso('30/06/2025')).toBeNull();
  });
  it('computes depths of a parents-first list', () => {
    const d = depths([
      { id: 'a', parentId: null },
      { id: 'b', parentId: 'a' },
      { id: 'c', parentId: 'b' },
    ]);
    expect([d.get('a'), d.get('b'), d.get('c')]).toEqual([0, 1, 2]);
  });
});

describe('router', () => {
  it('parses paths and queries', () => {
    const r = parseHash('#/track?no=BH1&code=X9');
    expect(r.path).toBe('/track');
    expect(r.query.get('no')).toBe('BH1');
    expect(parseHash('').path).toBe('/');
    expect(matchPath('/work/cases/:id', '/work/cases/abc')).toEqual({ id: 'abc' });
    expect(matchPath('/work/cases/:id', '/work/cases')).toBeNull();
    expect(hrefFor('/work', { q: 'a b', mine: true, overdue: false })).toBe('#/work?q=a+b&mine=true');
  });
  it('round-trips queue filters through the hash query', () => {
    const f = filtersFromQuery(
      new URLSearchParams('status=registered,returned&mine=true&sort=replyDueAt&page=3'),
    );
    expect(f.status).toBe('registered,returned');
    expect(f.mine).toBe(true);
    expect(f.sort).toBe('replyDueAt');
    expect(f.page).toBe(3);
    const again = filtersFromQuery(new URLSearchParams(hrefFor('/work', filtersToQuery(f)).split('?')[1]));
    expect(again).toEqual(f);
    expect(filtersFromQuery(new URLSearchParams('sort=bogus&page=-1')).sort).toBe('-createdAt');
  });
});

describe('api client helpers', () => {
  it('sends the UI language on every call', () => {
    expect(buildUrl('/cases', { mine: 'true', q: undefined }, 'bo')).toBe('/api/v1/cases?mine=true&lang=bo');
  });
  it('normalises issue paths', () => {
    expect(
      normaliseIssues([
        { path: ['requester', 'phone'], message: 'bad' },
        { path: '/title', message: 'empty' },
        { path: 'body.unitId', message: 'x' },
      ]),
    ).toEqual([
      { path: 'requester.phone', message: 'bad' },
      { path: 'title', message: 'empty' },
      { path: 'unitId', message: 'x' },
    ]);
  });
});

describe('errors', () => {
  it('uses the catalogue for codes of the contract and the server message otherwise', () => {
    const conflict = new ApiError(
      409,
      'case.invalid_transition',
      'server text',
      'errors.case.invalid_transition',
    );
    expect(errorMessage(conflict, 'en')).toMatch(/no longer in a state/);
    expect(errorMessage(conflict, 'bo')).toMatch(/[\u0F00-\u0FFF]/);
    const other = new ApiError(409, 'case.already_merged', '已合并，不能再合并');
    expect(errorMessage(other, 'zh-Hans')).toBe('已合并，不能再合并');
    expect(errorMessage(new ApiError(0, 'network', 'fail'), 'zh-Hans')).toMatch(/网络/);
  });
  it("maps validation issues to fields, in the reader's language", () => {
    const err = new ApiError(400, 'validation.failed', 'invalid body', 'errors.validation.failed', {
      issues: [
        { path: 'body.requester.phone', message: 'a phone number of digits' },
        { path: ['foo'], message: 'other' },
      ],
    });
    expect(mapIssues(err, { 'requester.phone': 'sub-phone' }, 'zh-Hans')).toEqual({
      fields: { 'sub-phone': '此项填写不正确，请检查。' },
      other: [],
    });
    expect(mapIssues(err, { 'requester.phone': 'sub-phone' }, 'en')).toEqual({
      fields: { 'sub-phone': 'a phone number of digits' },
      other: ['foo: other'],
    });
  });
});

describe('timeline lines', () => {
  it('names the unit a case was dispatched to, in each language', () => {
    const ev = { code: 'case.dispatched', data: { unitId: 'u1', assistingUnitIds: ['u2'] } };
    expect(describeEvent(ev, ctx('zh-Hans')).title).toBe('派单至拉萨市总工会');
    expect(describeEvent(ev, ctx('en')).title).toBe('Dispatched to 拉萨市总工会');
    expect(describeEvent(ev, ctx('bo')).title).toContain('拉萨市总工会');
    expect(describeEvent(ev, ctx('zh-Hans')).details[0]?.text).toBe('城关区人社局');
  });
  it('falls back to the plain event name when data is missing', () => {
    expect(describeEvent({ code: 'case.dispatched', data: {} }, ctx('zh-Hans')).title).toBe('派单至承办单位');
    expect(describeEvent({ code: 'case.something_new', data: {} }, ctx('en')).title).toBe(
      'Other entry (case.something_new)',
    );
    expect(eventName('zh-Hans', 'case.rated')).toBe('诉求人评价');
  });
  it("reads the server's unit stamps, named in every language", () => {
    const stamp = (id: string, zh: string, bo: string) => ({ id, code: id, name: { 'zh-Hans': zh, bo } });
    const ev = {
      code: 'case.transferred',
      data: {
        fromUnit: stamp('u1', '拉萨市总工会', 'ལྷ་ས།'),
        toUnit: stamp('u2', '城关区人社局', 'ཁྲིན་ཀོན།'),
        reason: '职责',
      },
    };
    expect(describeEvent(ev, ctx('zh-Hans')).title).toBe('由拉萨市总工会转办至城关区人社局');
    expect(describeEvent(ev, ctx('bo')).title).toBe('ལྷ་ས། ནས་ ཁྲིན་ཀོན། ལ་སྤོས།');
    // no English name: falls back to Chinese, which every name has
    expect(describeEvent(ev, ctx('en')).title).toBe('Transferred from 拉萨市总工会 to 城关区人社局');
    const dispatched = {
      code: 'case.dispatched',
      data: {
        unit: stamp('u1', '拉萨市总工会', 'ལྷ་ས།'),
        assistingUnits: [stamp('u2', '城关区人社局', 'ཁྲིན་ཀོན།')],
        note: null,
      },
    };
    expect(describeEvent(dispatched, ctx('zh-Hans'))).toEqual({
      title: '派单至拉萨市总工会',
      details: [{ label: '协办', text: '城关区人社局' }],
    });
    expect(
      describeEvent({ code: 'case.merged_into', data: { caseId: 'x', trackingNo: 'BH1' } }, ctx('en')).title,
    ).toBe('Duplicate BH1 merged into this case');
  });

  it('renders callback values and text fields', () => {
    const line = describeEvent(
      {
        code: 'case.callback_recorded',
        data: { resolved: 'partly', satisfaction: 'fairly_satisfied', comment: '还行' },
      },
      ctx('zh-Hans'),
    );
    expect(line.title).toBe('回访：部分解决，基本满意');
    expect(line.details).toEqual([{ label: '意见', text: '还行' }]);
    const tr = describeEvent(
      { code: 'case.transferred', data: { fromUnitId: 'u1', toUnitId: 'u2', reason: '职责' } },
      ctx('zh-Hans'),
    );
    expect(tr.title).toBe('由拉萨市总工会转办至城关区人社局');
  });
});

describe('action forms', () => {
  it('requires the fields of the contract', () => {
    const r = buildActionRequest('dispatch', initialValues('dispatch'));
    expect(r).toEqual({ ok: false, errors: { unitId: 'form.choose' } });
  });
  it('builds typed bodies', () => {
    expect(
      buildActionRequest('dispatch', { unitId: 'u1', assistingUnitIds: ['u1', 'u2'], note: ' ' }),
    ).toEqual({
      ok: true,
      request: { action: 'dispatch', body: { unitId: 'u1', assistingUnitIds: ['u2'] } },
    });
    expect(
      buildActionRequest('reply', { text: '已追回', outcome: 'resolved', amountRecoveredFen: '1200.5' }),
    ).toEqual({
      ok: true,
      request: { action: 'reply', body: { text: '已追回', outcome: 'resolved', amountRecoveredFen: 120050 } },
    });
    expect(buildActionRequest('decide-extension', { isApproved: 'false', note: '' })).toEqual({
      ok: true,
      request: { action: 'decide-extension', body: { isApproved: false } },
    });
    expect(buildActionRequest('close', {})).toEqual({ ok: true, request: { action: 'close', body: {} } });
    expect(buildActionRequest('note', initialValues('note'))).toEqual({
      ok: false,
      errors: { text: 'form.required' },
    });
    expect(buildActionRequest('request-extension', { days: '0', reason: 'x' })).toEqual({
      ok: false,
      errors: { days: 'form.invalidNumber' },
    });
  });
});

describe('time limits', () => {
  it('reads the structured explanation defensively', () => {
    const e = readExplanation({
      policyId: 'category_wage_arrears',
      mode: 'working_days',
      amount: 7,
      unit: 'days',
      dueLocal: { date: '2026-10-12', time: '24:00' },
      skippedDays: [{ date: '2026-10-01', reason: 'national_day' }, { date: 'bad', reason: 'weekend' }, 3],
      swappedWorkdays: [{ date: '2026-10-10', bridges: 'national_day' }],
      provisional: 'yes',
    });
    expect(e.mode).toBe('working_days');
    expect(e.skippedDays).toEqual([{ date: '2026-10-01', reason: 'national_day' }]);
    expect(e.swappedWorkdays).toEqual([{ date: '2026-10-10', bridges: 'national_day' }]);
    expect(e.provisional).toBe(false);
    expect(formatLocal(e.dueLocal)).toBe('2026-10-12 24:00');
    expect(readExplanation(null).skippedDays).toEqual([]);
  });
  it('groups skipped days into runs of the same reason', () => {
    const days = [
      ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => ({
        date: `2026-10-${d}`,
        reason: 'national_day',
      })),
      { date: '2026-10-11', reason: 'weekend' },
      { date: '2026-10-10', reason: 'weekend' },
      { date: '2026-10-17', reason: 'weekend' },
    ];
    expect(groupDayRuns(days)).toEqual([
      { from: '2026-10-01', to: '2026-10-08', days: 8, reason: 'national_day' },
      { from: '2026-10-10', to: '2026-10-11', days: 2, reason: 'weekend' },
      { from: '2026-10-17', to: '2026-10-17', days: 1, reason: 'weekend' },
    ]);
    expect(skipReasonKey('weekend')).toBe('sla.skip.weekend');
    expect(skipReasonKey('losar')).toBe('holiday.losar');
    expect(skipReasonKey('mystery')).toBeUndefined();
  });
  it('recognises automatic supervisions by their reason code', () => {
    expect(automaticSupervisionTarget('overdue:accept')).toBe('accept');
    expect(automaticSupervisionTarget('overdue_reply')).toBe('reply');
    expect(automaticSupervisionTarget('请三日内办结')).toBeNull();
    expect(automaticSupervisionTarget('overdue:lunch')).toBeNull();
  });
  it('colours a listed case by its state, and an overdue flag always wins', () => {
    expect(slaStateOf({ slaState: 'warning', isOverdue: false })).toBe('warning');
    expect(slaStateOf({ slaState: 'ok', isOverdue: true })).toBe('overdue');
  });
});

describe('month grid', () => {
  it('lays out October 2026 Monday first', () => {
    const weeks = monthWeeks({ year: 2026, month: 10 });
    expect(weeks[0]).toEqual([null, null, null, '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']);
    expect(weeks.flat().filter(Boolean)).toHaveLength(31);
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(isoWeekday('2026-10-10')).toBe(6);
    expect(monthRange({ year: 2024, month: 2 })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
  });
  it('moves across years and parses the month of the address', () => {
    expect(shiftMonth({ year: 2026, month: 1 }, -1)).toEqual({ year: 2025, month: 12 });
    expect(shiftMonth({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
    expect(parseYearMonth('2026-10')).toEqual({ year: 2026, month: 10 });
    expect(parseYearMonth('2026-13')).toBeNull();
    expect(parseYearMonth('garbage')).toBeNull();
    expect(dayNumber('2026-02-30')).toBeNull();
  });
  it('lists holiday runs under the grid', () => {
    const items = [
      { date: '2026-09-30', isWorkday: true, holiday: null },
      { date: '2026-10-01', isWorkday: false, holiday: { code: 'national_day', name: '国庆节' } },
      { date: '2026-10-02', isWorkday: false, holiday: { code: 'national_day', name: '国庆节' } },
      {
        date: '2026-10-10',
        isWorkday: true,
        holiday: { code: 'swapped_workday', name: '调休上班（国庆节）' },
      },
    ];
    expect(holidayRuns(items)).toEqual([
      {
        from: '2026-10-01',
        to: '2026-10-02',
        days: 2,
        code: 'national_day',
        name: '国庆节',
        isWorkday: false,
      },
      {
        from: '2026-10-10',
        to: '2026-10-10',
        days: 1,
        code: 'swapped_workday',
        name: '调休上班（国庆节）',
        isWorkday: true,
      },
    ]);
  });
});

describe('supervision work', () => {
  it('builds the bodies of urge, respond-supervision and conclude-supervision', () => {
    expect(buildActionRequest('urge', { message: ' 请加快办理 ' })).toEqual({
      ok: true,
      request: { action: 'urge', body: { message: '请加快办理' } },
    });
    expect(buildActionRequest('urge', initialValues('urge'))).toEqual({
      ok: false,
      errors: { message: 'form.required' },
    });
    expect(buildActionRequest('respond-supervision', { text: '已约谈用人单位' })).toEqual({
      ok: true,
      request: { action: 'respond-supervision', body: { text: '已约谈用人单位' } },
    });
    expect(buildActionRequest('conclude-supervision', { outcome: '', note: '' })).toEqual({
      ok: false,
      errors: { outcome: 'form.choose' },
    });
    expect(buildActionRequest('conclude-supervision', { outcome: 'resolved', note: '已落实' })).toEqual({
      ok: true,
      request: { action: 'conclude-supervision', body: { outcome: 'resolved', note: '已落实' } },
    });
  });
  it('writes the timeline lines of the clock and of supervision, in each language', () => {
    const warning = { code: 'case.sla_warning', data: { target: 'reply', dueAt: '2026-10-12T09:30:00Z' } };
    expect(describeEvent(warning, ctx('zh-Hans')).title).toMatch(
      /^答复即将到期预警（期限 2026-10-12 \d\d:30）$/,
    );
    expect(describeEvent(warning, ctx('en')).title).toMatch(/^Reply due soon/);
    expect(describeEvent({ code: 'case.overdue', data: { target: 'accept' } }, ctx('zh-Hans')).title).toBe(
      '签收超时',
    );
    const auto = {
      code: 'case.supervised',
      data: { dueBy: '2026-10-14T09:00:00Z', note: null, isAutomatic: true, reason: 'overdue_accept' },
    };
    expect(describeEvent(auto, ctx('zh-Hans')).title).toBe('系统自动督办（签收超时），限 2026-10-14 前办结');
    expect(describeEvent(auto, ctx('zh-Hans')).details).toEqual([]);
    expect(describeEvent(auto, ctx('bo')).title).toMatch(/[\u0F00-\u0FFF]/);
    const urged = { code: 'case.urged', data: { message: '请加快办理', count: 2 } };
    expect(describeEvent(urged, ctx('zh-Hans')).title).toBe('催办（第 2 次）：请加快办理');
    const responded = { code: 'case.supervision_responded', data: { unit: null, text: '已办理' } };
    expect(describeEvent(responded, ctx('zh-Hans'))).toEqual({
      title: '承办单位回复督办',
      details: [{ label: '内容', text: '已办理' }],
    });
    const concluded = { code: 'case.supervision_concluded', data: { outcome: 'resolved', note: null } };
    expect(describeEvent(concluded, ctx('zh-Hans')).title).toBe('督办办结（已落实）');
    expect(describeEvent(concluded, ctx('en')).title).toBe('Supervision concluded (Carried out)');
  });
});
