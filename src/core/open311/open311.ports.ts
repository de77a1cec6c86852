import type { CaseStore } from '../case/case.ports.js';
import type { AttributeValue } from './attributes.js';
import type { ApiKeyRecord, AttributeDefinition, ServiceRecord } from './open311.types.js';

/** A request already taken in: what a repeated post is answered with. */
export type StoredRequest = {
  caseId: string;
  serviceRequestId: string;
  token: string;
  serviceCode: string;
  contentHash: string;
  accountId: string | null;
};

export type NewOpen311Request = {
  caseId: string;
  apiKeyId: string;
  token: string;
  serviceCode: string;
  idempotencyKey: string | null;
  contentHash: string;
  deviceHash: string | null;
  accountId: string | null;
  addressId: string | null;
  mediaUrl: string | null;
  isDescriptionGiven: boolean;
  attributes: Record<string, AttributeValue>;
  at: Date;
};

/** What the Open311 use cases need from storage inside one transaction. */
export type Open311Store = {
  cases: CaseStore;
  findService: (code: string) => Promise<ServiceRecord | null>;
  listAttributes: (categoryId: string) => Promise<AttributeDefinition[]>;
  /** Serialises posts that could be duplicates of each other until the transaction ends. */
  lockDuplicateKey: (key: string) => Promise<void>;
  findByIdempotencyKey: (apiKeyId: string, idempotencyKey: string) => Promise<StoredRequest | null>;
  findRecentDuplicate: (input: { apiKeyId: string; deviceHash: string; contentHash: string; since: Date }) => Promise<StoredRequest | null>;
  insertRequest: (request: NewOpen311Request) => Promise<void>;
};

/** API keys are checked and counted outside the request's transaction: a refused call writes nothing else. */
export type ApiKeyStore = {
  findActiveKeyByHash: (hash: string) => Promise<ApiKeyRecord | null>;
  /** Counts one call in the key's current fixed window and returns the count so far. */
  countCall: (apiKeyId: string, windowStart: Date) => Promise<number>;
};

export type Open311Deps = {
  now: () => Date;
  keys: ApiKeyStore;
  transaction: <T>(fn: (store: Open311Store) => Promise<T>) => Promise<T>;
};
