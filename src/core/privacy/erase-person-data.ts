import { AppError } from '../shared/app-error.js';
import { PERSON_CASES_LIMIT, isFinishedStatus, personAuditSubjectOf } from './person-data-rules.js';
import type { PersonDataDeps, PersonDataInput } from './person-data.ports.js';

/**
 * A person's erasure on request: every finished case of theirs within the caller's units is anonymised
 * (src/db/privacy.repository.ts says what that removes). Refused as a whole while one is still being handled,
 * since an open case needs the person's contact details to be handled and answered. The erasure and its audit
 * entry commit together: there is no erasure without its record, nor a record of one that did not happen.
 */
export const erasePersonData = async (deps: PersonDataDeps, input: PersonDataInput): Promise<{ anonymised: number }> =>
  deps.inTransaction(async (store) => {
    const found = await store.findCasesOfPerson(input.actor, input.key, PERSON_CASES_LIMIT + 1);
    if (found.length > PERSON_CASES_LIMIT) {
      throw new AppError('validation.failed', 'this number belongs to too many cases to be one person: erase case by case', {
        issues: [{ path: 'body', message: 'too_many_cases' }],
      });
    }
    // Locked before the check: a case reopened meanwhile is either seen open here or waits until the erasure is done.
    const statuses = await store.lockStatuses(found.map((c) => c.id));
    const open = statuses.filter((c) => !isFinishedStatus(c.status));
    if (open.length > 0) {
      throw new AppError('privacy.cases_open', 'some cases of this person are still being handled', { trackingNos: open.map((c) => c.trackingNo) });
    }
    const at = deps.now();
    let anonymised = 0;
    for (const c of found) if (await store.anonymiseCase(c.id, at)) anonymised += 1;
    const subject = personAuditSubjectOf(input.key, deps.blindIndex(input.key));
    await store.audit({
      at, actorId: input.actor.userId, actorName: input.actor.username, ...input.context,
      action: 'privacy erasure', subjectKind: 'person', subjectId: subject.subjectId, outcome: 'done',
      data: { ...subject.data, anonymised },
    });
    return { anonymised };
  });
