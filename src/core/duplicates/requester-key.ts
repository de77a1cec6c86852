import { createHash } from 'node:crypto';

/**
 * Keys that say "the same requester" without copying personal data into the search table: a hash of the
 * normalised phone number or ID number. Each intake creates its own requester row, so the same person
 * shows up as equal keys, not as one row.
 */
export type RequesterIdentity = { phone?: string | null; idNumber?: string | null };

export type RequesterKeyKind = 'phone' | 'id_number';

const hashed = (kind: string, value: string): string => `${kind}:${createHash('sha256').update(`bihuan-requester:${kind}:${value}`).digest('hex').slice(0, 32)}`;

/** Digits only; +86 and 86 before a mobile number dropped, so that every way of writing it agrees. */
export const normalisePhone = (phone: string): string | null => {
  let digits = phone.replace(/[^0-9]/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return digits.length >= 5 ? digits : null;
};

export const normaliseIdNumber = (idNumber: string): string | null => {
  const value = idNumber.replace(/\s/g, '').toUpperCase();
  return value.length >= 6 ? value : null;
};

export const requesterKeys = (identity: RequesterIdentity): string[] => {
  const keys: string[] = [];
  const phone = identity.phone ? normalisePhone(identity.phone) : null;
  if (phone) keys.push(hashed('p', phone));
  const id = identity.idNumber ? normaliseIdNumber(identity.idNumber) : null;
  if (id) keys.push(hashed('i', id));
  return keys;
};

export const keyKind = (key: string): RequesterKeyKind => (key.startsWith('i:') ? 'id_number' : 'phone');
