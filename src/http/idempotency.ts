import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN, requestHashOf, type IdempotencyKey } from '../core/case/idempotency.js';

/**
 * The optional `Idempotency-Key` request header of the create endpoints, validated and documented in OpenAPI.
 * Loose: the validated object replaces `request.headers`, so every other header must pass through.
 */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, '8–128 characters: letters, digits and - _ . :')
    .optional()
    .describe('Retry-safe creation: the same key with the same body within 24 h answers with the case the first request created'),
});

/** Set on an answer that replays the case an earlier request with the same key created. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export const idempotencyOf = (request: FastifyRequest, scope: string): IdempotencyKey | undefined => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' ? { scope, key, requestHash: requestHashOf(request.body) } : undefined;
};
