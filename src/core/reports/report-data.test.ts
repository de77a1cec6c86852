import { describe, expect, it } from 'vitest';
import { isQuarterStart, monthEndOf, previousPeriodOf, quarterEndOf, quarterLabelOf, yearEndOf } from './report-data.js';

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

  it('ends a quarter on its last day, and names it', () => {
    expect(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'].map(quarterEndOf)).toEqual(['2026-03-31', '2026-06-30', '2026-09-30', '2026-12-31']);
    expect(quarterEndOf('2024-01-01')).toBe('2024-03-31');
    expect(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'].map(quarterLabelOf)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'].every(isQuarterStart)).toBe(true);
    expect(['2026-02-01', '2026-04-02', '2026-12-01', '2026-10', '26-10-01'].some(isQuarterStart)).toBe(false);
  });

  it('compares a month and a quarter with the calendar month and quarter before, whatever their lengths', () => {
    expect(previousPeriodOf('monthly', '2026-03-01', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriodOf('monthly', '2024-03-01', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(previousPeriodOf('monthly', '2026-01-01', '2026-01-31')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousPeriodOf('quarterly', '2026-04-01', '2026-06-30')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(previousPeriodOf('quarterly', '2026-01-01', '2026-03-31')).toEqual({ from: '2025-10-01', to: '2025-12-31' });
  });

  it('compares a custom period with as many days just before', () => {
    expect(previousPeriodOf('custom', '2026-03-11', '2026-03-20')).toEqual({ from: '2026-03-01', to: '2026-03-10' });
  });
});
