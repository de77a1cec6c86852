/**
 * Parameters of a GeoReport v2 call, from a form body or a query string. The standard says an empty
 * parameter means the same as an absent one, so empty values are dropped here, once, for every endpoint.
 */
export type Params = {
  /** Plain parameters; a parameter sent several times keeps every value, in order. */
  fields: ReadonlyMap<string, readonly string[]>;
  /** `attribute[CODE]=v` and `attribute[CODE][]=v`: every value given for the code. */
  attributes: ReadonlyMap<string, readonly string[]>;
  /** Codes sent with the `[]` list syntax. */
  listAttributes: ReadonlySet<string>;
};

const ATTRIBUTE = /^attribute\[([^\]]*)\](\[\])?$/;

export const paramsFromEntries = (entries: Iterable<readonly [string, string]>): Params => {
  const fields = new Map<string, string[]>();
  const attributes = new Map<string, string[]>();
  const listAttributes = new Set<string>();
  for (const [rawKey, rawValue] of entries) {
    const value = rawValue.trim();
    const key = rawKey.trim();
    const attribute = ATTRIBUTE.exec(key);
    if (attribute) {
      const code = attribute[1]?.trim() ?? '';
      if (!code) continue;
      if (attribute[2]) listAttributes.add(code);
      if (!value) continue;
      attributes.set(code, [...(attributes.get(code) ?? []), value]);
      continue;
    }
    if (!value) continue;
    fields.set(key, [...(fields.get(key) ?? []), value]);
  }
  return { fields, attributes, listAttributes };
};

export const parseFormBody = (body: string): Params => paramsFromEntries(new URLSearchParams(body));

/** Fastify's query object (a value, or an array for a repeated name) as entries. */
export const paramsFromQuery = (query: unknown): Params => {
  const entries: [string, string][] = [];
  if (query && typeof query === 'object') {
    for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') entries.push([key, v]);
    }
  }
  return paramsFromEntries(entries);
};

/** The first value of a parameter, or undefined when absent or empty. */
export const field = (params: Params, name: string): string | undefined => params.fields.get(name)?.[0];

/** Every value of a comma-delimited parameter that may also be repeated (`status=open,closed`). */
export const listField = (params: Params, name: string): string[] =>
  (params.fields.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
