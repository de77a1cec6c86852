import type { Actor, UserActor } from '../auth/actor.js';
import type { PublicationConsent } from '../case/case.types.js';

/** Whom a request names: one number at a time, since the two together could answer for two people as if one. */
export type PersonKey = { kind: 'phone'; value: string } | { kind: 'id_number'; value: string };

/** One case of the person, with what the case itself holds about them (identity opened from its sealed form). */
export type HeldCase = {
  id: string;
  trackingNo: string;
  status: string;
  title: string;
  description: string;
  reply: string | null;
  createdAt: Date;
  closedAt: Date | null;
  isAnonymised: boolean;
  publicationConsent: PublicationConsent;
  requester: { name: string | null; phone: string | null; idNumber: string | null; email: string | null };
  address: string | null;
  location: { lat: number; lng: number } | null;
  language: string;
  callbackAnswer: { resolved: string | null; satisfaction: string | null; comment: string | null; at: Date } | null;
  messagePreferences: { isSmsOptedOut: boolean; isEmailOptedOut: boolean };
};

export type HeldFile = { id: string; caseId: string; fileName: string; mediaType: string; byteSize: number; uploadedAt: Date; isDeleted: boolean };
export type HeldMessage = { caseId: string; channel: string; kind: string; language: string; recipientMasked: string; status: string; at: Date };

/** Who asked, from where: both steps are audited. */
export type PersonRequestContext = { ip: string | null; userAgent: string | null };

export type PersonAuditEntry = {
  at: Date;
  actorId: string;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
  action: 'privacy export' | 'privacy erasure';
  subjectKind: 'person';
  subjectId: string;
  outcome: 'done';
  data: Record<string, unknown>;
};

/** What the two steps read and write; bound to one transaction inside `inTransaction`. */
export type PersonDataStore = {
  /**
   * The person's cases within the caller's units (and, for a protected report, its intake line only), oldest
   * first, at most `limit`.
   */
  findCasesOfPerson: (actor: Actor, key: PersonKey, limit: number) => Promise<HeldCase[]>;
  findHeldAboutCases: (caseIds: readonly string[]) => Promise<{ files: HeldFile[]; messages: HeldMessage[] }>;
  /** Locks the cases' rows (FOR UPDATE) and reads their status as it is now. */
  lockStatuses: (caseIds: readonly string[]) => Promise<{ id: string; trackingNo: string; status: string }[]>;
  /** False when the case was anonymised already. */
  anonymiseCase: (caseId: string, at: Date) => Promise<boolean>;
  audit: (entry: PersonAuditEntry) => Promise<void>;
};

export type PersonDataDeps = {
  now: () => Date;
  /**
   * The keyed blind index of a number (the one the identity columns are found by), or null when the number
   * normalises to nothing: the audit log names the person by it, never by the number itself.
   */
  blindIndex: (key: PersonKey) => string | null;
  inTransaction: <T>(fn: (store: PersonDataStore) => Promise<T>) => Promise<T>;
};

export type PersonDataInput = { actor: UserActor; key: PersonKey; context: PersonRequestContext };
