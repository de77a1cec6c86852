import { describe, expect, it } from 'vitest';
import { monthEndOf, previousPeriodOf, yearEndOf } from './report-data.js';

describe('report periods', () => {
  it('ends a month and a year on their last day', () => {
    expect(monthEndOf('2024-02-01')).toBe('2024-02-29');
    expect(monthEndOf('2026-12-01')).toBe('2026-12-31');
    expect(yearEndOf('2026-01-01')).toBe('2026-12-31');
  });

  it('compares a year with the calendar year before, even across a leap year', () => {
    expect(previousPeriodOf('yearly', '2025-01-01', '2025-12-31')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(previousPeriodOf('yearly', '2026-01-01', '2026-12-31')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });

  it('compares other periods with as many days just before', () => {
    expect(previousPeriodOf('custom', '2026-03-11', '2026-03-20')).toEqual({ from: '2026-03-01', to: '2026-03-10' });
  });
});
