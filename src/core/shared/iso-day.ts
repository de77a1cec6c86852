import { z } from 'zod';

/** A calendar day as people mean it: YYYY-MM-DD within 1900–2100, the range our calendars can answer for. */
export const isoDaySchema = z.iso.date().refine((value) => {
  const year = Number(value.slice(0, 4));
  return year >= 1900 && year <= 2100;
}, 'a date between 1900-01-01 and 2100-12-31');
