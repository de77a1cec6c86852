/**
 * Removes what identifies a person from free text kept after anonymisation: mobile and landline numbers,
 * ID card numbers, e-mail addresses, and the names the requester gave. What the matter was stays readable.
 */
const PATTERNS: readonly [RegExp, string][] = [
  [/(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)/g, '[身份证号]'],
  [/(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)/g, '[手机号]'],
  [/(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)/g, '[电话]'],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[邮箱]'],
];

export const scrubPersonalData = (text: string, names: readonly string[] = []): string => {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  for (const name of names) {
    // Short names (one character) would erase ordinary words; two or more are specific enough.
    if ([...name].length >= 2) out = out.split(name).join('[姓名]');
  }
  return out;
};
