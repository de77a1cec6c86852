// Typed client for the Bihuan HTTP API v1 (docs/API.md).
// Same origin, cookie session (httpOnly, set by the login), language sent on every call.
import type {
  ActionBodies,
  ActionName,
  CalendarDays,
  CalendarInfo,
  Case,
  CaseListQuery,
  CaseSla,
  CaseSummary,
  Category,
  Lang,
  ListResult,
  LoginResult,
  Me,
  Page,
  PublicCase,
  PublicSubmitBody,
  PublicSubmitResult,
  RatingBody,
  RegisterCaseBody,
  RegisteredCase,
  Unit,
  ValidationIssue,
  Requester,
} from './types';

export const API_BASE = '/api/v1';

let currentLang: Lang = 'zh-Hans';

/** The UI language, sent as `Accept-Language` and `?lang=` so names and messages come back in it. */
export function setApiLanguage(lang: Lang): void {
  currentLang = lang;
}

export function getApiLanguage(): Lang {
  return currentLang;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever a staff call answers 401; returns an unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

/** What a 403 `auth.reauth_required` says about how the user can confirm who they are. */
export interface ReauthDetails {
  /** How long a confirmation holds, so the dialog can say when it will ask again. */
  reauthMinutes: number;
  /**
   * False for accounts made without a password (a first single sign-on): they confirm by signing in there again,
   * or, where single sign-on is not set up, cannot confirm at all. A server that leaves it out asks every account for
   * a password, so it reads as true when absent.
   */
  hasPassword: boolean;
  /** The confirmation also needs an authenticator or recovery code. */
  hasTotp: boolean;
  /** Single sign-on is set up: a new sign-in through it counts as a confirmation too. */
  canUseSso: boolean;
}

/** Shows the confirmation to the user; resolves true once confirmed, false when they cancel. */
export type ReauthHandler = (details: ReauthDetails) => Promise<boolean>;

let reauthHandler: ReauthHandler | null = null;
/** The confirmation being asked for now: requests refused at the same moment wait on this one dialog. */
let pendingReauth: Promise<boolean> | null = null;
/** Counts the confirmations given, so that a refusal of a request sent before the latest one is simply repeated. */
let confirmations = 0;

/**
 * Registers the one dialog that asks a user to confirm who they are when a step needs a recent sign-in; a request
 * refused that way is sent again once confirmed. Returns an unregister function.
 */
export function onReauthRequired(handler: ReauthHandler): () => void {
  reauthHandler = handler;
  return () => {
    if (reauthHandler === handler) reauthHandler = null;
  };
}

/** An error answered by the server (or a network failure, status 0, code `network`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageId: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    messageId?: string,
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.messageId = messageId;
    this.details = details ?? {};
  }

  /** Field issues of a 400 `validation.failed`, paths normalised to dotted form (`requester.phone`). */
  get issues(): ValidationIssue[] {
    return normaliseIssues(this.details['issues']);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accepts `path` as a string (`"requester.phone"`, `"/requester/phone"`, `"body.title"`) or an array. */
export function normalisePath(path: unknown): string {
  let parts: string[];
  if (Array.isArray(path)) {
    parts = path.map((p) => String(p));
  } else if (typeof path === 'string') {
    parts = path.split(/[./]/);
  } else {
    return '';
  }
  parts = parts.filter((p) => p !== '');
  if (parts[0] === 'body') parts = parts.slice(1);
  return parts.join('.');
}

export function normaliseIssues(raw: unknown): ValidationIssue[] {
  if (!Array.isArray(raw)) return [];
  const out: ValidationIssue[] = [];
  for (const item of raw) {
    if (!isRecord(item)) continue;
    const message = typeof item['message'] === 'string' ? item['message'] : '';
    out.push({ path: normalisePath(item['path']), message });
  }
  return out;
}

type QueryValue = string | number | boolean | undefined | null;

export function buildUrl(path: string, query?: Record<string, QueryValue>, lang: Lang = currentLang): string {
  const params = new URLSearchParams();
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '' || v === false) continue;
      params.set(k, String(v));
    }
  }
  params.set('lang', lang);
  return `${API_BASE}${path}?${params.toString()}`;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** When false a 401 does not send the user to the login page (login itself, silent session probe). */
  notifyUnauthorized?: boolean;
  /** Extra request headers (e.g. `If-None-Match: *` to create without replacing). */
  headers?: Record<string, string>;
  /**
   * When false a 403 `auth.reauth_required` is thrown as it is, without asking the user to confirm who they are
   * (the confirmation call itself, and the repeat after one).
   */
  reauth?: boolean;
}

export function isReauthRequired(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 403 && err.code === 'auth.reauth_required';
}

/** The details of a 403 `auth.reauth_required`; a field the server leaves out takes the cautious default. */
export function reauthDetailsOf(err: ApiError): ReauthDetails {
  const d = err.details;
  const minutes = d['reauthMinutes'];
  return {
    reauthMinutes: typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0 ? minutes : 15,
    hasPassword: d['hasPassword'] !== false,
    hasTotp: d['hasTotp'] === true,
    // An account without a password was made by single sign-on, so a server silent about it has it set up; one that
    // says it is off (the provider was removed since) leaves the account no way to confirm.
    canUseSso: d['canUseSso'] === true || (d['canUseSso'] === undefined && d['hasPassword'] === false),
  };
}

/** Asks the registered dialog, sharing one question between requests refused at the same time. */
function confirmIdentity(details: ReauthDetails): Promise<boolean> {
  const handler = reauthHandler;
  if (!handler) return Promise.resolve(false);
  if (pendingReauth) return pendingReauth;
  // A failing dialog counts as a cancel: the caller then sees the server's own refusal.
  const pending = Promise.resolve()
    .then(() => handler(details))
    .then(
      (isConfirmed) => {
        if (isConfirmed === true) confirmations += 1;
        return isConfirmed === true;
      },
      () => false,
    );
  pendingReauth = pending;
  void pending.finally(() => {
    if (pendingReauth === pending) pendingReauth = null;
  });
  return pending;
}

/**
 * Fetches a file the server makes (an export) for a download link: a step that needs a recent sign-in asks the
 * "confirm it's you" dialog, as every API call does, and is sent again once; any other refusal is thrown coded.
 */
export function fetchFile(href: string): Promise<Response> {
  return withReauth(async () => {
    const res = await fetch(href, { credentials: 'same-origin', headers: { 'Accept-Language': currentLang } });
    if (!res.ok) throw await parseError(res);
    return res;
  });
}

/** The coded error of a response that is not ok (the server's body, or one made from the status). */
export async function parseError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (isRecord(body) && isRecord(body['error'])) {
    const e = body['error'];
    const code = typeof e['code'] === 'string' ? e['code'] : `http_${res.status}`;
    const message = typeof e['message'] === 'string' ? e['message'] : res.statusText;
    const messageId = typeof e['messageId'] === 'string' ? e['messageId'] : undefined;
    const details = isRecord(e['details']) ? e['details'] : undefined;
    return new ApiError(res.status, code, message, messageId, details);
  }
  const fallback =
    res.status === 401
      ? 'auth.required'
      : res.status === 403
        ? 'auth.forbidden'
        : res.status === 429
          ? 'rate_limited'
          : res.status >= 500
            ? 'internal'
            : `http_${res.status}`;
  return new ApiError(res.status, fallback, res.statusText);
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The one way the web app calls the API: JSON in and out, the UI language, the cookie session, coded errors as
 * ApiError, and a 401 sends the user to the sign-in page. Module clients (web/src/api/<module>.ts) use it too.
 */
export async function apiRequest<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
  return request<T>(method, path, opts);
}

async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
  if (opts.reauth === false) return send<T>(method, path, opts);
  return withReauth(() => send<T>(method, path, opts));
}

/**
 * Runs `attempt`; when it is refused for want of a recent sign-in, asks the dialog and, once confirmed, runs it again
 * once: a second refusal (the confirmation already ran out, a clock far off) is the caller's to show.
 */
async function withReauth<T>(attempt: () => Promise<T>): Promise<T> {
  const confirmationsAtStart = confirmations;
  try {
    return await attempt();
  } catch (err) {
    if (!isReauthRequired(err)) throw err;
    // Refused before a confirmation that has since been given (its dialog closed while this one was on its way).
    const isConfirmed =
      confirmations !== confirmationsAtStart || (await confirmIdentity(reauthDetailsOf(err)));
    if (!isConfirmed) throw err;
    return attempt();
  }
}

async function send<T>(method: HttpMethod, path: string, opts: RequestOptions): Promise<T> {
  const headers: Record<string, string> = {
    ...opts.headers,
    Accept: 'application/json',
    'Accept-Language': currentLang,
  };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const error = await parseError(res);
    if (res.status === 401 && opts.notifyUnauthorized !== false) {
      for (const l of unauthorizedListeners) l();
    }
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (text === '') return undefined as T;
  return JSON.parse(text) as T;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

// ---- auth ----

export function login(
  username: string,
  password: string,
  totpCode?: string,
): Promise<LoginResult & { mustEnrollTotp?: boolean }> {
  return request<LoginResult & { mustEnrollTotp?: boolean }>('POST', '/auth/login', {
    body: totpCode ? { username, password, totpCode } : { username, password },
    notifyUnauthorized: false,
  });
}

export type TotpStatus = {
  isEnabled: boolean;
  enabledAt: string | null;
  hasPendingSetup: boolean;
  isRequired: boolean;
  recoveryCodesLeft: number;
};

/**
 * Confirms the signed-in user's password (and code, with two-step verification on) for the steps that need a
 * recent sign-in. A wrong password is a 400 with field issues, never a 401, so the session stays.
 */
export function reauthenticate(
  password: string,
  totpCode?: string,
): Promise<{ verifiedUntil: string | null }> {
  return request<{ verifiedUntil: string | null }>('POST', '/auth/reauth', {
    body: totpCode ? { password, totpCode } : { password },
    reauth: false,
  });
}

export function getTotpStatus(): Promise<TotpStatus> {
  return request<TotpStatus>('GET', '/auth/totp');
}

export function setupTotp(): Promise<{ secret: string; otpauthUri: string }> {
  return request<{ secret: string; otpauthUri: string }>('POST', '/auth/totp/setup', { body: {} });
}

export function enableTotp(code: string): Promise<{ enabledAt: string; recoveryCodes: string[] }> {
  return request<{ enabledAt: string; recoveryCodes: string[] }>('POST', '/auth/totp/enable', {
    body: { code },
  });
}

export async function logout(): Promise<void> {
  await request<unknown>('POST', '/auth/logout', { notifyUnauthorized: false });
}

export function getMe(opts: { signal?: AbortSignal; notifyUnauthorized?: boolean } = {}): Promise<Me> {
  return request<Me>('GET', '/auth/me', opts);
}

// ---- reference data ----

export async function listUnits(signal?: AbortSignal): Promise<Unit[]> {
  const res = await request<ListResult<Unit>>('GET', '/units', { signal, notifyUnauthorized: false });
  return res.items;
}

export async function listCategories(signal?: AbortSignal): Promise<Category[]> {
  const res = await request<ListResult<Category>>('GET', '/categories', {
    signal,
    notifyUnauthorized: false,
  });
  return res.items;
}

// ---- staff: cases ----

export function caseListQueryParams(q: CaseListQuery): Record<string, QueryValue> {
  return {
    status: q.status,
    unitId: q.unitId,
    categoryId: q.categoryId,
    channel: q.channel,
    kind: q.kind,
    overdue: q.overdue ? 'true' : undefined,
    supervised: q.supervised ? 'true' : undefined,
    from: q.from,
    to: q.to,
    q: q.q,
    mine: q.mine ? 'true' : undefined,
    sort: q.sort,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export function listCases(q: CaseListQuery, signal?: AbortSignal): Promise<Page<CaseSummary>> {
  return request<Page<CaseSummary>>('GET', '/cases', { query: caseListQueryParams(q), signal });
}

export function getCase(id: string, signal?: AbortSignal): Promise<Case> {
  return request<Case>('GET', `/cases/${encodeURIComponent(id)}`, { signal });
}

/** The requester's full personal data; every call is recorded in the audit log. */
export function revealRequester(id: string): Promise<Requester | null> {
  return request<Requester | null>('GET', `/cases/${encodeURIComponent(id)}/requester`);
}

/** The time limits of a case, each due date explained in the UI language. */
export function getCaseSla(id: string, signal?: AbortSignal): Promise<CaseSla> {
  return request<CaseSla>('GET', `/cases/${encodeURIComponent(id)}/sla`, { signal });
}

/** Working days and holidays (public); at most 400 days at a time. */
export function getCalendarDays(
  q: { from: string; to: string; unit?: string },
  signal?: AbortSignal,
): Promise<CalendarDays> {
  return request<CalendarDays>('GET', '/calendar/days', {
    query: { from: q.from, to: q.to, unit: q.unit },
    signal,
    notifyUnauthorized: false,
  });
}

/** The configured calendars (public), for their names: the SLA and day answers give only a code. */
export async function listCalendars(signal?: AbortSignal): Promise<CalendarInfo[]> {
  const res = await request<ListResult<CalendarInfo>>('GET', '/calendars', {
    signal,
    notifyUnauthorized: false,
  });
  return res.items;
}

export function registerCase(body: RegisterCaseBody): Promise<RegisteredCase> {
  return request<RegisteredCase>('POST', '/cases', { body });
}

export function performAction<A extends ActionName>(
  id: string,
  action: A,
  body: ActionBodies[A],
): Promise<Case> {
  return request<Case>('POST', `/cases/${encodeURIComponent(id)}/${action}`, { body });
}

// ---- public (citizens) ----

export function submitPublicCase(body: PublicSubmitBody): Promise<PublicSubmitResult> {
  return request<PublicSubmitResult>('POST', '/public/cases', { body, notifyUnauthorized: false });
}

export function getPublicCase(
  trackingNo: string,
  accessCode: string,
  signal?: AbortSignal,
): Promise<PublicCase> {
  return request<PublicCase>('GET', `/public/cases/${encodeURIComponent(trackingNo)}`, {
    // A header, not the query string: proxies write URLs to their access logs.
    headers: { 'X-Access-Code': accessCode },
    signal,
    notifyUnauthorized: false,
  });
}

export function ratePublicCase(trackingNo: string, body: RatingBody): Promise<PublicCase> {
  return request<PublicCase>('POST', `/public/cases/${encodeURIComponent(trackingNo)}/rating`, {
    body,
    notifyUnauthorized: false,
  });
}

/** One action with its body; the union keeps each action paired with its own body type. */
export type ActionRequest = { [A in ActionName]: { action: A; body: ActionBodies[A] } }[ActionName];

export function postAction(id: string, req: ActionRequest): Promise<Case> {
  return request<Case>('POST', `/cases/${encodeURIComponent(id)}/${req.action}`, { body: req.body });
}
