import type { Open311Deps } from '../core/open311/open311.ports.js';
import { createCaseStore } from './case.repository.js';
import type { Db } from './database.js';
import {
  countApiKeyCall,
  findActiveApiKeyByHash,
  findRecentDuplicateRequest,
  findRequestByIdempotencyKey,
  findServiceByCode,
  insertOpen311Request,
  listAttributeDefinitions,
  lockDuplicateKey,
} from './open311.repository.js';

/** Binds the Open311 use cases' ports to PostgreSQL. */
export const createOpen311Deps = (db: Db, now: () => Date): Open311Deps => ({
  now,
  keys: {
    findActiveKeyByHash: (hash) => findActiveApiKeyByHash(db, hash),
    countCall: (apiKeyId, windowStart) => countApiKeyCall(db, apiKeyId, windowStart),
  },
  transaction: (fn) =>
    db.transaction().execute((trx) =>
      fn({
        cases: createCaseStore(trx),
        findService: (code) => findServiceByCode(trx, code),
        listAttributes: (categoryId) => listAttributeDefinitions(trx, categoryId),
        lockDuplicateKey: (key) => lockDuplicateKey(trx, key),
        findByIdempotencyKey: (apiKeyId, key) => findRequestByIdempotencyKey(trx, apiKeyId, key),
        findRecentDuplicate: (input) => findRecentDuplicateRequest(trx, input),
        insertRequest: (request) => insertOpen311Request(trx, request),
      }),
    ),
});
