/**
 * Contact addresses for the requester's messages. The masked forms are what the delivery log keeps once a
 * message is finished; the full address is erased with it.
 */

/** Digits, with a leading + kept: `+86 138-0000-0001` → `+8613800000001`. */
export const normalisePhone = (phone: string): string => {
  const trimmed = phone.trim();
  return `${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/\D/g, '')}`;
};

const CN_MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;

/**
 * Only mobiles receive SMS: a landline given at intake would make the provider refuse, or worse, charge.
 * Mainland numbers are returned as 11 digits; foreign ones in E.164.
 */
export const smsNumberOf = (phone: string): { national: string; e164: string } | null => {
  const p = normalisePhone(phone);
  const cn = CN_MOBILE.exec(p);
  if (cn?.[1]) return { national: cn[1], e164: `+86${cn[1]}` };
  if (p.startsWith('+') && !p.startsWith('+86') && /^\+\d{8,15}$/.test(p)) return { national: p, e164: p };
  return null;
};

export const maskPhoneNumber = (phone: string): string => {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '***';
};

export const maskEmailAddress = (email: string): string => {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email.slice(0, 1)}***${email.slice(at)}` : '***';
};

export const isEmailAddress = (value: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
