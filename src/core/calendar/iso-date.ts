/**
 * Calendar dates as 'YYYY-MM-DD' strings and as day numbers (days since 1970-01-01). Day numbers make
 * date arithmetic integer arithmetic; the strings are what people, the data files and the UI read.
 */

/** A civil date, 'YYYY-MM-DD' (proleptic Gregorian). */
export type IsoDate = string;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days from 1970-01-01 to the date (negative before). Throws on anything but a real 'YYYY-MM-DD'. */
export const dayNumberOfIso = (date: IsoDate): number => {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 02-30 over to 03-02; a date that does not come back unchanged does not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`no such date: ${date}`);
  }
  // Date.UTC maps years 0..99 to 1900..1999; we never need them, so refuse them rather than be wrong.
  if (y < 100) throw new RangeError(`year out of range: ${date}`);
  return ms / DAY_MS;
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** The date of a day number, without allocating a Date (Hinnant's civil-from-days). */
export const isoOfDayNumber = (dayNumber: number): IsoDate => {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}`;
};

/** 1970-01-01 was a Thursday. */
export const isoWeekdayOfDayNumber = (dayNumber: number): IsoWeekday => ((((dayNumber + 3) % 7) + 7) % 7 + 1) as IsoWeekday;

export const addDaysIso = (date: IsoDate, days: number): IsoDate => isoOfDayNumber(dayNumberOfIso(date) + days);
