/**
 * Tracking numbers are read aloud on the phone and typed by elderly requesters, so they are digits only:
 * the registration date in China (YYMMDD), a per-day sequence of at least four digits, and a Damm check
 * digit. Damm catches every single-digit error and every swap of adjacent digits, the two commonest slips.
 */
const DAMM_TABLE: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

export const dammCheckDigit = (digits: string): number => {
  let interim = 0;
  for (const ch of digits) {
    const row = DAMM_TABLE[interim];
    const digit = ch.charCodeAt(0) - 48;
    if (row === undefined || digit < 0 || digit > 9) throw new RangeError(`not a digit: ${ch}`);
    interim = row[digit] ?? 0;
  }
  return interim;
};

export const CHINA_TIME_ZONE = 'Asia/Shanghai';

/** The calendar day in China for an instant, as YYYY-MM-DD (China has no DST; the offset is +08:00). */
export const chinaDay = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export const formatTrackingNo = (day: string, sequence: number): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`bad day ${day}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`bad sequence ${sequence}`);
  const body = `${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}${String(sequence).padStart(4, '0')}`;
  return `${body}${dammCheckDigit(body)}`;
};

/** Accepts what people type (spaces, dashes, full-width digits) and returns the canonical digits. */
export const normaliseTrackingNo = (input: string): string =>
  input
    .replace(/[\uFF10-\uFF19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-_.·]/g, '');

export const isValidTrackingNo = (value: string): boolean =>
  /^\d{11,16}$/.test(value) && dammCheckDigit(value) === 0;
