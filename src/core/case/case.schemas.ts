import { z } from 'zod';
import { CHANNELS, KINDS, LANGUAGES, PUBLICATION_CONSENTS, REPLY_OUTCOMES, RESOLVED_ANSWERS, SATISFACTIONS } from './case.types.js';

/** Trimmed text that must still say something after trimming. */
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional().transform((v) => (v ? v : undefined));
const fen = z.number().int().min(0).max(1e13);
/** The longest internal summary of a reply (characters, after trimming). */
export const MAX_INTERNAL_SUMMARY = 2000;
// Not optionalText: its transform makes the key required in the inferred type, and callers (seed, tests) omit it.
// An empty summary counts as none (the use case stores null).
const internalSummary = z.string().trim().max(MAX_INTERNAL_SUMMARY).optional();

export const requesterInputSchema = z
  .object({
    name: optionalText(100),
    phone: z.string().trim().regex(/^\+?[0-9][0-9\- ]{4,19}$/, 'a phone number of digits').optional(),
    idNumber: z.string().trim().regex(/^[0-9]{17}[0-9Xx]$|^[A-Za-z0-9]{6,20}$/, 'an ID card number').optional(),
    email: z.email().max(200).optional(),
    language: z.enum(LANGUAGES).default('zh-Hans'),
  })
  .strict();

const location = {
  address: optionalText(300),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
};

export const registerCaseSchema = z
  .object({
    channel: z.enum(CHANNELS),
    kind: z.enum(KINDS),
    title: text(200),
    description: text(10000),
    categoryId: z.uuid().optional(),
    ...location,
    requester: requesterInputSchema.optional(),
    amountClaimedFen: fen.optional(),
    /** The requester's answer when asked at intake; absent means not asked. */
    publicationConsent: z.enum(PUBLICATION_CONSENTS).optional(),
    /** The requester asks that the handling units not learn who they are; a report is protected anyway. */
    isIdentityProtected: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lng === undefined), { message: 'lat and lng go together', path: ['lat'] });
export type RegisterCaseInput = z.infer<typeof registerCaseSchema>;

export const publicSubmitSchema = z
  .object({
    kind: z.enum(KINDS),
    title: text(200),
    description: text(4000),
    categoryId: z.uuid().optional(),
    ...location,
    requester: requesterInputSchema.pick({ name: true, phone: true, language: true }).strict().optional(),
    /** The form's question "may this be published, anonymised?"; absent means not asked (the rules decide). */
    publicationConsent: z.enum(PUBLICATION_CONSENTS).optional(),
    /** "Keep my identity from the unit that handles this"; a report is protected anyway. */
    isIdentityProtected: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lng === undefined), { message: 'lat and lng go together', path: ['lat'] });
export type PublicSubmitInput = z.infer<typeof publicSubmitSchema>;

export const ratingSchema = z
  .object({
    accessCode: z.string().trim().min(4).max(20),
    resolved: z.enum(RESOLVED_ANSWERS),
    satisfaction: z.enum(SATISFACTIONS),
    comment: optionalText(2000),
  })
  .strict();
export type RatingInput = z.infer<typeof ratingSchema>;

/** The requester says the reply did not solve it and asks to reopen, on the tracking page. */
export const publicReopenSchema = z.object({ accessCode: z.string().trim().min(4).max(20), reason: text(2000) }).strict();
export type PublicReopenInput = z.infer<typeof publicReopenSchema>;

/** The requester adds what was asked for (补充材料); a case on hold resumes. */
export const publicInformationSchema = z.object({ accessCode: z.string().trim().min(4).max(20), text: text(4000) }).strict();
export type PublicInformationInput = z.infer<typeof publicInformationSchema>;

/** Bodies of `POST /cases/{id}/{action}`: the names and meanings are a public contract (docs/API.md). */
export const actionSchemas = {
  dispatch: z
    .object({ unitId: z.uuid(), assistingUnitIds: z.array(z.uuid()).max(20).optional(), note: optionalText(2000) })
    .strict(),
  accept: z.object({ note: optionalText(2000) }).strict(),
  return: z.object({ reason: text(2000) }).strict(),
  transfer: z.object({ unitId: z.uuid(), reason: text(2000) }).strict(),
  note: z.object({ text: text(5000), isInternal: z.boolean().optional() }).strict(),
  contribute: z.object({ text: text(5000) }).strict(),
  /** `text` goes to the requester; `internalSummary` stays with staff (never public, never sent). */
  reply: z
    .object({ text: text(10000), outcome: z.enum(REPLY_OUTCOMES), amountRecoveredFen: fen.optional(), internalSummary })
    .strict(),
  callback: z
    .object({ resolved: z.enum(RESOLVED_ANSWERS), satisfaction: z.enum(SATISFACTIONS), comment: optionalText(2000) })
    .strict(),
  reopen: z.object({ reason: text(2000) }).strict(),
  close: z.object({}).strict(),
  reject: z.object({ reason: text(2000), advice: optionalText(2000) }).strict(),
  'resolve-on-intake': z
    .object({ text: text(10000), outcome: z.enum(REPLY_OUTCOMES).optional(), internalSummary })
    .strict(),
  'request-extension': z.object({ days: z.number().int().min(1).max(90), reason: text(2000) }).strict(),
  'decide-extension': z.object({ isApproved: z.boolean(), note: optionalText(2000) }).strict(),
  supervise: z.object({ dueBy: z.iso.datetime({ offset: true }).or(z.iso.date()), note: text(2000) }).strict(),
  merge: z.object({ masterId: z.uuid() }).strict(),
  urge: z.object({ message: text(2000) }).strict(),
  'respond-supervision': z.object({ text: text(5000) }).strict(),
  'conclude-supervision': z.object({ outcome: z.enum(['resolved', 'unresolved']), note: optionalText(2000) }).strict(),
  /** Staff record the requester's request (phone, visit): `reason` is the requester's words. */
  'request-reopen': z.object({ reason: text(2000) }).strict(),
  /** A declined request needs a reason: it is sent to the requester and shown on the tracking page. */
  'decide-reopen': z
    .object({ isApproved: z.boolean(), note: optionalText(2000) })
    .strict()
    .refine((v) => v.isApproved || v.note !== undefined, { message: 'a declined request needs a reason for the requester', path: ['note'] }),
  /** `reason` says what the requester must add: it is shown to the requester (tracking page, message). */
  hold: z.object({ reason: text(1000) }).strict(),
  resume: z.object({ note: optionalText(2000) }).strict(),
  /** The requester's answer, given to staff (phone, visit): grants or withdraws consent to publication. */
  'record-consent': z.object({ consent: z.enum(['granted', 'refused']), note: optionalText(2000) }).strict(),
  /** No note: the handling units read internal events too (simple-actions.ts). */
  'protect-identity': z.object({}).strict(),
} as const;

/** The requester grants or withdraws consent to publication on the tracking page. */
export const publicConsentSchema = z.object({ accessCode: z.string().trim().min(4).max(20), consent: z.enum(['granted', 'refused']) }).strict();
export type PublicConsentInput = z.infer<typeof publicConsentSchema>;

export type ActionSchemas = typeof actionSchemas;
export type ActionInput<A extends keyof ActionSchemas> = z.infer<ActionSchemas[A]>;
