/**
 * Natural-time deadlines. The SLA issue replaces these with working-day calendars (holidays, swapped
 * days, Losar); every caller goes through these two functions so that change stays in one place.
 */
const HOUR = 3600_000;

export const acceptDueAt = (from: Date, acceptHours: number): Date => new Date(from.getTime() + acceptHours * HOUR);

export const replyDueAt = (from: Date, replyDays: number): Date => new Date(from.getTime() + replyDays * 24 * HOUR);

export const extendBy = (due: Date, days: number): Date => new Date(due.getTime() + days * 24 * HOUR);

export const DEFAULT_LIMITS = { acceptHours: 24, replyDays: 7 } as const;
