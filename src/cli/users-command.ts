import { parseArgs } from 'node:util';
import { createStaffAccountAsOperator, enableStaffAccountAsOperator, resetStaffPasswordAsOperator, type StaffAccountView } from '../core/access/staff-accounts.js';
import { AppError } from '../core/shared/app-error.js';
import { appendAudit } from '../db/audit.repository.js';
import { migrateToLatest, type Db } from '../db/database.js';
import { createStaffAccountDeps } from '../db/staff-accounts.repository.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';
import { formatTable } from './format-table.js';
import { InputError } from './jsonl.js';
import { operatorName } from './operator.js';

export const USERS_HELP = `Usage: bihuan users add --username NAME --name "DISPLAY NAME" --unit CODE --role ROLE [--role ROLE…]
       bihuan users reset-password --username NAME
       bihuan users enable --username NAME
       bihuan users list [--unit CODE]

add             makes a staff account (the first administrator of a new deployment: --role admin) and prints its
                one-time password, which its owner must replace at the first sign-in
reset-password  a new one-time password for an account whose owner is locked out (every session ends, its API
                tokens are revoked, a lock from wrong passwords is lifted): the way back in when no
                administrator can sign in. One-time passwords work for 72 hours.
enable          lets a disabled account sign in again
list            the staff accounts, with unit, roles and status

Roles: agent, dispatcher, unit_handler, unit_leader, supervisor, admin. Every step is written to the audit log
as the operating-system user who ran it. Day-to-day, administrators do this on the page #/work/admin/users.
Options: --database-url URL (else DATABASE_URL, else the embedded PostgreSQL under BIHUAN_DATA_DIR).`;

const auditStep = async (db: Db, action: string, account: StaffAccountView, data: Record<string, unknown>): Promise<void> => {
  await appendAudit(db, {
    at: new Date(), actorId: null, actorName: operatorName(), ip: null, userAgent: 'bihuan users', action, subjectKind: 'users', subjectId: account.id, outcome: 'done',
    data: { username: account.username, ...data },
  });
};

const printPassword = (io: CliIo, account: StaffAccountView, password: string): void => {
  io.stdout(`account: ${account.username} (${account.displayName}), unit ${account.unit.code}, roles ${account.roles.join(', ') || '(none)'}`);
  io.stdout(`one-time password: ${password}`);
  io.stdout('Pass it on in person or by phone; it must be replaced at the first sign-in.');
};

/** Field errors of the use cases become the command's bad-input errors (exit 2), naming the option. */
const asInputError = (error: unknown): never => {
  if (error instanceof AppError && (error.code === 'validation.failed' || error.code === 'resource.not_found')) throw new InputError(error.message);
  throw error;
};

export const runUsersCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      unit: { type: 'string' },
      role: { type: 'string', multiple: true },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const sub = positionals[0];
  if (values.help || (sub !== 'add' && sub !== 'reset-password' && sub !== 'enable' && sub !== 'list') || positionals.length > 1) {
    (values.help ? io.stdout : io.stderr)(USERS_HELP);
    return values.help ? 0 : 2;
  }
  if (sub === 'add' && (!values.username || !values.name || !values.unit || !values.role?.length)) {
    throw new InputError(`users add needs --username, --name, --unit and at least one --role\n\n${USERS_HELP}`);
  }
  if ((sub === 'reset-password' || sub === 'enable') && !values.username) throw new InputError(`users ${sub} needs --username\n\n${USERS_HELP}`);

  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    // A new deployment may run this before the server has ever started.
    await migrateToLatest(db);
    const deps = createStaffAccountDeps(db, () => new Date());
    if (sub === 'add') {
      const created = await createStaffAccountAsOperator(deps, {
        username: values.username ?? '', displayName: values.name ?? '', roles: values.role ?? [], unitCode: values.unit ?? '',
      }).catch(asInputError);
      await auditStep(db, 'user.created', created.account, { roles: created.account.roles, unit: { id: created.account.unit.id, code: created.account.unit.code } });
      printPassword(io, created.account, created.temporaryPassword);
      return 0;
    }
    if (sub === 'reset-password') {
      const reset = await resetStaffPasswordAsOperator(deps, values.username ?? '').catch(asInputError);
      await auditStep(db, 'user.password_reset', reset.account, {});
      printPassword(io, reset.account, reset.temporaryPassword);
      if (!reset.account.isActive) io.stdout(`The account is disabled: "bihuan users enable --username ${reset.account.username}" lets it sign in.`);
      return 0;
    }
    if (sub === 'enable') {
      const account = await enableStaffAccountAsOperator(deps, values.username ?? '').catch(asInputError);
      await auditStep(db, 'user.enabled', account, {});
      io.stdout(`account ${account.username} can sign in`);
      return 0;
    }
    const unitCode = values.unit;
    const unit = unitCode ? await deps.store.findUnitByCode(unitCode) : null;
    if (unitCode && !unit) throw new InputError(`no unit with the code ${unitCode}`);
    const { items } = await deps.store.listAccounts(unit?.path ?? '', { q: null, unitId: null, role: null, status: 'all', limit: 10_000, offset: 0 }, new Date());
    io.stdout(
      formatTable(
        ['username', 'name', 'unit', 'roles', 'status', 'last sign-in'],
        items.map((a) => [
          a.username, a.displayName, a.unit.code, a.roles.join(',') || '-',
          [a.isActive ? 'active' : 'disabled', a.lockedUntil ? 'locked' : '', a.mustChangePassword ? 'one-time password' : ''].filter(Boolean).join(', '),
          a.lastLoginAt?.toISOString().slice(0, 16).replace('T', ' ') ?? 'never',
        ]),
      ),
    );
    return 0;
  });
};
