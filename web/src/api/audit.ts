// The audit log's reader (docs/audit.md). Same fetch conventions as the shared client (same origin, cookie
// session, language on every call, errors as ApiError).
import { apiRequest } from './client';

export type AuditOutcomeClass = 'success' | 'refused';

export interface AuditEntry {
  id: string;
  at: string;
  /** The signed-in actor (or an API token's owner); null for the public, failed sign-ins and the system. */
  actor: { id: string; username: string; displayName: string | null } | null;
  /** The name typed by someone not signed in (a failed sign-in): a claim, not an identity. */
  claimedUsername: string | null;
  ip: string | null;
  userAgent: string | null;
  /** `POST /api/v1/cases/:id/dispatch`, or a code such as `access_code.locked`. */
  action: string;
  subjectKind: string | null;
  subjectId: string | null;
  /** An HTTP status as text, or a word such as `done` or `refused`. */
  outcome: string;
  outcomeClass: AuditOutcomeClass;
  data: Record<string, unknown>;
  /** Null until the entry is sealed into the hash chain. */
  chainSeq: number | null;
}

export interface AuditFilter {
  /** ISO date-times. */
  from?: string;
  to?: string;
  /** Usernames starting with this. */
  actor?: string;
  /** Text found in the action. */
  action?: string;
  subjectKind?: string;
  subjectId?: string;
  ip?: string;
  outcome?: AuditOutcomeClass;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditChainState {
  entries: number;
  isIntact: boolean;
  firstBreak: { chainSeq: number; id: string; reason: string } | null;
  unsealed: number;
  checkedAt: string;
}

export const AUDIT_PAGE_SIZE = 50;

export function searchAudit(filter: AuditFilter, before: string | null, signal?: AbortSignal): Promise<AuditPage> {
  return apiRequest('GET', '/admin/audit', {
    query: { ...filter, limit: AUDIT_PAGE_SIZE, before: before ?? undefined },
    signal,
  });
}

/** Reads the whole log: may take a while on a large one. Readers of a top-level unit only. */
export function checkAuditChain(signal?: AbortSignal): Promise<AuditChainState> {
  return apiRequest('GET', '/admin/audit/chain', { signal });
}
