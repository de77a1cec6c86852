/**
 * Masks for personal data shown in lists and case pages; the full value needs an explicit, audited reveal.
 * They keep enough to recognise a caller on the phone (138****1234) and no more.
 */
export const maskPhone = (phone: string): string => {
  const all = phone.replace(/\D/g, '');
  // +86 is China's country code: without it the mask shows the familiar mobile prefix.
  const digits = all.length === 13 && all.startsWith('86') ? all.slice(2) : all;
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '*'.repeat(Math.max(digits.length, 3));
};

export const maskIdNumber = (id: string): string => (id.length > 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}` : '*'.repeat(id.length));

export const maskEmail = (email: string): string => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
};

/** Chinese names keep the family name; Tibetan names (no family name) keep their first syllable. */
export const maskName = (name: string): string => {
  if (/[\u0F00-\u0FFF]/.test(name)) {
    const [first = ''] = name.split(/[\u0F0B\u0F0D\s]/);
    return `${first}་***`;
  }
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
};

export type RequesterData = { name: string | null; phone: string | null; idNumber: string | null; email: string | null };

export const maskRequester = (r: RequesterData): RequesterData => ({
  name: r.name === null ? null : maskName(r.name),
  phone: r.phone === null ? null : maskPhone(r.phone),
  idNumber: r.idNumber === null ? null : maskIdNumber(r.idNumber),
  email: r.email === null ? null : maskEmail(r.email),
});
