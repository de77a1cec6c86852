/**
 * GeoReport v2 answers errors with its own body (a list of `{code, description}`) and only three HTTP
 * statuses: 404 for a resource that does not exist, 403 for a missing or wrong api_key, 400 for anything
 * else. Rate limiting adds 429, the one status every HTTP client already knows how to back off from.
 */
export type GeoReportStatus = 400 | 403 | 404 | 429;

export type GeoReportIssue = {
  /** Stable identifier of the kind of error, for clients and tests; the body carries the HTTP status as `code`. */
  reason: GeoReportReason;
  description: string;
};

export type GeoReportReason =
  | 'api_key_missing'
  | 'api_key_invalid'
  | 'api_key_not_allowed'
  | 'rate_limited'
  | 'service_code_missing'
  | 'service_code_not_found'
  | 'location_missing'
  | 'location_invalid'
  | 'date_invalid'
  | 'date_span_too_long'
  | 'description_too_long'
  | 'attribute_missing'
  | 'attribute_invalid'
  | 'field_invalid'
  | 'status_invalid'
  | 'paging_invalid'
  | 'idempotency_conflict'
  | 'media_type_unsupported'
  | 'request_not_found'
  | 'token_not_found'
  | 'resource_not_found'
  | 'format_unsupported'
  | 'general';

export class GeoReportError extends Error {
  readonly status: GeoReportStatus;
  readonly issues: GeoReportIssue[];
  /** Seconds a rate-limited client should wait. */
  readonly retryAfter: number | null;

  constructor(status: GeoReportStatus, issues: GeoReportIssue[], retryAfter: number | null = null) {
    super(issues.map((i) => i.description).join('; '));
    this.name = 'GeoReportError';
    this.status = status;
    this.issues = issues;
    this.retryAfter = retryAfter;
  }

  static one(status: GeoReportStatus, reason: GeoReportReason, description: string): GeoReportError {
    return new GeoReportError(status, [{ reason, description }]);
  }
}

export const badRequest = (reason: GeoReportReason, description: string): GeoReportError => GeoReportError.one(400, reason, description);
export const notFound = (reason: GeoReportReason, description: string): GeoReportError => GeoReportError.one(404, reason, description);
export const forbidden = (reason: GeoReportReason, description: string): GeoReportError => GeoReportError.one(403, reason, description);

/** Identifiers taken from the URL may be echoed in an error; anything else might be personal data, so it is not. */
export const echoable = (value: string): string => (/^[A-Za-z0-9_.:-]{1,60}$/.test(value) ? `'${value}'` : '(as given)');
