import type { UserActor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { checkChainAccessOrThrow } from './audit-log-rules.js';
import type { AuditChainState, AuditLogStore, AuditRequestContext } from './audit-log.ports.js';

/**
 * Walks the whole hash chain and reports its first break, for a reader of a top-level unit (the chain holds the
 * entries of every unit). The check is itself written to the log with its result.
 */
export const checkAuditChain = async (
  deps: { store: AuditLogStore; now: () => Date },
  input: { reader: UserActor; context: AuditRequestContext },
): Promise<AuditChainState & { checkedAt: Date }> => {
  const { reader } = input;
  if (!hasPermission(reader, 'audit.read')) throw new AppError('auth.forbidden', 'reading the audit log needs audit.read', { permission: 'audit.read' });
  checkChainAccessOrThrow(reader);
  const state = await deps.store.verifyChain();
  const checkedAt = deps.now();
  await deps.store.record({
    at: checkedAt, actorId: reader.userId, actorName: reader.username, ip: input.context.ip, userAgent: input.context.userAgent,
    action: 'audit.chain_checked', subjectKind: 'audit_log', subjectId: null, outcome: 'done',
    data: { entries: state.entries, isIntact: state.isIntact, firstBreak: state.firstBreak, unsealed: state.unsealed },
  });
  return { ...state, checkedAt };
};
