import type { AuditLogQuery, AuditReadScope } from './audit-log-rules.js';

/** One entry as the reader shows it. */
export type AuditLogEntryView = {
  id: string;
  at: Date;
  /** The signed-in actor (or an API token's owner); null for the public, failed sign-ins and the system. */
  actor: { id: string; username: string; displayName: string | null } | null;
  /** The name typed by someone who was not signed in (a failed sign-in): what they claimed, not who they are. */
  claimedUsername: string | null;
  /** The unit of the actor now; null when there is no actor or it is unknown. */
  actorUnitPath: string | null;
  /**
   * For an entry of no actor about a staff account (the nightly disable of a dormant account, a step on the command
   * line): the unit of that account now. Null otherwise.
   */
  subjectUserUnitPath?: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  subjectKind: string | null;
  subjectId: string | null;
  outcome: string;
  data: Record<string, unknown>;
  /** Position in the hash chain; null until the background chainer has sealed the entry. */
  chainSeq: number | null;
};

export type AuditChainState = {
  /** Sealed entries checked, up to the first break. */
  entries: number;
  isIntact: boolean;
  firstBreak: { chainSeq: number; id: string; reason: string } | null;
  /** Entries written but not sealed yet (the chainer runs in the background). */
  unsealed: number;
};

/** An entry the reader writes about its own use, in the audit log's own shape. */
export type AuditRecord = {
  at: Date;
  actorId: string;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
  action: 'audit.searched' | 'audit.chain_checked';
  subjectKind: 'audit_log';
  subjectId: null;
  outcome: 'done';
  data: Record<string, unknown>;
};

/** What the reader needs from storage. */
export type AuditLogStore = {
  /** Entries within the scope matching the filter, newest first, older than `before`; at most `take`. */
  search: (query: AuditLogQuery & { scope: AuditReadScope; take: number }) => Promise<AuditLogEntryView[]>;
  /** Walks the whole chain. */
  verifyChain: () => Promise<AuditChainState>;
  record: (entry: AuditRecord) => Promise<void>;
};

/** Where a request came from, for the reader's own entries. */
export type AuditRequestContext = { ip: string | null; userAgent: string | null };
