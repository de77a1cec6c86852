import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_OUTCOME_CLASSES, AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, isAuditCursor, outcomeClassOf } from '../../core/audit/audit-log-rules.js';
import type { AuditLogEntryView } from '../../core/audit/audit-log.ports.js';
import type { PersonKey } from '../../core/privacy/person-data.ports.js';
import { checkAuditChain } from '../../core/audit/check-audit-chain.js';
import { searchAuditLog } from '../../core/audit/search-audit-log.js';
import { LANGUAGES } from '../../core/case/case.types.js';
import { createAuditLogStore } from '../../db/audit-log-reader.repository.js';
import { fieldCryptoFor } from '../../db/data-keys.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { requestContextOf } from '../request-context.js';

const dateTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

const searchQuery = z
  .object({
    from: dateTime.optional(),
    to: dateTime.optional(),
    /** Usernames starting with this (the whole name matches too). */
    actor: text(64).optional(),
    /** Text found in the action, e.g. `/auth/login`, `dispatch`, `reveal`. */
    action: text(200).optional(),
    subjectKind: text(64).optional(),
    subjectId: text(200).optional(),
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    outcome: z.enum(AUDIT_OUTCOME_CLASSES).optional(),
    /** The `nextCursor` of the previous page. */
    before: z.string().refine(isAuditCursor, { message: 'not a cursor of this list' }).optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
    lang: z.enum(LANGUAGES).optional(),
  })
  .strict();

const entrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string(), username: z.string(), displayName: z.string().nullable() }).nullable(),
  /** The name typed by someone not signed in (a failed sign-in): a claim, not an identity. */
  claimedUsername: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  action: z.string(),
  subjectKind: z.string().nullable(),
  subjectId: z.string().nullable(),
  outcome: z.string(),
  outcomeClass: z.enum(AUDIT_OUTCOME_CLASSES),
  data: z.record(z.string(), z.unknown()),
  chainSeq: z.number().int().nullable(),
});

const chainSchema = z.object({
  entries: z.number().int(),
  isIntact: z.boolean(),
  firstBreak: z.object({ chainSeq: z.number().int(), id: z.string(), reason: z.string() }).nullable(),
  unsealed: z.number().int(),
  checkedAt: z.string(),
});

const entryOut = (e: AuditLogEntryView): z.infer<typeof entrySchema> => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: e.actor,
  claimedUsername: e.claimedUsername,
  ip: e.ip,
  userAgent: e.userAgent,
  action: e.action,
  subjectKind: e.subjectKind,
  subjectId: e.subjectId,
  outcome: e.outcome,
  outcomeClass: outcomeClassOf(e.outcome),
  data: e.data,
  chainSeq: e.chainSeq,
});


/** The audit log's reader (docs/audit.md): holders of audit.read, within their unit's subtree; every read is audited. */
export const registerAuditLogRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const auditDeps = { store: createAuditLogStore(deps.db), now: deps.now, blindIndex: (key: PersonKey) => fieldCryptoFor().blindIndex(key.kind, key.value) };
  const tags = ['admin'];

  api.get(
    '/admin/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        summary: "Audit entries, newest first, of the actors of your unit's subtree (entries of no actor: top-level units only); audited",
        querystring: searchQuery,
        response: { 200: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { before, limit, lang: _lang, from, to, ...rest } = request.query;
      const page = await searchAuditLog(auditDeps, {
        reader: actorOrThrow(request),
        query: {
          filter: { ...rest, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) },
          limit,
          before: before ?? null,
        },
        context: requestContextOf(request),
      });
      return { items: page.items.map(entryOut), nextCursor: page.nextCursor };
    },
  );

  api.get(
    '/admin/audit/chain',
    {
      config: { access: 'audit.read', isHeavy: true },
      schema: {
        tags,
        summary: 'Check the whole hash chain of the audit log (top-level units only; reads every entry); audited',
        querystring: z.object({ lang: z.enum(LANGUAGES).optional() }).strict(),
        response: { 200: chainSchema },
      },
    },
    async (request) => {
      const state = await checkAuditChain(auditDeps, { reader: actorOrThrow(request), context: requestContextOf(request) });
      return { ...state, checkedAt: state.checkedAt.toISOString() };
    },
  );
};
