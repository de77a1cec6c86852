import type { DayOverride } from './calendar-config.js';
import { HOLIDAY_NAMES, type HolidayCode } from './holiday-names.js';
import { addDaysIso, dayNumberOfIso } from './iso-date.js';

/**
 * iCalendar (RFC 5545) for calendar days: each holiday or swapped working day is an all-day VEVENT.
 * Our own code and whether the day is worked travel in X- properties, so an export imports back exactly;
 * a plain calendar from elsewhere imports as holidays named by its SUMMARY.
 */
export type IcalDay = { date: string; isWorkday: boolean; code: string | null; name: string };

const HOLIDAY_CODES = new Set<string>(Object.keys(HOLIDAY_NAMES));

const escapeText = (value: string): string => value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const unescapeText = (value: string): string => value.replace(/\\n/gi, '\n').replace(/\\([\\;,])/g, '$1');
const compact = (date: string): string => date.replaceAll('-', '');
const expand = (value: string): string | null => (/^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : null);

/** Lines longer than 75 octets are folded with CRLF + space, as the standard requires. */
const fold = (line: string): string => {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const ch of line) {
    if (Buffer.byteLength(current + ch, 'utf8') > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
    }
    current += ch;
  }
  parts.push(current);
  return parts.join('\r\n ');
};

export const toIcal = (calendarCode: string, days: readonly IcalDay[], stamp: Date): string => {
  const dtstamp = stamp.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Bihuan//Work calendar//EN', 'CALSCALE:GREGORIAN', `X-WR-CALNAME:${escapeText(calendarCode)}`];
  for (const d of days) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${compact(d.date)}-${d.code ?? 'day'}@${calendarCode}.bihuan`,
      `DTSTAMP:${dtstamp}`,
      `DTSTART;VALUE=DATE:${compact(d.date)}`,
      `DTEND;VALUE=DATE:${compact(addDaysIso(d.date, 1))}`,
      `SUMMARY:${escapeText(d.name)}`,
      `X-BIHUAN-WORKDAY:${d.isWorkday ? 'TRUE' : 'FALSE'}`,
      ...(d.code ? [`X-BIHUAN-CODE:${d.code}`] : []),
      `TRANSP:${d.isWorkday ? 'OPAQUE' : 'TRANSPARENT'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
};

export type IcalParseResult = { days: DayOverride[]; errors: { line: number; message: string }[] };

/** Parses the VEVENTs of an iCalendar text into day overrides; a multi-day event covers each of its days. */
export const parseIcal = (text: string, options: { maxDays?: number } = {}): IcalParseResult => {
  const maxDays = options.maxDays ?? 2000;
  const physical = text.replace(/\r\n/g, '\n').split('\n');
  const logical: { text: string; line: number }[] = [];
  physical.forEach((raw, i) => {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && logical.length > 0) {
      const last = logical[logical.length - 1];
      if (last) last.text += raw.slice(1);
    } else if (raw.trim() !== '') {
      logical.push({ text: raw, line: i + 1 });
    }
  });
  const days: DayOverride[] = [];
  const errors: IcalParseResult['errors'] = [];
  let event: Record<string, { value: string; line: number }> | null = null;
  let beginLine = 0;
  if (!logical[0]?.text.toUpperCase().startsWith('BEGIN:VCALENDAR')) errors.push({ line: 1, message: 'not an iCalendar file (no BEGIN:VCALENDAR)' });
  for (const { text: l, line } of logical) {
    const colon = l.indexOf(':');
    if (colon < 0) continue;
    const head = l.slice(0, colon).toUpperCase();
    const value = l.slice(colon + 1);
    const name = head.split(';')[0] ?? '';
    if (name === 'BEGIN' && value.toUpperCase() === 'VEVENT') {
      event = {};
      beginLine = line;
    } else if (name === 'END' && value.toUpperCase() === 'VEVENT' && event) {
      const start = expand(event.DTSTART?.value.slice(0, 8) ?? '');
      const endRaw = event.DTEND ? expand(event.DTEND.value.slice(0, 8)) : null;
      if (!start) {
        errors.push({ line: event.DTSTART?.line ?? beginLine, message: 'event without a valid DTSTART date' });
      } else {
        const end = endRaw ?? addDaysIso(start, 1);
        const count = dayNumberOfIso(end) - dayNumberOfIso(start);
        if (count < 1 || days.length + count > maxDays) {
          errors.push({ line: beginLine, message: count < 1 ? 'DTEND is not after DTSTART' : `more than ${maxDays} days` });
        } else {
          const isWorkday = event['X-BIHUAN-WORKDAY']?.value.toUpperCase() === 'TRUE';
          const rawCode = event['X-BIHUAN-CODE']?.value ?? null;
          const code = rawCode && HOLIDAY_CODES.has(rawCode) ? (rawCode as HolidayCode) : null;
          const summary = event.SUMMARY ? unescapeText(event.SUMMARY.value) : null;
          for (let i = 0; i < count; i += 1) {
            days.push({
              date: addDaysIso(start, i),
              isWorkday,
              holidayCode: isWorkday ? null : code,
              // A foreign calendar names its days in one language: keep it as the Chinese name, the one every name has.
              name: !isWorkday && !code && summary ? { 'zh-Hans': summary, bo: summary, en: summary } : null,
            });
          }
        }
      }
      event = null;
    } else if (event) {
      event[name] = { value, line };
    }
  }
  return { days, errors };
};
