import type { FastifyRequest } from 'fastify';

/**
 * Where a request came from, as the use cases that audit themselves record it: the address (always known to the
 * server) and the browser.
 */
export const requestContextOf = (request: FastifyRequest): { ip: string; userAgent: string | null } => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});
