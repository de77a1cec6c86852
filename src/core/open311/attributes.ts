import type { GeoReportIssue } from './georeport-error.js';
import type { PublicationConsent } from '../case/case.types.js';
import { CONSENT_ATTRIBUTE_KEYS, PROTECTION_ATTRIBUTE_KEYS, type AttributeDefinition } from './open311.types.js';
import { formatW3, parseW3 } from './w3-datetime.js';

export type AttributeValue = string | number | string[];

export type CheckedAttributes = {
  values: Record<string, AttributeValue>;
  /** Values that also go on the case (see AttributeDefinition.mapsTo). */
  amountClaimedFen: number | null;
  /** null: the service does not ask, or the client did not answer (the case is then "not asked"). */
  publicationConsent: Exclude<PublicationConsent, 'not_asked'> | null;
  /** The requester asked for identity protection (a report is protected whatever this says). */
  isIdentityProtected: boolean;
  issues: GeoReportIssue[];
};

const MAX_STRING = 500;
const MAX_TEXT = 4000;
const MAX_YUAN = 1e11;

const lengthOf = (value: string): number => [...value].length;

/**
 * Checks the posted `attribute[CODE]` values against the service definition. Every problem is reported at
 * once (the error body is a list), and values are never echoed: they may hold personal data.
 */
export const checkAttributes = (definitions: readonly AttributeDefinition[], posted: ReadonlyMap<string, readonly string[]>): CheckedAttributes => {
  const values: Record<string, AttributeValue> = {};
  const issues: GeoReportIssue[] = [];
  let amountClaimedFen: number | null = null;
  let publicationConsent: CheckedAttributes['publicationConsent'] = null;
  let isIdentityProtected = false;
  const invalid = (code: string, what: string) => issues.push({ reason: 'attribute_invalid', description: `attribute[${code}] ${what}` });

  for (const def of [...definitions].sort((a, b) => a.order - b.order)) {
    if (!def.isVariable) continue;
    const raw = posted.get(def.code) ?? [];
    if (raw.length === 0) {
      if (def.isRequired) issues.push({ reason: 'attribute_missing', description: `attribute[${def.code}] is required for this service` });
      continue;
    }
    const isList = def.datatype === 'multivaluelist';
    if (!isList && raw.length > 1) {
      invalid(def.code, 'takes a single value');
      continue;
    }
    const single = raw[0] ?? '';
    switch (def.datatype) {
      case 'string':
        if (lengthOf(single) > MAX_STRING) invalid(def.code, `must be at most ${MAX_STRING} characters`);
        // A string is one line by definition; a client that sends line breaks meant spaces.
        else values[def.code] = single.replace(/\s*[\r\n]+\s*/g, ' ');
        break;
      case 'text':
        if (lengthOf(single) > MAX_TEXT) invalid(def.code, `must be at most ${MAX_TEXT} characters`);
        else values[def.code] = single;
        break;
      case 'number': {
        const n = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(single) ? Number(single) : Number.NaN;
        if (!Number.isFinite(n)) {
          invalid(def.code, 'must be a number');
          break;
        }
        if (def.mapsTo === 'amount_claimed_yuan') {
          if (n < 0 || n > MAX_YUAN) {
            invalid(def.code, 'must be an amount between 0 and 100000000000');
            break;
          }
          amountClaimedFen = Math.round(n * 100);
        }
        values[def.code] = n;
        break;
      }
      case 'datetime': {
        const date = parseW3(single);
        if (!date) invalid(def.code, 'must be a W3C date-time with a zone, e.g. 2026-11-22T09:30:00+08:00');
        else values[def.code] = formatW3(date);
        break;
      }
      case 'singlevaluelist':
      case 'multivaluelist': {
        const keys = new Set(def.values.map((v) => v.key));
        const chosen = [...new Set(raw)];
        if (chosen.some((v) => !keys.has(v))) {
          invalid(def.code, `must be ${isList ? 'among' : 'one of'} the keys ${[...keys].join(', ')}`);
          break;
        }
        values[def.code] = isList ? chosen : single;
        break;
      }
    }
    if (def.mapsTo === 'publication_consent' && values[def.code] !== undefined) {
      // The admin route saves only a list of exactly these keys; a definition written around it (SQL, a later
      // change) must still never turn an answer such as "no" into "not asked". And a refusal is never overruled.
      const answer = CONSENT_ATTRIBUTE_KEYS.find((k) => k === values[def.code]);
      if (!answer) invalid(def.code, `must be one of the consent answers ${CONSENT_ATTRIBUTE_KEYS.join(', ')}`);
      else if (publicationConsent !== 'refused') publicationConsent = answer;
    }
    if (def.mapsTo === 'identity_protection' && values[def.code] !== undefined) {
      // As for consent: only the keys that mean something, and a request for protection is never overruled.
      const answer = PROTECTION_ATTRIBUTE_KEYS.find((k) => k === values[def.code]);
      if (!answer) invalid(def.code, `must be one of ${PROTECTION_ATTRIBUTE_KEYS.join(', ')}`);
      else if (answer === 'requested') isIdentityProtected = true;
    }
  }
  return { values, amountClaimedFen, publicationConsent, isIdentityProtected, issues };
};
