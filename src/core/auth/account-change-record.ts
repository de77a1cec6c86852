import type { AuditRequestContext } from '../audit/audit-log.ports.js';

/**
 * A change of rights that the change itself writes to the audit log, in its own transaction: the change and its
 * entry commit together or not at all. The request hook's entry, written after the answer, is best effort and may
 * be lost with the process (docs/durability.md, section 1); this one cannot be.
 */
export type AccountChangeAction =
  | 'user.password_changed'
  | 'user.two_factor_enabled'
  | 'user.two_factor_disabled'
  | 'user.two_factor_reset'
  | 'security.two_factor_roles_changed';

/** Where the request came from: the entry names the address and browser of the person who made the change. */
export type ChangeContext = AuditRequestContext;

export type AccountChangeRecord = {
  at: Date;
  actorId: string;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
  action: AccountChangeAction;
  subjectKind: 'users' | 'security_settings';
  subjectId: string;
  /** Never a password, a secret, a code or a hash of one. */
  data: Record<string, unknown>;
};

type Acting = { userId: string; username: string; apiToken?: { prefix: string } | null };

export const accountChangeRecord = (
  actor: Acting,
  context: ChangeContext,
  at: Date,
  change: Pick<AccountChangeRecord, 'action' | 'subjectKind' | 'subjectId' | 'data'>,
): AccountChangeRecord => ({
  at,
  actorId: actor.userId,
  actorName: actor.username,
  ip: context.ip,
  userAgent: context.userAgent,
  ...change,
  // As in the request hook: a change made with an API token says which token.
  data: { ...change.data, ...(actor.apiToken ? { apiToken: actor.apiToken.prefix } : {}) },
});
