import type { Actor, UserActor } from '../core/auth/actor.js';
import { allowedCaseActions } from '../core/case/case-workflow.js';
import { toSnapshot, type CaseRecord } from '../core/case/case.record.js';
import type { CaseAction, Language } from '../core/case/case.types.js';
import { canSeeRequester, isAtIntakeOf } from '../core/case/identity-protection.js';
import type { RegisteredCase } from '../core/case/register-case.js';
import { findNames, findRequester, listEvents, type EventView } from '../db/case-query.repository.js';
import type { DbOrTrx } from '../db/database.js';
import { toDetailView } from './case.views.js';

/** A requester's identity as the case page shows it to readers of personal data. */
export type RequesterView = NonNullable<Awaited<ReturnType<typeof findRequester>>>;

/** Assembles the read model of one case page: names in the reader's language, the timeline, the actions. */
export const loadCaseDetail = async (
  db: DbOrTrx,
  record: CaseRecord,
  context: { actor: Actor; language: Language; now: Date; allowedActions?: CaseAction[] },
  /** What the caller has just written and need not be read back (a registration: its event, the requester). */
  known: { events?: EventView[]; requester?: RequesterView | null } = {},
) => {
  const unitIds = [...new Set([record.leadUnitId, ...record.assignments.map((a) => a.unitId)].filter((id): id is string => id !== null))];
  const isRequesterVisible = canSeeRequester(context.actor, record);
  const mayReadRequester = record.requesterId !== null && isRequesterVisible;
  const allowedActions = context.allowedActions ?? allowedCaseActions(toSnapshot(record), context.actor);
  const [units, categories, requester, events] = await Promise.all([
    findNames(db, 'units', unitIds),
    findNames(db, 'categories', record.categoryId ? [record.categoryId] : []),
    !mayReadRequester || !record.requesterId ? undefined : known.requester !== undefined ? known.requester ?? undefined : findRequester(db, record.requesterId),
    known.events ?? listEvents(db, 'case', record.id),
  ]);
  return toDetailView(record, {
    language: context.language,
    now: context.now,
    units,
    category: record.categoryId ? (categories.get(record.categoryId) ?? null) : null,
    requester: requester ?? null,
    identityProtection: {
      isProtected: record.isIdentityProtected,
      // Withheld by protection, not by a missing permission: the card then says who can see the requester.
      isWithheld: record.isIdentityProtected && !isAtIntakeOf(context.actor, record),
      // The workflow's rule (case-workflow.ts), not a second copy of it.
      canProtect: allowedActions.includes('protect-identity'),
    },
    events,
    allowedActions,
  });
};

/**
 * What a registration wrote (its first event, the requester as given) in the shape the case page reads, so
 * that its answer need not read them back; nothing on a replay, which reads the case as it is now.
 */
export const knownOfRegistration = (created: RegisteredCase['created'], actor: UserActor): { events?: EventView[]; requester?: RequesterView | null } =>
  created
    ? {
        events: created.events.map((e) => ({
          id: e.id, seq: e.seq, at: e.at, code: e.code, actorKind: e.actorKind, fromStatus: e.fromStatus, toStatus: e.toStatus,
          isInternal: e.isInternal, data: e.data,
          actor: e.actorId === actor.userId ? { id: actor.userId, username: actor.username, displayName: actor.displayName } : null,
        })),
        requester: created.requester
          ? { name: created.requester.name, phone: created.requester.phone, id_number: created.requester.idNumber, email: created.requester.email, language: created.requester.language }
          : null,
      }
    : {};
