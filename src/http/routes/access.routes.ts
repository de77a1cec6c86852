import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_TOKEN_MAX_DAYS, API_TOKEN_MAX_IP_RANGES, tokenStatusOf } from '../../core/access/api-token-rules.js';
import {
  createApiToken, createServiceAccount, deactivateServiceAccount, listApiTokens, listServiceAccounts, revokeApiToken, rotateApiToken,
  type AccessDeps, type ApiTokenView, type ServiceAccountView,
} from '../../core/access/api-tokens.js';
import { PERMISSIONS, ROLES } from '../../core/auth/roles.js';
import { LANGUAGES } from '../../core/case/case.types.js';
import { createAccessDeps } from '../../db/access.repository.js';
import { inAuditedTransaction, type ChangeAuditEntry } from '../audited-change.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';

const iso = z.string();
const idParams = z.object({ id: z.uuid() });

const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  tokenPrefix: z.string(),
  status: z.enum(['active', 'expired', 'revoked']),
  owner: z.object({ id: z.uuid(), username: z.string(), displayName: z.string(), isServiceAccount: z.boolean(), unitId: z.uuid() }),
  permissions: z.array(z.string()),
  unit: z.object({ id: z.uuid(), code: z.string(), path: z.string() }).nullable(),
  allowedIps: z.array(z.string()).nullable(),
  expiresAt: iso,
  createdAt: iso,
  createdBy: z.object({ id: z.uuid(), username: z.string() }).nullable(),
  lastUsedAt: iso.nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: iso.nullable(),
  rotatedFrom: z.uuid().nullable(),
});

const serviceAccountSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  unitId: z.uuid(),
  isActive: z.boolean(),
  description: z.string(),
  createdAt: iso,
  activeTokens: z.number().int(),
});

const tokenOut = (t: ApiTokenView, now: Date): z.infer<typeof tokenSchema> => ({
  id: t.id,
  name: t.name,
  tokenPrefix: t.tokenPrefix,
  status: tokenStatusOf(t, now),
  owner: t.owner,
  permissions: t.permissions,
  unit: t.unit,
  allowedIps: t.allowedIps,
  expiresAt: t.expiresAt.toISOString(),
  createdAt: t.createdAt.toISOString(),
  createdBy: t.createdBy,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  lastUsedIp: t.lastUsedIp,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  rotatedFrom: t.rotatedFrom,
});

const accountOut = (a: ServiceAccountView): z.infer<typeof serviceAccountSchema> => ({
  id: a.id, username: a.username, displayName: a.displayName, roles: a.roles, unitId: a.unitId, isActive: a.isActive,
  description: a.description, createdAt: a.createdAt.toISOString(), activeTokens: a.activeTokens,
});

/** What the audit log keeps of a token: its limits and who owns it, never its secret or hash. */
const tokenAuditData = (t: ApiTokenView): Record<string, unknown> => ({
  name: t.name,
  tokenPrefix: t.tokenPrefix,
  owner: { id: t.owner.id, username: t.owner.username },
  permissions: t.permissions,
  unit: t.unit ? { id: t.unit.id, code: t.unit.code } : null,
  allowedIps: t.allowedIps,
  expiresAt: t.expiresAt.toISOString(),
});

/**
 * API tokens and service accounts (docs/access.md). Every route needs integration.manage, which no token holds.
 * Each change is audited in its own transaction (`api_token.created`, `service_account.disabled`…).
 */
export const registerAccessRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const accessDeps = createAccessDeps(deps.db, deps.now);
  const tags = ['access'];
  const audited = <T>(request: FastifyRequest, step: (trxDeps: AccessDeps) => Promise<T>, entryOf: (result: T) => ChangeAuditEntry | null): Promise<T> =>
    inAuditedTransaction(deps.db, request, actorOrThrow(request), deps.now, (trx) => step(createAccessDeps(trx, deps.now)), entryOf);

  api.get(
    '/api-tokens',
    {
      config: { access: 'integration.manage' },
      schema: {
        tags,
        summary: 'API tokens of your units (active ones unless includeInactive)',
        querystring: z.object({ ownerId: z.uuid().optional(), includeInactive: z.enum(['true', 'false']).optional(), lang: z.enum(LANGUAGES).optional() }).strict(),
        response: { 200: z.object({ items: z.array(tokenSchema) }) },
      },
    },
    async (request) => {
      const items = await listApiTokens(accessDeps, actorOrThrow(request), {
        ...(request.query.ownerId ? { ownerId: request.query.ownerId } : {}),
        includeInactive: request.query.includeInactive === 'true',
      });
      const now = deps.now();
      return { items: items.map((t) => tokenOut(t, now)) };
    },
  );

  api.post(
    '/api-tokens',
    {
      config: { isReauthRequired: true, access: 'integration.manage' },
      schema: {
        tags,
        summary: 'Make a token; the secret is in this answer only',
        body: z
          .object({
            name: z.string().trim().min(1).max(100),
            /** Absent: a token of your own. Otherwise a service account of your units. */
            ownerId: z.uuid().optional(),
            permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
            unitId: z.uuid().optional(),
            expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS),
            allowedIps: z.array(z.string().trim().min(1).max(64)).min(1).max(API_TOKEN_MAX_IP_RANGES).optional(),
          })
          .strict(),
        response: { 201: z.object({ token: z.string(), apiToken: tokenSchema }) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await audited(
        request,
        (trxDeps) =>
          createApiToken(trxDeps, actorOrThrow(request), {
            name: b.name, ownerId: b.ownerId ?? null, permissions: b.permissions, unitId: b.unitId ?? null, expiresInDays: b.expiresInDays, allowedIps: b.allowedIps ?? null,
          }),
        ({ view }) => ({ action: 'api_token.created', subjectKind: 'api-tokens', subjectId: view.id, data: tokenAuditData(view) }),
      );
      void reply.header('cache-control', 'no-store');
      return reply.status(201).send({ token: created.token, apiToken: tokenOut(created.view, deps.now()) });
    },
  );

  api.post(
    '/api-tokens/:id/revoke',
    {
      config: { access: 'integration.manage' },
      schema: { tags, summary: 'Revoke a token (final, effective at the next request)', params: idParams, response: { 200: tokenSchema } },
    },
    async (request) => {
      const { view } = await audited(
        request,
        (trxDeps) => revokeApiToken(trxDeps, actorOrThrow(request), request.params.id),
        ({ view: t, isChanged }) =>
          isChanged
            ? { action: 'api_token.revoked', subjectKind: 'api-tokens', subjectId: t.id, data: { name: t.name, tokenPrefix: t.tokenPrefix, owner: { id: t.owner.id, username: t.owner.username } } }
            : null,
      );
      return tokenOut(view, deps.now());
    },
  );

  api.post(
    '/api-tokens/:id/rotate',
    {
      config: { isReauthRequired: true, access: 'integration.manage' },
      schema: {
        tags,
        summary: 'A new secret with the same limits; the old one stops working at once',
        params: idParams,
        body: z.object({ expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).optional() }).strict().optional(),
        response: { 201: z.object({ token: z.string(), apiToken: tokenSchema }) },
      },
    },
    async (request, reply) => {
      const rotated = await audited(
        request,
        (trxDeps) => rotateApiToken(trxDeps, actorOrThrow(request), request.params.id, { expiresInDays: request.body?.expiresInDays ?? null }),
        // Under the rotated token's id, as the request's own entry; the new one is named in the data.
        ({ view, replaced }) => ({
          action: 'api_token.rotated', subjectKind: 'api-tokens', subjectId: replaced.id,
          data: { ...tokenAuditData(view), tokenPrefix: replaced.tokenPrefix, newTokenId: view.id, newTokenPrefix: view.tokenPrefix },
        }),
      );
      void reply.header('cache-control', 'no-store');
      return reply.status(201).send({ token: rotated.token, apiToken: tokenOut(rotated.view, deps.now()) });
    },
  );

  api.get(
    '/api-tokens/service-accounts',
    {
      config: { access: 'integration.manage' },
      schema: { tags, summary: 'Service accounts of your units', response: { 200: z.object({ items: z.array(serviceAccountSchema) }) } },
    },
    async (request) => ({ items: (await listServiceAccounts(accessDeps, actorOrThrow(request))).map(accountOut) }),
  );

  api.post(
    '/api-tokens/service-accounts',
    {
      config: { isReauthRequired: true, access: 'integration.manage' },
      schema: {
        tags,
        summary: 'A user for a system or script: owns tokens, cannot sign in',
        body: z
          .object({
            username: z.string().trim().min(2).max(64),
            displayName: z.string().trim().max(100).default(''),
            roles: z.array(z.enum(ROLES)).max(ROLES.length),
            unitId: z.uuid(),
            description: z.string().trim().max(500).default(''),
          })
          .strict(),
        response: { 201: serviceAccountSchema },
      },
    },
    async (request, reply) => {
      const created = await audited(
        request,
        (trxDeps) => createServiceAccount(trxDeps, actorOrThrow(request), request.body),
        (account) => ({
          action: 'service_account.created', subjectKind: 'users', subjectId: account.id,
          data: { username: account.username, roles: account.roles, unit: { id: account.unitId, path: account.unitPath } },
        }),
      );
      return reply.status(201).send(accountOut(created));
    },
  );

  api.delete(
    '/api-tokens/service-accounts/:id',
    {
      config: { access: 'integration.manage' },
      schema: { tags, summary: 'Disable a service account and revoke its tokens', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await audited(
        request,
        (trxDeps) => deactivateServiceAccount(trxDeps, actorOrThrow(request), request.params.id),
        (done) =>
          done.isChanged
            ? { action: 'service_account.disabled', subjectKind: 'users', subjectId: done.account.id, data: { username: done.account.username, revokedTokens: done.revokedTokens } }
            : null,
      );
      return reply.status(204).send(null);
    },
  );
};
