import { z } from 'zod';
import { isoDaySchema } from '../shared/iso-day.js';
import { CASE_STATUSES, CHANNELS, KINDS, LANGUAGES } from '../case/case.types.js';
import { parseWeights } from './rates.js';
import { COUNTERS, PERIODS, RATES, type Counter, type RateName } from './stats.types.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const weights = z.string().transform((value, ctx) => {
  const parsed = parseWeights(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: 'expected rate:weight pairs, e.g. response:30,resolution:35,satisfaction:35' });
    return z.NEVER;
  }
  return parsed;
});

const unitScope = {
  unit: z.uuid().optional(),
  withSubUnits: flag.default(true),
  lang: z.enum(LANGUAGES).optional(),
};

/** China dates, both included: `from=2026-10-01&to=2026-10-31` is October. Cases count on the day they were registered. */
const scope = {
  ...unitScope,
  from: isoDaySchema.optional(),
  to: isoDaySchema.optional(),
  category: z.uuid().optional(),
  channel: z.enum(CHANNELS).optional(),
  kind: z.enum(KINDS).optional(),
  weights: weights.optional(),
};

export const summaryQuerySchema = z.object(scope).strict();
export const seriesQuerySchema = z.object({ ...scope, period: z.enum(PERIODS).default('month') }).strict();
export const rankingQuerySchema = z
  .object({
    ...scope,
    rate: z.enum([...RATES, 'score']).default('score'),
    level: z.enum(['children', 'units']).default('children'),
    minCases: z.coerce.number().int().min(0).max(1_000_000).default(1),
  })
  .omit({ withSubUnits: true })
  .strict();
export const breakdownQuerySchema = z.object({ ...scope, by: z.enum(['category', 'channel', 'kind']) }).strict();
export const hotspotsQuerySchema = z
  .object({
    ...unitScope,
    from: isoDaySchema.optional(),
    to: isoDaySchema.optional(),
    category: z.uuid().optional(),
    by: z.enum(['place', 'district']).default('place'),
    minCases: z.coerce.number().int().min(2).max(10_000).default(3),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export const backlogQuerySchema = z
  .object({
    ...unitScope,
    minAgeDays: z.coerce.number().int().min(0).max(3650).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export const reportQuerySchema = z
  .object({ unit: z.uuid().optional(), period: z.string().regex(/^(19|20)\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'YYYY-MM, YYYY-Qn or YYYY, years 1900–2099'), lang: z.enum(LANGUAGES).optional() })
  .strict();

// Responses.
const ref = z.object({ id: z.string(), code: z.string(), name: z.string() });
export const countsSchema = z.object(Object.fromEntries(COUNTERS.map((c) => [c, z.number()])) as Record<Counter, z.ZodNumber>);
const ratioSchema = z.object({ value: z.number().nullable(), numerator: z.number(), denominator: z.number() });
export const ratesSchema = z.object(Object.fromEntries(RATES.map((r) => [r, ratioSchema])) as Record<RateName, typeof ratioSchema>);
const figures = { counts: countsSchema, rates: ratesSchema, score: z.number().nullable() };
export const scopeViewSchema = z.object({
  unit: ref,
  withSubUnits: z.boolean(),
  from: z.string(),
  to: z.string(),
  category: ref.nullable(),
  channel: z.enum(CHANNELS).nullable(),
  kind: z.enum(KINDS).nullable(),
  weights: z.record(z.string(), z.number()),
  asOf: z.string(),
});

export const summaryResponseSchema = z.object({ scope: scopeViewSchema, ...figures });
export const seriesResponseSchema = z.object({
  scope: scopeViewSchema,
  period: z.enum(PERIODS),
  items: z.array(z.object({ label: z.string(), start: z.string(), from: z.string(), to: z.string(), ...figures })),
});
export const rankingResponseSchema = z.object({
  scope: scopeViewSchema,
  rate: z.enum([...RATES, 'score']),
  level: z.enum(['children', 'units']),
  items: z.array(z.object({ rank: z.number().int().nullable(), unit: ref, value: z.number().nullable(), ...figures })),
});
export const breakdownResponseSchema = z.object({
  scope: scopeViewSchema,
  by: z.enum(['category', 'channel', 'kind']),
  items: z.array(z.object({ key: z.string(), name: z.string(), parent: ref.nullable(), ...figures })),
});
export const hotspotsResponseSchema = z.object({
  scope: scopeViewSchema,
  previous: z.object({ from: z.string(), to: z.string() }),
  items: z.array(
    z.object({
      category: ref.nullable(),
      place: z.string(),
      district: z.string().nullable(),
      count: z.number().int(),
      previousCount: z.number().int(),
      change: z.number().int(),
      growth: z.number().nullable(),
      trend: z.enum(['new', 'rising', 'steady', 'falling']),
      keywords: z.array(z.string()),
      latestAt: z.string(),
      caseIds: z.array(z.string()),
    }),
  ),
});
export const backlogResponseSchema = z.object({
  scope: scopeViewSchema,
  minAgeDays: z.number().int(),
  asOf: z.string(),
  total: z.number().int(),
  overdue: z.number().int(),
  bands: z.array(z.object({ fromDays: z.number().int(), toDays: z.number().int().nullable(), count: z.number().int() })),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(
    z.object({
      id: z.string(),
      trackingNo: z.string(),
      title: z.string(),
      status: z.enum(CASE_STATUSES),
      category: ref.nullable(),
      owner: ref.nullable(),
      ownerSince: z.string(),
      ownerDays: z.number().int(),
      handler: z.object({ id: z.string(), displayName: z.string() }).nullable(),
      createdAt: z.string(),
      ageDays: z.number().int(),
      replyDueAt: z.string().nullable(),
      overdueDays: z.number().int().nullable(),
      isSupervised: z.boolean(),
      reopenCount: z.number().int(),
      urgeCount: z.number().int(),
    }),
  ),
});
