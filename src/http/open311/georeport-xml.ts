/**
 * GeoReport v2 JSON is a mechanical mapping of its XML (the "Spark convention"): the root element is
 * dropped, a list element becomes an array of its items, and everything else maps one to one. So each
 * answer is built once, as JSON-ready values, and turned into XML here. A tiny serialiser rather than a
 * library: the documents are flat and escaping is the only hard part.
 */
export type SparkValue = string | number | boolean | null | SparkValue[] | { [key: string]: SparkValue };

/** The element name of one item in each list the standard defines. */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  service_request_updates: 'request_update',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
};

// XML 1.0 cannot carry most control characters at all, even escaped: they are dropped (tab and line
// breaks are allowed), as are lone surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export const escapeXml = (text: string): string =>
  text
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

const scalar = (value: string | number | boolean): string => escapeXml(typeof value === 'string' ? value : String(value));

const itemName = (listName: string): string => {
  const name = ITEM_NAMES[listName];
  if (!name) throw new Error(`no item element name for list ${listName}`);
  return name;
};

const render = (name: string, value: SparkValue, depth: number): string => {
  const pad = '  '.repeat(depth);
  if (value === null || value === '') return `${pad}<${name}/>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}<${name}/>`;
    const item = itemName(name);
    return `${pad}<${name}>\n${value.map((v) => render(item, v, depth + 1)).join('\n')}\n${pad}</${name}>`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${pad}<${name}/>`;
    return `${pad}<${name}>\n${entries.map(([k, v]) => render(k, v, depth + 1)).join('\n')}\n${pad}</${name}>`;
  }
  return `${pad}<${name}>${scalar(value)}</${name}>`;
};

/** The XML document for a JSON answer, under the root element the standard names. */
export const sparkToXml = (rootName: string, value: SparkValue): string => {
  const body = Array.isArray(value) && value.length === 0 ? `<${rootName}>\n</${rootName}>` : render(rootName, value, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
};
