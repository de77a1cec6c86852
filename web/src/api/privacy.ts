// A person's right to their data (PIPL): what is held about one person, and its erasure once their cases are
// finished (src/http/routes/privacy.routes.ts). Both steps need a recent sign-in; the shared client asks for it.
import { apiRequest, buildUrl } from './client';
import type { PublicationConsent } from './types';

/** How a person is looked up: the server finds them by the blind index of either. */
export const PERSON_KEYS = ['phone', 'idNumber'] as const;
export type PersonKey = (typeof PERSON_KEYS)[number];

/** Exactly one of the two, as the server's schema wants it. */
export type PersonQuery = { phone: string } | { idNumber: string };

export interface HeldRequester {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  email: string | null;
}

/** The person's answer at the callback; the values are codes (`yes`, `satisfied`) or null when not asked. */
export interface HeldRating {
  resolved: string | null;
  satisfaction: string | null;
  comment: string | null;
  at: string;
}

/** A file the person sent; a deleted or erased one keeps its row, not its content. */
export interface HeldFile {
  id: string;
  fileName: string;
  mediaType: string;
  byteSize: number;
  uploadedAt: string;
  isDeleted: boolean;
}

/** A message sent to the person, without its text (it can hold an access code). */
export interface HeldMessage {
  channel: string;
  kind: string;
  language: string;
  recipientMasked: string;
  status: string;
  at: string;
}

export interface HeldCase {
  caseId: string;
  trackingNo: string;
  status: string;
  title: string;
  description: string;
  reply: string | null;
  createdAt: string;
  closedAt: string | null;
  isAnonymised: boolean;
  publicationConsent: PublicationConsent;
  requester: HeldRequester;
  /** Where the matter is, as the person gave it. */
  address: string | null;
  location: { lat: number; lng: number } | null;
  /** The language the person asked to be answered in. */
  language: string;
  callbackAnswer: HeldRating | null;
  messagePreferences: { isSmsOptedOut: boolean; isEmailOptedOut: boolean };
  files: HeldFile[];
  messages: HeldMessage[];
}

export interface PersonData {
  cases: HeldCase[];
  /** The number belongs to more cases than the server lists: it is likely shared by several people. */
  isTruncated: boolean;
}

export function personQuery(key: PersonKey, value: string): PersonQuery {
  return key === 'phone' ? { phone: value } : { idNumber: value };
}

/** The key and value of a query, for labels and the confirmation. */
export function personQueryParts(query: PersonQuery): { key: PersonKey; value: string } {
  return 'phone' in query ? { key: 'phone', value: query.phone } : { key: 'idNumber', value: query.idNumber };
}

/** Everything held about one person within the reader's units; the server records each look-up in the audit log. */
export function findPersonData(query: PersonQuery, signal?: AbortSignal): Promise<PersonData> {
  return apiRequest<PersonData>('GET', '/privacy/people', { query: { ...query }, ...(signal ? { signal } : {}) });
}

/** Anonymises every finished case of the person; refused (409 `privacy.cases_open`) while one is still open. */
export function erasePersonData(query: PersonQuery): Promise<{ anonymised: number }> {
  return apiRequest<{ anonymised: number }>('POST', '/privacy/people/erase', { body: query });
}

/** Where a staff member downloads a file of a case (the same address the case page's files use). */
export function caseFileUrl(caseId: string, fileId: string): string {
  return buildUrl(`/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(fileId)}/content`);
}
