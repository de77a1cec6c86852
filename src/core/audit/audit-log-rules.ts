import { isPathWithin } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';

/*
 * Rules of the audit log's reader (docs/audit.md): who sees which entries, what "succeeded" means for the many
 * kinds of outcome the writers record, and the limits of a search. Pure, so they are tested without a database;
 * the SQL of src/db/audit-log-reader.repository.ts applies the same rules.
 */

export const AUDIT_OUTCOME_CLASSES = ['success', 'refused'] as const;
export type AuditOutcomeClass = (typeof AUDIT_OUTCOME_CLASSES)[number];

/**
 * The words the writers record for something that was done. Everything else that is not an HTTP status of 2xx
 * or 3xx (4xx and 5xx statuses, `refused`, error codes such as `auth.token_invalid`) counts as refused, so that a
 * new kind of refusal is never mistaken for a success.
 */
export const SUCCESS_OUTCOME_WORDS = ['done', 'ok', 'exported', 'sent', 'stored', 'deleted', 'revealed', 'none'] as const;

/** A 2xx or 3xx status, as the request hook records it. */
export const SUCCESS_STATUS_PATTERN = /^[23][0-9][0-9]$/;

export const outcomeClassOf = (outcome: string): AuditOutcomeClass =>
  SUCCESS_STATUS_PATTERN.test(outcome) || (SUCCESS_OUTCOME_WORDS as readonly string[]).includes(outcome) ? 'success' : 'refused';

/** A unit at the top of the tree: its path is a single label. */
export const isTopLevelUnitPath = (path: string): boolean => path.length > 0 && !path.includes('.');

/**
 * What a reader may see: the entries of actors whose unit lies within the reader's, and, for readers of a
 * top-level unit only, the entries without a known actor (the public, failed sign-ins, the system), which belong
 * to no unit and so to the whole organisation.
 */
export type AuditReadScope = { unitPath: string; canSeeActorless: boolean };

export const auditReadScopeOf = (reader: { unitPath: string }): AuditReadScope => ({
  unitPath: reader.unitPath,
  canSeeActorless: isTopLevelUnitPath(reader.unitPath),
});

/**
 * `actorUnitPath` is the unit of the entry's actor now, or null when the entry has no actor or its actor is
 * unknown (treated alike: nobody can say which unit it belongs to). An entry of no actor about a staff account
 * (`subjectUserUnitPath`: the system disabled a dormant account, the operator reset a password) belongs to the
 * account's unit too: its administrators are the ones who must know why the account changed.
 */
export const canReadAuditEntry = (scope: AuditReadScope, entry: { actorUnitPath: string | null; subjectUserUnitPath?: string | null }): boolean => {
  if (entry.actorUnitPath !== null) return isPathWithin(scope.unitPath, entry.actorUnitPath);
  if (scope.canSeeActorless) return true;
  return entry.subjectUserUnitPath != null && isPathWithin(scope.unitPath, entry.subjectUserUnitPath);
};

/** The chain spans the entries of every unit: only a reader who may see all of them may check it. */
export const checkChainAccessOrThrow = (reader: { unitPath: string }): void => {
  if (!isTopLevelUnitPath(reader.unitPath)) {
    throw new AppError('auth.forbidden', 'only readers of a top-level unit may check the whole audit chain', { reason: 'not_top_level_unit' });
  }
};

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;
/** The largest id a bigint column holds: a cursor beyond it is not an id. */
export const AUDIT_ID_MAX = 9_223_372_036_854_775_807n;

export type AuditLogFilter = {
  from?: Date;
  to?: Date;
  /** Usernames starting with this text (the whole name matches too), compared without regard to case. */
  actor?: string;
  /** Text found in the action (`/auth/login`, `reveal`, `dispatch`), compared without regard to case. */
  action?: string;
  subjectKind?: string;
  subjectId?: string;
  /**
   * Other names of the same subject, found as well: a person's number is recorded by its blind index
   * (src/core/privacy/person-data-rules.ts). Never written to the reader's own entry.
   */
  subjectIdAliases?: readonly string[];
  ip?: string;
  outcome?: AuditOutcomeClass;
};

export type AuditLogQuery = { filter: AuditLogFilter; limit: number; before: string | null };

/** A cursor is the id of the last entry seen: digits only, within bigint. */
export const isAuditCursor = (value: string): boolean => /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) <= AUDIT_ID_MAX;

/** Rules between fields that a schema of single fields cannot say. */
export const checkAuditLogQueryOrThrow = (query: AuditLogQuery): void => {
  const issues: { path: string; message: string }[] = [];
  const { filter } = query;
  if (filter.from && filter.to && filter.from.getTime() > filter.to.getTime()) issues.push({ path: 'querystring.from', message: 'from must not be after to' });
  if (query.before !== null && !isAuditCursor(query.before)) issues.push({ path: 'querystring.before', message: 'not a cursor of this list' });
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > AUDIT_PAGE_MAX) issues.push({ path: 'querystring.limit', message: `1 to ${AUDIT_PAGE_MAX}` });
  if (issues.length > 0) throw new AppError('validation.failed', issues.map((i) => i.message).join('; '), { issues });
};

/** The filters as recorded in the reader's own audit entry: only those given, dates as text. */
export const filterForAudit = (filter: AuditLogFilter): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || key === 'subjectIdAliases') continue;
    out[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  // A search for a person's phone or ID number would write it into the log in clear, for every reader to see.
  if (out.subjectId !== undefined && isPersonSubject(filter.subjectKind, out.subjectId)) out.subjectId = maskPersonKey(out.subjectId);
  return out;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a subject is a person's phone or ID number (a privacy request names the person so): of kind `person`,
 * or of no kind and not a record's id. Tracking numbers are named with their kind, `cases`.
 */
export const isPersonSubject = (kind: string | null | undefined, id: string): boolean =>
  kind === 'person' || ((kind === undefined || kind === null) && !UUID.test(id) && /\d{5,}/.test(id));

/** No more than the last four characters of a phone or ID number: enough to tell two apart, not to call anyone. */
export const maskPersonKey = (id: string): string => (id.length <= 4 ? '*'.repeat(id.length) : `${'*'.repeat(id.length - 4)}${id.slice(-4)}`);
