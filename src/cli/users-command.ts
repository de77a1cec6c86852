import { parseArgs } from 'node:util';
import {
  createStaffAccountAsOperator, disableStaffAccountAsOperator, enableStaffAccountAsOperator, endStaffAccountSessionsAsOperator, resetStaffPasswordAsOperator,
  type StaffAccountDeps, type StaffAccountView,
} from '../core/access/staff-accounts.js';
import type { DisabledReason } from '../core/access/staff-account-rules.js';
import { AppError } from '../core/shared/app-error.js';
import { appendAudit } from '../db/audit.repository.js';
import { migrateToLatest, type DbOrTrx, type Trx } from '../db/database.js';
import { createStaffAccountDeps } from '../db/staff-accounts.repository.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';
import { formatTable } from './format-table.js';
import { InputError } from './jsonl.js';
import { operatorName } from './operator.js';

export const USERS_HELP = `Usage: bihuan users add --username NAME --name "DISPLAY NAME" --unit CODE --role ROLE [--role ROLE…]
       bihuan users reset-password --username NAME
       bihuan users enable --username NAME
       bihuan users disable --username NAME [--reason "WHY"]
       bihuan users end-sessions --username NAME
       bihuan users list [--unit CODE]

add             makes a staff account (the first administrator of a new deployment: --role admin) and prints its
                one-time password, which its owner must replace at the first sign-in
reset-password  a new one-time password for an account whose owner is locked out (every session ends, its API
                tokens are revoked, a lock from wrong passwords is lifted): the way back in when no
                administrator can sign in. One-time passwords work for 72 hours.
enable          lets a disabled account sign in again
disable         turns an account off at once (an administrator of the top unit whose account someone else may hold,
                say): every session ends and every API token it owns or made is revoked, as when an administrator
                disables it. --reason is kept in the audit entry. An account already disabled stays as it is.
end-sessions    signs an account out on every device without disabling it; its API tokens keep working
list            the staff accounts, with unit, roles and status

Roles: agent, dispatcher, unit_handler, unit_leader, supervisor, admin. Every step is written to the audit log
as the operating-system user who ran it. Day-to-day, administrators do this on the page #/work/admin/users.
Options: --database-url URL (else DATABASE_URL, else the embedded PostgreSQL under BIHUAN_DATA_DIR).`;

const auditStep = async (db: DbOrTrx, action: string, account: StaffAccountView, data: Record<string, unknown>): Promise<void> => {
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

const DISABLED_BY: Record<DisabledReason, string> = {
  administrator: 'by an administrator',
  operator: 'on the command line',
  dormant: 'by the nightly check of dormant accounts',
};

const countOf = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The free text of --reason, for the audit entry: kept short enough to read in the audit log. */
const REASON_MAX_LENGTH = 500;

const reasonOrThrow = (raw: string | undefined): string | null => {
  if (raw === undefined) return null;
  const reason = raw.trim();
  if (reason.length === 0 || reason.length > REASON_MAX_LENGTH) throw new InputError(`--reason needs 1 to ${REASON_MAX_LENGTH} characters`);
  return reason;
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
      reason: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const sub = positionals[0];
  const isKnown = sub === 'add' || sub === 'reset-password' || sub === 'enable' || sub === 'disable' || sub === 'end-sessions' || sub === 'list';
  if (values.help || !isKnown || positionals.length > 1) {
    (values.help ? io.stdout : io.stderr)(USERS_HELP);
    return values.help ? 0 : 2;
  }
  if (sub === 'add' && (!values.username || !values.name || !values.unit || !values.role?.length)) {
    throw new InputError(`users add needs --username, --name, --unit and at least one --role\n\n${USERS_HELP}`);
  }
  if ((sub === 'reset-password' || sub === 'enable' || sub === 'disable' || sub === 'end-sessions') && !values.username) {
    throw new InputError(`users ${sub} needs --username\n\n${USERS_HELP}`);
  }
  // Silently dropping the words the operator typed would leave them believing they were kept.
  if (values.reason !== undefined && sub !== 'disable') throw new InputError(`--reason belongs to users disable\n\n${USERS_HELP}`);
  const reason = reasonOrThrow(values.reason);

  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    // A new deployment may run this before the server has ever started.
    await migrateToLatest(db);
    const now = (): Date => new Date();
    // A change and its audit entry commit together: no change goes unrecorded, and no entry tells of a change
    // that was rolled back.
    const step = <T>(fn: (deps: StaffAccountDeps, trx: Trx) => Promise<T>): Promise<T> =>
      db.transaction().execute((trx) => fn(createStaffAccountDeps(trx, now), trx));
    if (sub === 'add') {
      const created = await step(async (deps, trx) => {
        const made = await createStaffAccountAsOperator(deps, {
          username: values.username ?? '', displayName: values.name ?? '', roles: values.role ?? [], unitCode: values.unit ?? '',
        }).catch(asInputError);
        await auditStep(trx, 'user.created', made.account, { roles: made.account.roles, unit: { id: made.account.unit.id, code: made.account.unit.code } });
        return made;
      });
      printPassword(io, created.account, created.temporaryPassword);
      return 0;
    }
    if (sub === 'reset-password') {
      const reset = await step(async (deps, trx) => {
        const done = await resetStaffPasswordAsOperator(deps, values.username ?? '').catch(asInputError);
        await auditStep(trx, 'user.password_reset', done.account, {});
        return done;
      });
      printPassword(io, reset.account, reset.temporaryPassword);
      if (!reset.account.isActive) io.stdout(`The account is disabled: "bihuan users enable --username ${reset.account.username}" lets it sign in.`);
      return 0;
    }
    if (sub === 'enable') {
      const account = await step(async (deps, trx) => {
        const enabled = await enableStaffAccountAsOperator(deps, values.username ?? '').catch(asInputError);
        await auditStep(trx, 'user.enabled', enabled, {});
        return enabled;
      });
      io.stdout(`account ${account.username} can sign in`);
      return 0;
    }
    if (sub === 'disable') {
      const disabled = await step(async (deps, trx) => {
        const done = await disableStaffAccountAsOperator(deps, values.username ?? '').catch(asInputError);
        if (done.isChanged) {
          await auditStep(trx, 'user.disabled', done.account, {
            endedSessions: done.endedSessions, revokedTokens: done.revokedTokens, ...(reason === null ? {} : { reason }),
          });
        }
        return done;
      });
      const { account } = disabled;
      if (!disabled.isChanged) {
        const since = account.disabledAt ? ` since ${account.disabledAt.toISOString().slice(0, 16).replace('T', ' ')}` : '';
        const by = account.disabledReason ? ` ${DISABLED_BY[account.disabledReason]}` : '';
        io.stdout(`account ${account.username} was already disabled${by}${since}; nothing changed`);
        return 0;
      }
      io.stdout(`account ${account.username} is disabled: ${countOf(disabled.endedSessions, 'session')} ended, ${countOf(disabled.revokedTokens, 'API token')} revoked`);
      io.stdout(`"bihuan users enable --username ${account.username}" lets it sign in again (revoked tokens stay revoked).`);
      return 0;
    }
    if (sub === 'end-sessions') {
      const ended = await step(async (deps, trx) => {
        const done = await endStaffAccountSessionsAsOperator(deps, values.username ?? '').catch(asInputError);
        await auditStep(trx, 'user.sessions_ended', done.account, { endedSessions: done.endedSessions });
        return done;
      });
      io.stdout(`account ${ended.account.username}: ${countOf(ended.endedSessions, 'session')} ended; its API tokens keep working`);
      return 0;
    }
    const deps = createStaffAccountDeps(db, now);
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
