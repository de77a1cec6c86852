import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey, enforceRateLimit } from '../../core/open311/authenticate-api-key.js';
import { field, parseFormBody, paramsFromQuery, type Params } from '../../core/open311/form-params.js';
import { badRequest, echoable, GeoReportError, notFound } from '../../core/open311/georeport-error.js';
import type { Open311Deps } from '../../core/open311/open311.ports.js';
import type { ApiKeyRecord, Format } from '../../core/open311/open311.types.js';
import { parseRequestQuery, parseUpdatesQuery } from '../../core/open311/request-query.js';
import { submitServiceRequest } from '../../core/open311/submit-request.js';
import { formatW3 } from '../../core/open311/w3-datetime.js';
import { createOpen311Deps } from '../../db/open311-deps.js';
import {
  findRequestByToken,
  findServiceByCode,
  findVisibleRequests,
  lastServiceChange,
  listAttributeDefinitions,
  listServices,
  searchVisibleRequests,
  searchVisibleUpdates,
} from '../../db/open311.repository.js';
import type { AppDeps } from '../context.js';
import { languageOf } from '../language.js';
import {
  noticeOf,
  requestView,
  serviceDefinitionView,
  serviceView,
  SPECIFICATION_URL,
  updateView,
} from '../open311/georeport-views.js';
import { sparkToXml, type SparkValue } from '../open311/georeport-xml.js';

const FORMATS: readonly Format[] = ['json', 'xml'];

/** A form body, tagged so that a JSON body (parsed by the app's parser) can be told apart and refused. */
type FormBody = { kind: 'form'; params: Params };
const isFormBody = (body: unknown): body is FormBody => typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'form';

/** `123.json` → the id and the format; anything else is no resource of ours. */
const splitResource = (file: string): { id: string; format: Format } | null => {
  const dot = file.lastIndexOf('.');
  const format = file.slice(dot + 1) as Format;
  const id = file.slice(0, dot);
  return dot > 0 && FORMATS.includes(format) && id ? { id, format } : null;
};

/** XML is the standard's required format, so an answer without a recognisable suffix is XML. */
export const formatOfUrl = (url: string): Format => (url.split('?')[0]?.endsWith('.json') ? 'json' : 'xml');

export const sendGeoReport = (reply: FastifyReply, format: Format, root: string, value: SparkValue): FastifyReply =>
  format === 'json'
    ? reply.type('application/json; charset=utf-8').send(JSON.stringify(value))
    : reply.type('text/xml; charset=utf-8').send(sparkToXml(root, value));

export const sendGeoReportError = (reply: FastifyReply, error: GeoReportError, format: Format): FastifyReply => {
  reply.status(error.status).header('bihuan-open311-error', [...new Set(error.issues.map((i) => i.reason))].join(', '));
  if (error.retryAfter !== null) reply.header('retry-after', String(error.retryAfter));
  return sendGeoReport(reply, format, 'errors', error.issues.map((i) => ({ code: error.status, description: i.description })));
};

/** Anything thrown becomes a GeoReport error; the standard answers every failure that is not 403/404 with 400. */
export const toGeoReportError = (error: unknown, request: FastifyRequest): GeoReportError => {
  if (error instanceof GeoReportError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return badRequest('media_type_unsupported', 'send POST requests as application/x-www-form-urlencoded');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return badRequest('field_invalid', 'the request body is too large');
    default:
      break;
  }
  if (fastifyError.statusCode === 400 || (error instanceof SyntaxError && 'body' in error)) return badRequest('general', 'malformed request');
  if (fastifyError.statusCode === 404) return notFound('resource_not_found', 'no such resource');
  request.log.error({ err: error }, 'open311: unhandled error');
  return badRequest('general', 'general service error: the request could not be processed, please try again later');
};

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) with FixMyStreet's servicerequestupdates and
 * the common page/page_size extension, at /open311/v2. Everything here is public except POST requests,
 * which needs an api_key; a key given to a GET also shows that partner's own non-public requests.
 */
export const registerOpen311Routes = (app: FastifyInstance, deps: AppDeps): void => {
  const open311: Open311Deps = createOpen311Deps(deps.db, deps.now);
  // Scoped to this plugin: the rest of the app stays JSON-only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
    done(null, { kind: 'form', params: parseFormBody(String(body)) } satisfies FormBody);
  });
  app.setErrorHandler((error, request, reply) => sendGeoReportError(reply, toGeoReportError(error, request), formatOfUrl(request.url)));
  app.setNotFoundHandler((request, reply) =>
    sendGeoReportError(reply, notFound('resource_not_found', `no Open311 resource at ${request.method} ${request.url.split('?')[0] ?? ''}; resources end in .json or .xml`), formatOfUrl(request.url)),
  );

  // The reads are open data, so every web page may fetch them. Posting needs a key, which never belongs in a
  // browser, so no preflight is answered and POST stays same-origin.
  app.addHook('onSend', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') reply.header('access-control-allow-origin', '*');
  });

  const hidden = { schema: { hide: true } } as const;

  /** An api_key is optional on reads; when given it must be valid, and it is counted like any other call. */
  const keyOf = async (request: FastifyRequest, params: Params, isRequired: boolean): Promise<ApiKeyRecord | null> => {
    const raw = field(params, 'api_key');
    if (!raw && !isRequired) return null;
    const key = await authenticateApiKey(open311.keys, raw);
    await enforceRateLimit(open311.keys, key, deps.now());
    return key;
  };

  for (const format of FORMATS) {
    app.get(`/discovery.${format}`, hidden, async (request, reply) => {
      const changed = await lastServiceChange(deps.db);
      const changeset = formatW3(changed ?? new Date(0));
      return sendGeoReport(reply, format, 'discovery', {
        changeset,
        contact: 'Bihuan 12345 public service hotline platform. Questions about this API go to the operators of this deployment.',
        key_service: 'API keys are issued by the administrators of this deployment; ask them for one, naming the services you will post.',
        endpoints: [
          {
            specification: SPECIFICATION_URL,
            url: `${request.protocol}://${request.host}/open311/v2`,
            changeset,
            type: 'production',
            formats: ['text/xml', 'application/json'],
          },
        ],
      });
    });

    app.get(`/services.${format}`, hidden, async (request, reply) => {
      await keyOf(request, paramsFromQuery(request.query), false);
      const language = languageOf(request);
      const services = (await listServices(deps.db)).filter((s) => s.isListed);
      return sendGeoReport(reply, format, 'services', services.map((s) => serviceView(s, language)));
    });

    app.post(`/requests.${format}`, hidden, async (request, reply) => {
      const query = paramsFromQuery(request.query);
      if (request.body !== undefined && request.body !== null && !isFormBody(request.body)) {
        throw badRequest('media_type_unsupported', 'send POST requests as application/x-www-form-urlencoded');
      }
      const params = isFormBody(request.body) ? request.body.params : paramsFromQuery({});
      // Only the key (and the ignored jurisdiction) may come in the query string: personal data in a URL
      // would end up in access logs.
      const rawKey = field(params, 'api_key') ?? field(query, 'api_key');
      const key = await authenticateApiKey(open311.keys, rawKey);
      await enforceRateLimit(open311.keys, key, deps.now());
      const idempotencyHeader = request.headers['idempotency-key'];
      const idempotencyKey = typeof idempotencyHeader === 'string' ? idempotencyHeader.trim() : null;
      const language = languageOf(request);
      const result = await submitServiceRequest(open311, { key, params, idempotencyKey, language });
      const notice = noticeOf(result.serviceNotice, result.replyDays, language);
      const accountId = result.accountId;
      const item: SparkValue =
        result.type === 'realtime'
          ? { service_request_id: result.serviceRequestId, service_notice: notice, account_id: accountId }
          : result.type === 'batch'
            ? { token: result.token, service_notice: notice, account_id: accountId }
            : { service_notice: notice, account_id: accountId };
      if (result.isRepeat) reply.header('idempotent-replayed', 'true');
      return sendGeoReport(reply, format, 'service_requests', [item]);
    });

    app.get(`/requests.${format}`, hidden, async (request, reply) => {
      const params = paramsFromQuery(request.query);
      const key = await keyOf(request, params, false);
      const language = languageOf(request);
      const query = parseRequestQuery(params, deps.now());
      const apiKeyId = key?.id ?? null;
      if (query.kind === 'ids') {
        const rows = await findVisibleRequests(deps.db, { ids: query.ids, apiKeyId });
        return sendGeoReport(reply, format, 'service_requests', rows.map((r) => requestView(r, language)));
      }
      for (const code of query.serviceCodes) {
        if (!(await findServiceByCode(deps.db, code))) throw badRequest('service_code_not_found', `service_code ${echoable(code)} was not found`);
      }
      const rows = await searchVisibleRequests(deps.db, { ...query, apiKeyId });
      return sendGeoReport(reply, format, 'service_requests', rows.map((r) => requestView(r, language)));
    });

    app.get(`/servicerequestupdates.${format}`, hidden, async (request, reply) => {
      const params = paramsFromQuery(request.query);
      const key = await keyOf(request, params, false);
      const language = languageOf(request);
      const query = parseUpdatesQuery(params, deps.now());
      const rows = await searchVisibleUpdates(deps.db, { ...query, apiKeyId: key?.id ?? null });
      const updates = rows.map((r) => updateView(r, language)).filter((u): u is SparkValue => u !== null);
      return sendGeoReport(reply, format, 'service_request_updates', updates);
    });
  }

  app.get<{ Params: { file: string } }>('/services/:file', hidden, async (request, reply) => {
    const resource = splitResource(request.params.file);
    if (!resource) throw notFound('format_unsupported', 'a service definition is services/{service_code}.json or .xml');
    await keyOf(request, paramsFromQuery(request.query), false);
    const service = await findServiceByCode(deps.db, resource.id);
    if (!service || !service.isListed) {
      return sendGeoReportError(reply, notFound('service_code_not_found', `service_code ${echoable(resource.id)} was not found`), resource.format);
    }
    const attributes = await listAttributeDefinitions(deps.db, service.categoryId);
    return sendGeoReport(reply, resource.format, 'service_definition', serviceDefinitionView(service.code, attributes, languageOf(request)));
  });

  app.get<{ Params: { file: string } }>('/requests/:file', hidden, async (request, reply) => {
    const resource = splitResource(request.params.file);
    if (!resource) throw notFound('format_unsupported', 'a service request is requests/{service_request_id}.json or .xml');
    const key = await keyOf(request, paramsFromQuery(request.query), false);
    const [row] = await findVisibleRequests(deps.db, { ids: [resource.id], apiKeyId: key?.id ?? null });
    // A private or non-public request answers exactly like one that does not exist.
    if (!row) {
      return sendGeoReportError(reply, notFound('request_not_found', `service_request_id ${echoable(resource.id)} was not found`), resource.format);
    }
    return sendGeoReport(reply, resource.format, 'service_requests', [requestView(row, languageOf(request))]);
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', hidden, async (request, reply) => {
    const resource = splitResource(request.params.file);
    if (!resource) throw notFound('format_unsupported', 'a token is tokens/{token}.json or .xml');
    await keyOf(request, paramsFromQuery(request.query), false);
    const found = await findRequestByToken(deps.db, resource.id);
    if (!found) return sendGeoReportError(reply, notFound('token_not_found', `token ${echoable(resource.id)} was not found`), resource.format);
    return sendGeoReport(reply, resource.format, 'service_requests', [{ service_request_id: found.serviceRequestId, token: found.token }]);
  });
};
