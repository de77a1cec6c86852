/**
 * Free text goes out on a public API, so whatever personal data a requester typed into it is taken out
 * first: what they gave about themselves (name, phone, e-mail, ID number) wherever it appears, and anything
 * shaped like a phone number, an ID card number or an e-mail address.
 */
export type KnownPersonalData = {
  names?: readonly (string | null | undefined)[];
  phones?: readonly (string | null | undefined)[];
  emails?: readonly (string | null | undefined)[];
  idNumbers?: readonly (string | null | undefined)[];
};

export const REDACTED = '[***]';

const escapeRegExp = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Mainland ID card numbers (17 digits and a check character), then any run of 7+ digits that may be split
// by spaces, dashes, dots or brackets: phone numbers in every usual spelling. Amounts ("12000 元") survive.
const ID_CARD = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g;
const DIGIT_RUN = /(?<![0-9])\+?[0-9](?:[\s\-.()（）]*[0-9]){6,}(?![0-9])/g;
// Dates are not phone numbers: 2026-11-22 and 2026.11.22 stay.
const DATE_LIKE = /^[0-9]{4}[-.][0-9]{1,2}[-.][0-9]{1,2}$/;

/** Name fragments worth looking for: the whole name, and its parts when they are long enough to be safe. */
const nameVariants = (name: string): string[] => {
  const parts = name.split(/[\s·•・.]+/).filter(Boolean);
  const variants = new Set<string>([name.trim(), parts.join(''), parts.join(' '), [...parts].reverse().join(''), [...parts].reverse().join(' ')]);
  for (const part of parts) {
    // One Chinese character (a surname) or a two-letter Latin fragment would wipe unrelated words.
    const isCjk = /[\u3400-\u9fff\u0f00-\u0fff]/.test(part);
    if ((isCjk && [...part].length >= 2) || (!isCjk && part.length >= 3)) variants.add(part);
  }
  return [...variants].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
};

const digitsOf = (value: string): string => value.replace(/[^0-9]/g, '');

export const scrubText = (text: string, known: KnownPersonalData = {}): string => {
  let out = text;
  for (const name of known.names ?? []) {
    if (!name?.trim()) continue;
    for (const variant of nameVariants(name)) out = out.replace(new RegExp(escapeRegExp(variant), 'gi'), REDACTED);
  }
  for (const email of known.emails ?? []) if (email?.trim()) out = out.replace(new RegExp(escapeRegExp(email.trim()), 'gi'), REDACTED);
  for (const id of known.idNumbers ?? []) if (id?.trim()) out = out.replace(new RegExp(escapeRegExp(id.trim()), 'gi'), REDACTED);
  out = out
    .replace(EMAIL, REDACTED)
    .replace(ID_CARD, REDACTED)
    .replace(DIGIT_RUN, (match) => (DATE_LIKE.test(match.trim()) ? match : REDACTED));
  // A known phone number written with unusual separators (1 3 9-1234 5678) still has the same digits.
  for (const phone of known.phones ?? []) {
    const digits = phone ? digitsOf(phone) : '';
    if (digits.length < 5) continue;
    // Plain classes only: a Unicode property class costs a fresh compile of large tables per phone number.
    const spaced = digits.split('').join('[\\s\\-.()（）/+]{0,3}');
    out = out.replace(new RegExp(spaced, 'g'), REDACTED);
  }
  return out;
};

/** Coordinates go out rounded: enough for a map of the neighbourhood, not enough to find a door. */
export const roundCoordinate = (value: number | null, decimals: number): number | null => {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};
