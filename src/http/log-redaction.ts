/**
 * Query parameters whose values never reach the logs: access codes and API keys are secrets, a phone or ID number
 * names a person, and a search (`q`, `name`, …) may be a requester's name. Matched after decoding, so that
 * `access%43ode=` or `%71=` is caught like the plain spelling.
 */
// `code` and `state` are the single sign-on callback's: a code not yet exchanged is a credential for a moment.
const SECRET_OR_PERSONAL = new Set([
  'accesscode', 'access_code', 'api_key', 'apikey', 'token', 'code', 'state', 'phone', 'idnumber', 'id_number', 'q', 'query', 'name', 'email', 'address',
  'subjectid', 'actor',
]);

/** Paths that carry a secret themselves: the requester's one-time questionnaire link. */
const SECRET_PATH = /(\/public\/callbacks\/questionnaire\/)[^/?]+/i;

const decodedName = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
};

/** The URL as the request log writes it: the path as it came but for a secret in it, each sensitive query value replaced by `***`. */
export const redactUrlForLog = (rawUrl: string): string => {
  const url = rawUrl.replace(SECRET_PATH, '$1***');
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SECRET_OR_PERSONAL.has(decodedName(name)) ? `${name}=***` : pair;
    })
    .join('&');
  return `${url.slice(0, at)}?${query}`;
};
