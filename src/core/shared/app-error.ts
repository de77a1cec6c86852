/**
 * The one error type of the domain. Every module declares its codes in `ErrorCode`; the HTTP layer maps
 * codes to statuses in one table (src/http/error-mapping.ts), so use cases never think about HTTP.
 */
export type ErrorCode =
  | 'validation.failed'
  | 'auth.required'
  | 'auth.invalid_credentials'
  | 'auth.forbidden'
  | 'auth.inactive_user'
  | 'auth.locked'
  | 'auth.totp_required'
  | 'auth.totp_invalid'
  | 'auth.totp_setup_required'
  | 'auth.totp_already_enabled'
  | 'auth.totp_not_enabled'
  | 'auth.token_invalid'
  | 'auth.token_expired'
  | 'auth.token_revoked'
  | 'auth.token_forbidden'
  | 'auth.sso_not_configured'
  | 'auth.sso_failed'
  | 'auth.sso_user_refused'
  | 'auth.password_change_required'
  | 'auth.password_expired'
  | 'auth.reauth_required'
  | 'user.self_change_refused'
  | 'case.not_found'
  | 'case.invalid_transition'
  | 'case.not_assigned'
  | 'case.merge_target_invalid'
  | 'case.extension_pending'
  | 'case.no_pending_extension'
  | 'case.access_code_invalid'
  | 'case.rating_not_allowed'
  | 'case.reopen_limit_reached'
  | 'sla.policy_exists'
  | 'case.reopen_not_allowed'
  | 'case.information_not_allowed'
  | 'case.identity_protected'
  | 'unit.not_found'
  | 'category.not_found'
  | 'resource.not_found'
  | 'request.unsupported_media_type'
  | 'request.too_large'
  | 'privacy.cases_open'
  | 'callback.task_closed'
  | 'callback.claimed_by_other'
  | 'callback.not_claimed'
  | 'callback.signature_invalid'
  | 'callback.link_invalid'
  | 'rate_limited'
  | 'server.busy'
  | 'internal';

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  /** A message of its own for one case of the code (`errors.<code>.<case>`), where the code's is too general. */
  private readonly specificMessageId: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, specificMessageId?: `errors.${ErrorCode}.${string}`) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.specificMessageId = specificMessageId;
  }

  /** Key of the user-facing message in the web catalogues; the English `message` is for developers and logs. */
  get messageId(): string {
    return this.specificMessageId ?? `errors.${this.code}`;
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;
