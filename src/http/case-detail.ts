import type { Actor } from '../core/auth/actor.js';
import { allowedCaseActions } from '../core/case/case-workflow.js';
import { toSnapshot, type CaseRecord } from '../core/case/case.record.js';
import type { CaseAction, Language } from '../core/case/case.types.js';
import { findNames, findRequester, listEvents } from '../db/case-query.repository.js';
import type { DbOrTrx } from '../db/database.js';
import { toDetailView } from './case.views.js';

/** Assembles the read model of one case page: names in the reader's language, the timeline, the actions. */
export const loadCaseDetail = async (
  db: DbOrTrx,
  record: CaseRecord,
  context: { actor: Actor; language: Language; now: Date; allowedActions?: CaseAction[] },
) => {
  const unitIds = [...new Set([record.leadUnitId, ...record.assignments.map((a) => a.unitId)].filter((id): id is string => id !== null))];
  const [units, categories, requester, events] = await Promise.all([
    findNames(db, 'units', unitIds),
    findNames(db, 'categories', record.categoryId ? [record.categoryId] : []),
    record.requesterId && context.actor.permissions.has('case.view_personal_data') ? findRequester(db, record.requesterId) : undefined,
    listEvents(db, 'case', record.id),
  ]);
  return toDetailView(record, {
    language: context.language,
    now: context.now,
    units,
    category: record.categoryId ? (categories.get(record.categoryId) ?? null) : null,
    requester: requester ?? null,
    events,
    allowedActions: context.allowedActions ?? allowedCaseActions(toSnapshot(record), context.actor),
  });
};
