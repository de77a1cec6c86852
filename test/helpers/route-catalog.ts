import type { FastifyInstance } from 'fastify';

/**
 * The routes of the running app, for tests that must cover every route (the access matrix, the fuzz suite).
 *
 * Two sources, because neither is complete on its own:
 * - the router tree (`printRoutes`) lists every route the app answers, including those hidden from the docs
 *   (`/api/v1/openapi.json`, Open311);
 * - the OpenAPI document (`/api/v1/openapi.json`) adds what a request needs: path and query parameters and
 *   the JSON schema of the body.
 * A route added tomorrow appears here without anyone touching the tests.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The part of JSON Schema that zod's OpenAPI output uses. */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export type RouteParameter = { name: string; isRequired: boolean; schema: JsonSchema };

export type CatalogRoute = {
  method: HttpMethod;
  /** Fastify form: `/api/v1/cases/:id/accept`. */
  url: string;
  pathParams: RouteParameter[];
  queryParams: RouteParameter[];
  /** The JSON schema of the body, or null when the route documents none. */
  body: JsonSchema | null;
  /** Success statuses the route documents (200, 201, 204); empty when undocumented. */
  successStatuses: number[];
  /** Listed in the OpenAPI document. */
  isDocumented: boolean;
  summary: string | null;
  tags: string[];
};

export const routeKey = (route: { method: string; url: string }): string => `${route.method} ${route.url}`;

type OpenApiParameter = { in: string; name: string; required?: boolean; schema?: JsonSchema };
type OpenApiOperation = {
  summary?: string;
  tags?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
};
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };

const isHttpMethod = (value: string): value is HttpMethod => (HTTP_METHODS as readonly string[]).includes(value);

/**
 * Parses Fastify's `printRoutes({ commonPrefix: false })` tree: each line is a path segment under its parent
 * (indentation of four characters per level), with the methods it answers in parentheses. HEAD routes are
 * Fastify's automatic twins of GET routes and are left out.
 */
export const parseRouteTree = (text: string): { method: HttpMethod; url: string }[] => {
  const routes: { method: HttpMethod; url: string }[] = [];
  const stack: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*)$/u.exec(line);
    if (!match) continue;
    const depth = [...(match[1] ?? '')].length / 4;
    const rest = match[2] ?? '';
    const withMethods = /^(.*) \(([A-Z, ]+)\)$/u.exec(rest);
    const segment = withMethods ? (withMethods[1] ?? '') : rest;
    stack.length = depth;
    const url = `${stack[depth - 1] ?? ''}${segment}`;
    stack[depth] = url;
    for (const method of (withMethods?.[2] ?? '').split(',').map((m) => m.trim())) {
      if (isHttpMethod(method)) routes.push({ method, url });
    }
  }
  return routes;
};

/** `/cases/{id}/sla` (OpenAPI) ↔ `/cases/:id/sla` (Fastify). */
export const toFastifyPath = (openApiPath: string): string => openApiPath.replace(/\{([^}]+)\}/gu, ':$1');

export const pathParamNames = (url: string): string[] => [...url.matchAll(/:([A-Za-z0-9_]+)/gu)].map((m) => m[1] ?? '');

/** Fills `:name` segments; values are percent-encoded unless `isRaw`. */
export const fillPath = (url: string, params: Record<string, string>, options: { isRaw?: boolean } = {}): string =>
  url.replace(/:([A-Za-z0-9_]+)/gu, (_all, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${url}`);
    return options.isRaw ? value : encodeURIComponent(value);
  });

export const fetchOpenApi = async (app: FastifyInstance): Promise<OpenApiDocument> => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.statusCode}`);
  return res.json() as OpenApiDocument;
};

/** Every route of the app, documented ones with their parameters and body schema. */
export const loadRouteCatalog = async (app: FastifyInstance): Promise<CatalogRoute[]> => {
  const doc = await fetchOpenApi(app);
  const documented = new Map<string, CatalogRoute>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [lower, op] of Object.entries(operations)) {
      const method = lower.toUpperCase();
      if (!isHttpMethod(method)) continue;
      const url = toFastifyPath(path);
      const parameters = op.parameters ?? [];
      const param = (p: OpenApiParameter): RouteParameter => ({ name: p.name, isRequired: p.required === true, schema: p.schema ?? {} });
      const route: CatalogRoute = {
        method,
        url,
        pathParams: parameters.filter((p) => p.in === 'path').map(param),
        queryParams: parameters.filter((p) => p.in === 'query').map(param),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        successStatuses: Object.keys(op.responses ?? {})
          .map(Number)
          .filter((s) => s >= 200 && s < 300),
        isDocumented: true,
        summary: op.summary ?? null,
        tags: op.tags ?? [],
      };
      documented.set(routeKey(route), route);
    }
  }
  const catalog: CatalogRoute[] = [];
  for (const { method, url } of parseRouteTree(app.printRoutes({ commonPrefix: false }))) {
    catalog.push(
      documented.get(routeKey({ method, url })) ?? {
        method,
        url,
        pathParams: pathParamNames(url).map((name) => ({ name, isRequired: true, schema: { type: 'string' } })),
        queryParams: [],
        body: null,
        successStatuses: [],
        isDocumented: false,
        summary: null,
        tags: [],
      },
    );
  }
  // A documented route the router does not list would mean the tree parser is broken.
  const listed = new Set(catalog.map(routeKey));
  const missing = [...documented.keys()].filter((k) => !listed.has(k));
  if (missing.length > 0) throw new Error(`routes in the OpenAPI document but not in the router tree: ${missing.join(', ')}`);
  return catalog.sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
};

/** Where a route belongs: the JSON API (coded errors), Open311 (GeoReport errors) or the health check. */
export const areaOf = (route: { url: string }): 'api' | 'open311' | 'health' | 'other' =>
  route.url.startsWith('/api/') ? 'api' : route.url.startsWith('/open311/') ? 'open311' : route.url === '/healthz' ? 'health' : 'other';

/**
 * The access each route declares (`config.access`), read from a second instance of the app: an `onResponse`
 * hook added before `ready()` records the options of the route that answered one anonymous request per route.
 * Anonymous requests are refused before any handler runs, except on public routes, where a bogus path
 * parameter or a text/plain body is refused by validation; public GET handlers run and only read.
 */
export const collectDeclaredAccess = async (
  unreadyApp: FastifyInstance,
  routes: readonly CatalogRoute[],
): Promise<Map<string, string | null>> => {
  const declared = new Map<string, string | null>();
  unreadyApp.addHook('onResponse', async (request) => {
    const url = request.routeOptions.url;
    if (url) declared.set(routeKey({ method: request.method, url }), request.routeOptions.config.access ?? null);
  });
  await unreadyApp.ready();
  try {
    for (const route of routes) {
      const params = Object.fromEntries(pathParamNames(route.url).map((name) => [name, 'probe']));
      await unreadyApp.inject({
        method: route.method,
        url: fillPath(route.url, params),
        remoteAddress: '10.255.255.1',
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { headers: { 'content-type': 'text/plain' }, payload: 'probe' }),
      });
    }
  } finally {
    await unreadyApp.close();
  }
  return declared;
};
