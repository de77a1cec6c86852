import { describe, expect, it } from 'vitest';
import { chinaDay, dammCheckDigit, formatTrackingNo, isValidTrackingNo, normaliseTrackingNo } from './tracking-number.js';

describe('tracking numbers', () => {
  it('computes the Damm check digit of the published example', () => {
    // The worked example in Damm's algorithm literature: 572 → check digit 4.
    expect(dammCheckDigit('572')).toBe(4);
    expect(dammCheckDigit('5724')).toBe(0);
    expect(dammCheckDigit('5725')).not.toBe(0);
  });

  it('formats the China date, a padded sequence and a valid check digit', () => {
    const no = formatTrackingNo('2026-11-22', 42);
    expect(no.slice(0, 10)).toBe('2611220042');
    expect(no).toHaveLength(11);
    expect(isValidTrackingNo(no)).toBe(true);
    expect(formatTrackingNo('2026-11-22', 123456).slice(6, 12)).toBe('123456');
  });

  it('catches every single-digit error and every adjacent swap', () => {
    const no = formatTrackingNo('2026-02-10', 731);
    for (let i = 0; i < no.length; i += 1) {
      for (let d = 0; d <= 9; d += 1) {
        const typo = no.slice(0, i) + String(d) + no.slice(i + 1);
        if (typo !== no) expect(isValidTrackingNo(typo), typo).toBe(false);
      }
      if (i + 1 < no.length && no[i] !== no[i + 1]) {
        const swapped = no.slice(0, i) + no[i + 1] + no[i] + no.slice(i + 2);
        expect(isValidTrackingNo(swapped), swapped).toBe(false);
      }
    }
  });

  it('normalises what people type', () => {
    expect(normaliseTrackingNo(' 261122-0042 7 ')).toBe('26112200427');
    expect(normaliseTrackingNo('２６１１２２')).toBe('261122');
  });

  it('uses the calendar day in China, not UTC', () => {
    expect(chinaDay(new Date('2026-11-21T16:30:00Z'))).toBe('2026-11-22');
    expect(chinaDay(new Date('2026-11-21T15:59:59Z'))).toBe('2026-11-21');
  });
});
