import { z } from 'zod';
import { CHANNELS, KINDS } from '../case/case.types.js';
import { SLA_MODES } from './sla-policy.js';

const targetRule = z.object({ amount: z.number().int().min(1).max(1000), mode: z.enum(SLA_MODES) }).strict();

/**
 * A time-limit policy as administrators edit it (`PUT /sla/policies/{code}`). It applies to a case whose category
 * (or the category's parent), channel and kind match; the highest priority, then the most specific, wins.
 */
export const slaPolicyBodySchema = z
  .object({
    name: z
      .object({ 'zh-Hans': z.string().trim().min(1).max(100), bo: z.string().trim().min(1).max(200).optional(), en: z.string().trim().min(1).max(100).optional() })
      .strict(),
    targets: z.object({ accept: targetRule.optional(), firstContact: targetRule.optional(), reply: targetRule, callback: targetRule.optional() }).strict(),
    replyClock: z.enum(['registration', 'acceptance']),
    warnAtShare: z.number().min(0.05).max(0.95),
    maxExtensionDays: z.number().int().min(1).max(365).nullable(),
    categoryId: z.uuid().nullable(),
    channel: z.enum(CHANNELS).nullable(),
    kind: z.enum(KINDS).nullable(),
    priority: z.number().int().min(-1000).max(1000),
    isActive: z.boolean(),
    /** The statuses in which the clocks stand still: only the wait on the requester may (docs/time-limits.md). */
    pausedStatuses: z.array(z.literal('on_hold')).max(1),
    maxReopenRounds: z.number().int().min(0).max(10),
    reopenWindowDays: z.number().int().min(0).max(365),
    holdReminderDays: z.number().int().min(1).max(90).nullable(),
    holdLimitDays: z.number().int().min(1).max(365).nullable(),
  })
  .strict()
  .refine((p) => p.holdReminderDays === null || p.holdLimitDays === null || p.holdReminderDays < p.holdLimitDays, {
    message: 'the reminder comes before the end of the wait',
    path: ['holdReminderDays'],
  });
export type SlaPolicyBody = z.infer<typeof slaPolicyBodySchema>;

export const slaPolicyCodeSchema = z.string().regex(/^[a-z0-9_]{1,60}$/, 'lower-case letters, digits and _');

/**
 * A policy as stored, looser than what may be saved: rows written before the page existed (by SQL or a
 * migration) are listed as they are, never refused by the answer's own schema.
 */
export const slaPolicyViewSchema = z.object({
  code: z.string(),
  name: z.object({ 'zh-Hans': z.string(), bo: z.string().optional(), en: z.string().optional() }),
  targets: z.record(z.string(), z.object({ amount: z.number(), mode: z.string() })),
  replyClock: z.enum(['registration', 'acceptance']),
  warnAtShare: z.number(),
  maxExtensionDays: z.number().int().nullable(),
  categoryId: z.uuid().nullable(),
  channel: z.string().nullable(),
  kind: z.string().nullable(),
  priority: z.number().int(),
  isActive: z.boolean(),
  pausedStatuses: z.array(z.string()),
  maxReopenRounds: z.number().int(),
  reopenWindowDays: z.number().int(),
  holdReminderDays: z.number().int().nullable(),
  holdLimitDays: z.number().int().nullable(),
});
export type SlaPolicyView = z.infer<typeof slaPolicyViewSchema>;
