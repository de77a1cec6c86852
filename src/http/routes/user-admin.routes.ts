import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCOUNT_STATUSES, DISABLED_REASONS, STAFF_ROLES } from '../../core/access/staff-account-rules.js';
import {
  createStaffAccount, endStaffAccountSessions, getStaffAccount, listStaffAccounts, listStaffAccountSessions, resetStaffPassword, setStaffAccountActive,
  unlockStaffAccount, updateStaffAccount, type StaffAccountDeps, type StaffAccountView,
} from '../../core/access/staff-accounts.js';
import { ROLES, type Role } from '../../core/auth/roles.js';
import { LANGUAGES } from '../../core/case/case.types.js';
import { createStaffAccountDeps } from '../../db/staff-accounts.repository.js';
import { inAuditedTransaction, type ChangeAuditEntry } from '../audited-change.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { sessionOut, sessionSchema } from '../session.views.js';

const iso = z.string();
const idParams = z.object({ id: z.uuid() });
const staffRole = z.enum(STAFF_ROLES as [Role, ...Role[]]);

const accountSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  unit: z.object({ id: z.uuid(), code: z.string(), path: z.string() }),
  isActive: z.boolean(),
  disabledAt: iso.nullable(),
  disabledReason: z.enum(DISABLED_REASONS).nullable().describe('who turned the account off: an administrator, the operator, or the check of dormant accounts'),
  hasTotp: z.boolean(),
  mustChangePassword: z.boolean().describe('the password was set by an administrator and is replaced at the next sign-in'),
  lastLoginAt: iso.nullable(),
  lockedUntil: iso.nullable().describe('sign-in refused until then after too many wrong passwords'),
  activeSessions: z.number().int().describe('sessions that have not ended (neither expired nor idle too long)'),
  createdAt: iso,
  createdBy: z.object({ id: z.uuid(), username: z.string() }).nullable(),
});

const withPasswordSchema = z.object({
  account: accountSchema,
  temporaryPassword: z.string().describe('shown this once; works for one sign-in, after which its owner must choose a new one'),
});

const accountOut = (a: StaffAccountView): z.infer<typeof accountSchema> => ({
  id: a.id,
  username: a.username,
  displayName: a.displayName,
  roles: a.roles,
  unit: a.unit,
  isActive: a.isActive,
  disabledAt: a.disabledAt?.toISOString() ?? null,
  disabledReason: a.disabledReason,
  hasTotp: a.hasTotp,
  mustChangePassword: a.mustChangePassword,
  lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
  lockedUntil: a.lockedUntil?.toISOString() ?? null,
  activeSessions: a.activeSessions,
  createdAt: a.createdAt.toISOString(),
  createdBy: a.createdBy,
});

/** One-time passwords must not stay in a browser or proxy cache. */
const noStore = (reply: FastifyReply): void => {
  void reply.header('cache-control', 'no-store');
};

/** The domain entry of a step on an account, under the account's id; never a password. */
const accountEntry = (action: string, account: StaffAccountView, data: Record<string, unknown> = {}): ChangeAuditEntry => ({
  action, subjectKind: 'users', subjectId: account.id, data: { username: account.username, ...data },
});

/**
 * Staff accounts (docs/access.md, "Staff accounts"): every route needs user.manage, which only administrators
 * hold and no API token can. Each change is audited with what it changed (roles and unit before and after), in
 * the change's own transaction, with the codes of the command line (`user.created`, `user.updated`…).
 */
export const registerUserAdminRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const staff = createStaffAccountDeps(deps.db, deps.now, deps.authDeps.sessionIdleMinutes);
  const tags = ['admin'];
  // The step's exclusive section runs inside this transaction (its lock held until the commit), as on the command line.
  const audited = <T>(request: FastifyRequest, step: (staffDeps: StaffAccountDeps) => Promise<T>, entryOf: (result: T) => ChangeAuditEntry | null): Promise<T> =>
    inAuditedTransaction(deps.db, request, actorOrThrow(request), deps.now, (trx) => step(createStaffAccountDeps(trx, deps.now, deps.authDeps.sessionIdleMinutes)), entryOf);

  api.get(
    '/admin/users',
    {
      config: { access: 'user.manage' },
      schema: {
        tags,
        summary: 'Staff accounts of your unit and the units below it (service accounts are listed with the API tokens)',
        querystring: z
          .object({
            q: z.string().trim().min(1).max(100).optional().describe('part of the username or name'),
            unitId: z.uuid().optional().describe('this unit and the units below it'),
            role: staffRole.optional(),
            status: z.enum(ACCOUNT_STATUSES).default('all'),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(50),
            /** The web client names its language on every call; role and unit names are the client's to translate. */
            lang: z.enum(LANGUAGES).optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(accountSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }) },
      },
    },
    async (request) => {
      const { q, unitId, role, status, page, pageSize } = request.query;
      const result = await listStaffAccounts(staff, actorOrThrow(request), {
        q: q ?? null, unitId: unitId ?? null, role: role ?? null, status, limit: pageSize, offset: (page - 1) * pageSize,
      });
      return { items: result.items.map(accountOut), total: result.total, page, pageSize };
    },
  );

  api.get(
    '/admin/users/:id',
    { config: { access: 'user.manage' }, schema: { tags, summary: 'One staff account', params: idParams, response: { 200: accountSchema } } },
    async (request) => accountOut(await getStaffAccount(staff, actorOrThrow(request), request.params.id)),
  );

  api.post(
    '/admin/users',
    {
      config: { isReauthRequired: true, access: 'user.manage' },
      schema: {
        tags,
        summary: 'Make a staff account; its one-time password is returned this once',
        body: z
          .object({
            username: z.string().trim().min(2).max(64),
            displayName: z.string().trim().min(1).max(100),
            roles: z.array(staffRole).max(ROLES.length),
            unitId: z.uuid(),
          })
          .strict(),
        response: { 201: withPasswordSchema },
      },
    },
    async (request, reply) => {
      const created = await audited(
        request,
        (staffDeps) => createStaffAccount(staffDeps, actorOrThrow(request), request.body),
        ({ account }) => accountEntry('user.created', account, { roles: account.roles, unit: { id: account.unit.id, code: account.unit.code } }),
      );
      request.auditDetails = { username: created.account.username, roles: created.account.roles, unit: { id: created.account.unit.id, code: created.account.unit.code } };
      request.auditSubject = { kind: 'users', id: created.account.id };
      noStore(reply);
      return reply.status(201).send({ account: accountOut(created.account), temporaryPassword: created.temporaryPassword });
    },
  );

  api.patch(
    '/admin/users/:id',
    {
      config: { isReauthRequired: true, access: 'user.manage' },
      schema: {
        tags,
        summary: "Change a staff account's name, roles or unit (not your own roles or unit)",
        params: idParams,
        body: z
          .object({
            displayName: z.string().trim().min(1).max(100).optional(),
            roles: z.array(staffRole).max(ROLES.length).optional(),
            unitId: z.uuid().optional(),
          })
          .strict(),
        response: { 200: accountSchema },
      },
    },
    async (request) => {
      const updated = await audited(
        request,
        (staffDeps) => updateStaffAccount(staffDeps, actorOrThrow(request), request.params.id, request.body),
        ({ account, changes }) => {
          const fields = Object.keys(changes.after);
          return fields.length === 0 ? null : accountEntry('user.updated', account, { fields, ...changes });
        },
      );
      request.auditDetails = { username: updated.account.username, ...updated.changes };
      return accountOut(updated.account);
    },
  );

  for (const [action, isActive] of [['disable', false], ['enable', true]] as const) {
    api.post(
      `/admin/users/:id/${action}`,
      {
        // Enabling lets an account act again; disabling protects and must stay one quick step.
        config: { access: 'user.manage', isReauthRequired: isActive },
        schema: {
          tags,
          summary: isActive ? 'Let a disabled account sign in again' : 'Disable an account: its sessions end and its API tokens are revoked at once',
          params: idParams,
          response: { 200: accountSchema },
        },
      },
      async (request) => {
        const { account } = await audited(
          request,
          (staffDeps) => setStaffAccountActive(staffDeps, actorOrThrow(request), request.params.id, isActive),
          (done) => {
            if (!done.isChanged) return null;
            return isActive
              ? accountEntry('user.enabled', done.account)
              : accountEntry('user.disabled', done.account, { endedSessions: done.endedSessions, revokedTokens: done.revokedTokens });
          },
        );
        request.auditDetails = { username: account.username };
        return accountOut(account);
      },
    );
  }

  api.post(
    '/admin/users/:id/reset-password',
    {
      config: { isReauthRequired: true, access: 'user.manage' },
      schema: {
        tags,
        summary: 'A new one-time password for a forgotten one: every session of the account ends',
        params: idParams,
        response: { 200: withPasswordSchema },
      },
    },
    async (request, reply) => {
      const reset = await audited(
        request,
        (staffDeps) => resetStaffPassword(staffDeps, actorOrThrow(request), request.params.id),
        ({ account }) => accountEntry('user.password_reset', account),
      );
      request.auditDetails = { username: reset.account.username };
      noStore(reply);
      return { account: accountOut(reset.account), temporaryPassword: reset.temporaryPassword };
    },
  );

  api.get(
    '/admin/users/:id/sessions',
    {
      config: { access: 'user.manage' },
      schema: { tags, summary: 'The devices an account is signed in on', params: idParams, response: { 200: z.object({ items: z.array(sessionSchema) }) } },
    },
    async (request) => ({ items: (await listStaffAccountSessions(staff, actorOrThrow(request), request.params.id)).map(sessionOut) }),
  );

  api.post(
    '/admin/users/:id/end-sessions',
    {
      config: { access: 'user.manage' },
      schema: {
        tags,
        summary: 'Sign an account out on every device, without disabling it; its API tokens stay',
        params: idParams,
        response: { 200: z.object({ account: accountSchema, endedSessions: z.number().int() }) },
      },
    },
    async (request) => {
      const ended = await audited(
        request,
        (staffDeps) => endStaffAccountSessions(staffDeps, actorOrThrow(request), request.params.id),
        (done) => accountEntry('user.sessions_ended', done.account, { endedSessions: done.endedSessions }),
      );
      request.auditDetails = { username: ended.account.username, endedSessions: ended.endedSessions };
      return { account: accountOut(ended.account), endedSessions: ended.endedSessions };
    },
  );

  api.post(
    '/admin/users/:id/unlock',
    {
      config: { access: 'user.manage' },
      schema: { tags, summary: 'Lift the lock of too many wrong passwords now', params: idParams, response: { 200: accountSchema } },
    },
    async (request) => {
      const account = await audited(
        request,
        (staffDeps) => unlockStaffAccount(staffDeps, actorOrThrow(request), request.params.id),
        (unlocked) => accountEntry('user.unlocked', unlocked),
      );
      request.auditDetails = { username: account.username };
      return accountOut(account);
    },
  );
};
