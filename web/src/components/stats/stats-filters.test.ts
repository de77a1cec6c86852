import { describe, expect, it } from 'vitest';
import { filtersFromQuery } from '../../pages/Queue';
import { hrefFor, parseHash } from '../../router';
import {
  caseListQuery,
  chinaToday,
  effectivePeriod,
  excelReportPeriod,
  previousPeriod,
  statsFiltersFromQuery,
  statsFiltersToQuery,
  statsScope,
} from './stats-filters';

const UNIT = '0b9e3c7e-1111-4a5b-9c8d-000000000001';
const CATEGORY = '0b9e3c7e-2222-4a5b-9c8d-000000000002';

describe('dashboard filters in the URL', () => {
  it('round-trip through the hash, defaults left out', () => {
    const f = statsFiltersFromQuery(
      new URLSearchParams(`from=2026-10-01&to=2026-10-31&unit=${UNIT}&sub=false&category=${CATEGORY}&channel=phone&kind=complaint&grain=week&rate=replyRate`),
    );
    expect(f).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
      unit: UNIT,
      withSubUnits: false,
      category: CATEGORY,
      channel: 'phone',
      kind: 'complaint',
      grain: 'week',
      rate: 'replyRate',
    });
    const again = statsFiltersFromQuery(parseHash(hrefFor('/work/stats', statsFiltersToQuery(f))).query);
    expect(again).toEqual(f);
    expect(hrefFor('/work/stats', statsFiltersToQuery(statsFiltersFromQuery(new URLSearchParams())))).toBe('#/work/stats');
  });

  it('drop values that are not valid instead of sending them to the API', () => {
    const f = statsFiltersFromQuery(new URLSearchParams('from=yesterday&to=2026-13-45&channel=fax&kind=x&grain=hour&rate=best'));
    expect(f).toMatchObject({ from: '', to: '', channel: '', kind: '', grain: 'day', rate: 'score', withSubUnits: true });
  });
});

describe('periods', () => {
  it('default to this month so far in China time', () => {
    // 2026-11-30 17:00 UTC is already 1 December in China.
    expect(chinaToday(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
    expect(effectivePeriod({ from: '', to: '' }, new Date('2026-11-22T04:00:00Z'))).toEqual({ from: '2026-11-01', to: '2026-11-22' });
    expect(effectivePeriod({ from: '', to: '2026-10-15' }, new Date('2026-11-22T04:00:00Z'))).toEqual({ from: '2026-10-01', to: '2026-10-15' });
    // Reversed dates are put in order rather than refused.
    expect(effectivePeriod({ from: '2026-10-31', to: '2026-10-01' }, new Date())).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  });

  it('compare with the window of equal length just before', () => {
    expect(previousPeriod({ from: '2026-11-01', to: '2026-11-22' })).toEqual({ from: '2026-10-10', to: '2026-10-31' });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousPeriod({ from: '2026-01-01', to: '2026-01-01' })).toEqual({ from: '2025-12-31', to: '2025-12-31' });
  });

  it('make the API scope, leaving empty filters out', () => {
    const f = statsFiltersFromQuery(new URLSearchParams('channel=web'));
    expect(statsScope(f, { from: '2026-11-01', to: '2026-11-22' })).toEqual({
      unit: undefined,
      withSubUnits: true,
      from: '2026-11-01',
      to: '2026-11-22',
      category: undefined,
      channel: 'web',
      kind: undefined,
    });
  });
});

describe('links to the case list', () => {
  it('carry the period and the filters in the queue\'s own parameters', () => {
    const f = statsFiltersFromQuery(new URLSearchParams(`unit=${UNIT}&category=${CATEGORY}&channel=phone&kind=help`));
    const href = hrefFor('/work', caseListQuery(f, { from: '2026-11-01', to: '2026-11-22' }, { overdue: true }));
    const route = parseHash(href);
    expect(route.path).toBe('/work');
    // Read back with the queue's own parser: what the list will show.
    expect(filtersFromQuery(route.query)).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-22',
      unitId: UNIT,
      categoryId: CATEGORY,
      channel: 'phone',
      kind: 'help',
      overdue: true,
      status: '',
    });
  });

  it('let a chart element narrow further (a period of the trend, a unit, a category)', () => {
    const f = statsFiltersFromQuery(new URLSearchParams('kind=complaint'));
    const q = caseListQuery(f, { from: '2026-11-01', to: '2026-11-22' }, { from: '2026-11-05', to: '2026-11-05', unitId: UNIT, status: 'registered,dispatched' });
    expect(filtersFromQuery(parseHash(hrefFor('/work', q)).query)).toMatchObject({
      from: '2026-11-05',
      to: '2026-11-05',
      unitId: UNIT,
      kind: 'complaint',
      status: 'registered,dispatched',
      overdue: false,
    });
  });
});

describe('the Excel report the dashboard offers for its period', () => {
  it('names the year, quarter or month the period covers, as the statistics name them', () => {
    const cases: [string, string, string][] = [
      ['2026-11-01', '2026-11-23', '2026-11'], // the default: this month so far
      ['2026-10-01', '2026-11-23', '2026-Q4'], // this quarter so far
      ['2026-10-01', '2026-12-31', '2026-Q4'],
      ['2026-01-01', '2026-11-23', '2026'], // this year so far
      ['2026-01-01', '2026-03-31', '2026-Q1'],
      ['2026-01-01', '2026-01-31', '2026-01'],
      ['2026-11-05', '2026-11-20', '2026-11'], // every other period: the month it ends in
      ['2026-09-15', '2026-11-20', '2026-11'],
      ['2026-11-01', '2027-01-10', '2027-01'],
      ['2025-12-15', '2026-01-10', '2026-01'],
    ];
    for (const [from, to, label] of cases) expect(excelReportPeriod({ from, to }).label, `${from}..${to}`).toBe(label);
    expect(excelReportPeriod({ from: '2026-10-01', to: '2026-11-23' }).grain).toBe('quarter');
    expect(excelReportPeriod({ from: '2026-01-01', to: '2026-11-23' }).grain).toBe('year');
  });
});
