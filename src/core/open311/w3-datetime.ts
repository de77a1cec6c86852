/**
 * Dates of GeoReport v2: the W3C profile of ISO 8601, always with a zone. Bihuan serves Tibet, which keeps
 * China Standard Time (UTC+8, no daylight saving), so every date goes out with +08:00.
 */
const CHINA_OFFSET_MS = 8 * 3600_000;

export const formatW3 = (date: Date): string => `${new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses a W3C date-time with a zone, or a bare date (midnight, China time). A date-time without a zone is
 * refused: it would silently mean different instants to client and server. A `+` sent unencoded in a query
 * string arrives as a space, so ` 08:00` is read as `+08:00`.
 */
export const parseW3 = (raw: string): Date | null => {
  const value = raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const day = DATE_ONLY.exec(value);
  if (day) return checked(value, `${value}T00:00:00+08:00`);
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const zone = m[8] === 'Z' || m[8] === undefined ? 'Z' : m[8].includes(':') ? m[8] : `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`;
  return checked(value, iso);
};

/** Date.parse rolls 2026-02-31 over to March; a date whose fields do not survive the round trip is invalid. */
const checked = (original: string, iso: string): Date | null => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const [y, mo, d] = original.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() + 1 !== mo || probe.getUTCDate() !== d) return null;
  const hours = Number(original.slice(11, 13) || '0');
  const minutes = Number(original.slice(14, 16) || '0');
  const seconds = Number(original.slice(17, 19) || '0');
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  return date;
};
