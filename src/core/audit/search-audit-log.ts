import type { UserActor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { personSubjectIdsFor } from '../privacy/person-data-rules.js';
import type { PersonKey } from '../privacy/person-data.ports.js';
import { auditReadScopeOf, canReadAuditEntry, checkAuditLogQueryOrThrow, filterForAudit, isPersonSubject, maskPersonKey, type AuditLogQuery } from './audit-log-rules.js';
import type { AuditLogEntryView, AuditLogStore, AuditRequestContext } from './audit-log.ports.js';

export type AuditLogPage = { items: AuditLogEntryView[]; nextCursor: string | null };

/**
 * A person's data export or erasure names the person by the blind index of the number it was asked for, and keeps
 * the number masked beside it (older entries, by the number itself): the reader shows only its last four
 * characters, since readers of the log need not be readers of personal data. A search by the full number still
 * finds the entry.
 */
const withMaskedPerson = (entry: AuditLogEntryView): AuditLogEntryView => {
  if (entry.subjectKind !== 'person' || !entry.subjectId) return entry;
  const masked = entry.data.personMasked;
  return { ...entry, subjectId: typeof masked === 'string' ? masked : maskPersonKey(entry.subjectId) };
};

/**
 * One page of the audit log, newest first, within the reader's scope. The search is itself written to the log
 * (`audit.searched`, with the filters), so that reading who did what leaves a trace like doing it.
 */
export const searchAuditLog = async (
  deps: { store: AuditLogStore; now: () => Date; blindIndex: (key: PersonKey) => string | null },
  input: { reader: UserActor; query: AuditLogQuery; context: AuditRequestContext },
): Promise<AuditLogPage> => {
  const { reader, query } = input;
  if (!hasPermission(reader, 'audit.read')) throw new AppError('auth.forbidden', 'reading the audit log needs audit.read', { permission: 'audit.read' });
  checkAuditLogQueryOrThrow(query);
  const scope = auditReadScopeOf(reader);
  // One more than the page: whether it exists says whether there is a next page.
  const { subjectId, subjectKind } = query.filter;
  const subjectIdAliases = subjectId !== undefined && isPersonSubject(subjectKind, subjectId) ? personSubjectIdsFor(subjectId, deps.blindIndex) : [];
  const rows = await deps.store.search({ ...query, filter: { ...query.filter, subjectIdAliases }, scope, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? last.id : null;
  // The store applies the same scope in SQL; this second look keeps an entry out of sight should the two differ.
  const items = page.filter((entry) => canReadAuditEntry(scope, entry)).map(withMaskedPerson);
  await deps.store.record({
    at: deps.now(), actorId: reader.userId, actorName: reader.username, ip: input.context.ip, userAgent: input.context.userAgent,
    action: 'audit.searched', subjectKind: 'audit_log', subjectId: null, outcome: 'done',
    data: { filters: filterForAudit(query.filter), before: query.before, limit: query.limit, results: items.length },
  });
  return { items, nextCursor };
};
