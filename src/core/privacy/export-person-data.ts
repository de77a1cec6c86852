import { PERSON_CASES_LIMIT, personAuditSubjectOf } from './person-data-rules.js';
import type { HeldCase, HeldFile, HeldMessage, PersonDataDeps, PersonDataInput } from './person-data.ports.js';

export type ExportedCase = HeldCase & { files: HeldFile[]; messages: HeldMessage[] };

export type PersonDataExport = {
  cases: ExportedCase[];
  /** More than PERSON_CASES_LIMIT cases carry the number: it is likely shared, and only the first are listed. */
  isTruncated: boolean;
};

/**
 * Everything held about one person, found by phone or ID number, within the caller's units: their cases, the
 * files they sent and the messages sent to them (without the text, which can hold an access code). The export
 * and its audit entry are one transaction: an export nobody can account for never leaves the server.
 */
export const exportPersonData = async (deps: PersonDataDeps, input: PersonDataInput): Promise<PersonDataExport> =>
  deps.inTransaction(async (store) => {
    const found = await store.findCasesOfPerson(input.actor, input.key, PERSON_CASES_LIMIT + 1);
    const cases = found.slice(0, PERSON_CASES_LIMIT);
    const held = await store.findHeldAboutCases(cases.map((c) => c.id));
    const subject = personAuditSubjectOf(input.key, deps.blindIndex(input.key));
    await store.audit({
      at: deps.now(), actorId: input.actor.userId, actorName: input.actor.username, ...input.context,
      action: 'privacy export', subjectKind: 'person', subjectId: subject.subjectId, outcome: 'done',
      data: { ...subject.data, cases: cases.length, files: held.files.length },
    });
    return {
      cases: cases.map((c) => ({ ...c, files: held.files.filter((f) => f.caseId === c.id), messages: held.messages.filter((m) => m.caseId === c.id) })),
      isTruncated: found.length > PERSON_CASES_LIMIT,
    };
  });
