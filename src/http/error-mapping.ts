import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../core/shared/app-error.js';

/** The one table from error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  'validation.failed': 400,
  'auth.required': 401,
  'auth.invalid_credentials': 401,
  'auth.forbidden': 403,
  'auth.inactive_user': 403,
  'auth.locked': 429,
  'auth.totp_required': 401,
  'auth.totp_invalid': 401,
  'auth.totp_setup_required': 403,
  'auth.totp_already_enabled': 409,
  'auth.totp_not_enabled': 409,
  'auth.token_invalid': 401,
  'auth.token_expired': 401,
  'auth.token_revoked': 401,
  'auth.token_forbidden': 403,
  'auth.sso_not_configured': 404,
  'auth.sso_failed': 401,
  'auth.sso_user_refused': 403,
  'auth.password_change_required': 403,
  'auth.password_expired': 401,
  'auth.reauth_required': 403,
  'user.self_change_refused': 409,
  'case.not_found': 404,
  'case.invalid_transition': 409,
  'case.not_assigned': 403,
  'case.merge_target_invalid': 409,
  'case.extension_pending': 409,
  'case.no_pending_extension': 409,
  'case.access_code_invalid': 404,
  'case.rating_not_allowed': 409,
  'case.reopen_limit_reached': 409,
  'case.reopen_not_allowed': 409,
  'sla.policy_exists': 409,
  'case.information_not_allowed': 409,
  'case.identity_protected': 403,
  'unit.not_found': 404,
  'category.not_found': 404,
  'resource.not_found': 404,
  'request.unsupported_media_type': 415,
  'request.too_large': 413,
  'privacy.cases_open': 409,
  'callback.task_closed': 409,
  'callback.claimed_by_other': 409,
  'callback.not_claimed': 409,
  'callback.signature_invalid': 401,
  'callback.link_invalid': 404,
  rate_limited: 429,
  'server.busy': 503,
  internal: 500,
};

export type ErrorBody = { error: { code: ErrorCode; message: string; messageId: string; details: Record<string, unknown> } };

export const errorBody = (error: AppError): ErrorBody => ({
  error: { code: error.code, message: error.message, messageId: error.messageId, details: error.details },
});

const pathOf = (instancePath: string): string => instancePath.replace(/^\//, '').replaceAll('/', '.');

/** Turns anything thrown into a coded error; unknown errors become a logged 500 that reveals nothing. */
export const toAppError = (error: unknown, request: FastifyRequest): AppError => {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'body';
    const issues = error.validation.map((v) => ({ path: [where, pathOf(v.instancePath)].filter(Boolean).join('.'), message: v.message ?? 'invalid' }));
    return new AppError('validation.failed', `invalid ${where}`, { issues });
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request.unsupported_media_type', 'send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.too_large', 'the request body is too large');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('validation.failed', 'malformed URL', { issues: [{ path: 'params', message: fastifyError.message ?? 'malformed' }] });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('validation.failed', 'the body is not valid JSON', { issues: [{ path: 'body', message: 'not valid JSON' }] });
    default:
      break;
  }
  if (fastifyError.statusCode === 400 || (error instanceof SyntaxError && 'body' in error)) {
    return new AppError('validation.failed', 'malformed request', { issues: [{ path: 'body', message: fastifyError.message ?? 'malformed' }] });
  }
  if (fastifyError.statusCode === 429) return new AppError('rate_limited', 'too many requests, slow down');
  // PostgreSQL refusing a value's encoding or form is bad input that slipped past a schema, not a crash.
  const pgCode = (error as { code?: unknown }).code;
  if (typeof pgCode === 'string' && ['22021', '22P05', '22007', '22008', '22P02', '2201B'].includes(pgCode)) {
    request.log.warn({ err: error }, 'database refused a value that validation let through');
    return new AppError('validation.failed', 'a value could not be stored', { issues: [{ path: 'body', message: 'invalid value' }] });
  }
  request.log.error({ err: error }, 'unhandled error');
  return new AppError('internal', 'internal error');
};

export const sendError = (reply: FastifyReply, error: AppError): FastifyReply => {
  // Every refusal that says when to come back says it in the standard header too (clients and proxies read it).
  const retryAfter = error.details.retryAfterSeconds;
  if ((HTTP_STATUS[error.code] === 429 || HTTP_STATUS[error.code] === 503) && typeof retryAfter === 'number' && Number.isFinite(retryAfter)) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  return reply.status(HTTP_STATUS[error.code]).send(errorBody(error));
};
