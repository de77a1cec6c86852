import { maskPersonKey } from '../audit/audit-log-rules.js';
import type { PersonKey } from './person-data.ports.js';

/** A number shared by many (a village head's phone, a placeholder typed at a desk) must not return the whole table. */
export const PERSON_CASES_LIMIT = 200;

const FINISHED_STATUSES = ['closed', 'rejected', 'merged'] as const;

/** Finished cases no longer need the person's contact details to be handled or answered. */
export const isFinishedStatus = (status: string): boolean => (FINISHED_STATUSES as readonly string[]).includes(status);

/**
 * How the audit log names the person of an export or erasure. The log is append-only and hash-chained, so a
 * number written there would outlive the very erasure it records: it keeps the keyed blind index instead (found
 * again by a search for the number, unreadable without the key) and the masked number for its readers.
 */
export const personAuditSubjectOf = (key: PersonKey, blindIndex: string | null): { subjectId: string; data: { personKey: PersonKey['kind']; personMasked: string } } => {
  const masked = maskPersonKey(key.value.trim());
  // A number that normalises to nothing has no index: its mask is all that can be said, and it finds no case.
  return { subjectId: blindIndex === null ? `${key.kind}:-` : `${key.kind}:${blindIndex}`, data: { personKey: key.kind, personMasked: masked } };
};

/**
 * The subjects an audit search for a number must also find: the number's blind index as a phone and as an ID
 * number (the search does not say which it is). Entries written before the index was used name the number itself,
 * which the search finds as it is.
 */
export const personSubjectIdsFor = (text: string, blindIndex: (key: PersonKey) => string | null): string[] =>
  (['phone', 'id_number'] as const).flatMap((kind) => {
    const index = blindIndex({ kind, value: text });
    return index === null ? [] : [`${kind}:${index}`];
  });
