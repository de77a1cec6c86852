import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AttachmentCaller } from '../../core/attachments/attachment-access.js';
import { ATTACHMENT_MEDIA_TYPES, DEFAULT_ATTACHMENT_LIMITS, UPLOADER_KINDS, type AttachmentMeta } from '../../core/attachments/attachment.types.js';
import { canDeleteAttachment, deleteAttachment } from '../../core/attachments/delete-attachment.js';
import { downloadAttachment } from '../../core/attachments/download-attachment.js';
import { contentDisposition } from '../../core/attachments/file-name.js';
import { listAttachments } from '../../core/attachments/list-attachments.js';
import { createReencodePool } from '../../core/attachments/reencode-pool.js';
import { uploadAttachment } from '../../core/attachments/upload-attachment.js';
import { AppError } from '../../core/shared/app-error.js';
import { createAttachmentsDeps } from '../../db/attachments.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { requestContextOf } from '../request-context.js';

const attachmentView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  fileName: z.string(),
  mediaType: z.enum(ATTACHMENT_MEDIA_TYPES),
  byteSize: z.number().int(),
  sha256: z.string(),
  isPublic: z.boolean(),
  uploaderKind: z.enum(UPLOADER_KINDS),
  uploadedBy: z.uuid().nullable(),
  isReencoded: z.boolean(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  createdAt: z.string(),
  canDelete: z.boolean(),
});
type AttachmentView = z.infer<typeof attachmentView>;

const toView = (m: AttachmentMeta, canDelete: boolean): AttachmentView => ({ ...m, createdAt: m.createdAt.toISOString(), canDelete });
/** The requester's view: nobody's user id. */
const toPublicView = (m: AttachmentMeta): AttachmentView => ({ ...toView(m, false), uploadedBy: null });

const caseParams = z.object({ id: z.uuid() });
const fileParams = z.object({ id: z.uuid(), attachmentId: z.uuid() });
const trackingParams = z.object({ trackingNo: z.string().trim().min(6).max(40) });
const trackingFileParams = trackingParams.extend({ attachmentId: z.uuid() });
const uploadQuery = z.object({
  name: z.string().max(255).optional(),
  isPublic: z.enum(['true', 'false']).default('false'),
  lang: z.enum(['zh-Hans', 'bo', 'en']).optional(),
});
// The access code travels in a header, so that it is in no URL, browser history or proxy log.
const accessCodeHeaders = z.object({ 'x-access-code': z.string().trim().min(1).max(20) });


/** The raw file body; JSON (the other parser of the API) is the wrong media type here. */
const bytesOf = (body: unknown): Uint8Array => {
  if (!Buffer.isBuffer(body)) throw new AppError('request.unsupported_media_type', 'send the file itself with Content-Type: application/octet-stream');
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
};

/**
 * A stored file is never rendered by the browser as part of our origin: always a download, the sniffed type,
 * no sniffing by the browser, and a sandboxing CSP in case it is opened anyway.
 */
const sendFile = (reply: FastifyReply, meta: AttachmentMeta, content: Uint8Array) =>
  reply
    .header('content-type', meta.mediaType)
    .header('content-disposition', contentDisposition(meta.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .header('x-attachment-sha256', meta.sha256)
    .send(Buffer.from(content.buffer, content.byteOffset, content.byteLength));

export const registerAttachmentsRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const limits = DEFAULT_ATTACHMENT_LIMITS;
  const pool = createReencodePool();
  app.addHook('onClose', async () => pool.close());
  const attachments = createAttachmentsDeps(deps.db, deps.now, limits, pool.reencode);
  // Own scope: raw file bodies are accepted on these routes only (JSON elsewhere). application/octet-stream is
  // not a "simple" cross-site content type, so a hostile page cannot post one without a CORS preflight.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: limits.maxFileBytes }, (_request, body, done) => done(null, body));
    const api = scope.withTypeProvider<ZodTypeProvider>();
    const uploadBodyLimit = limits.maxFileBytes;

    api.get(
      '/cases/:id/attachments',
      {
        config: { access: 'case.read' },
        schema: { tags: ['attachments'], summary: 'Attachments of a case in scope', params: caseParams, response: { 200: z.object({ items: z.array(attachmentView) }) } },
      },
      async (request) => {
        const actor = actorOrThrow(request);
        const items = await listAttachments(attachments, { kind: 'user', actor, caseId: request.params.id });
        const now = deps.now();
        return { items: items.map((m) => toView(m, canDeleteAttachment(actor, m, now, limits))) };
      },
    );

    api.post(
      '/cases/:id/attachments',
      {
        config: { access: 'case.note' },
        bodyLimit: uploadBodyLimit,
        schema: {
          tags: ['attachments'],
          summary: 'Upload a file (body: the raw bytes, Content-Type: application/octet-stream; JPEG, PNG or PDF by content)',
          params: caseParams,
          querystring: uploadQuery,
          response: { 201: attachmentView },
        },
      },
      async (request, reply) => {
        const actor = actorOrThrow(request);
        const meta = await uploadAttachment(attachments, {
          caller: { kind: 'user', actor, caseId: request.params.id },
          fileName: request.query.name,
          bytes: bytesOf(request.body),
          isPublic: request.query.isPublic === 'true',
          context: requestContextOf(request),
        });
        return reply.status(201).send(toView(meta, true));
      },
    );

    api.get(
      '/cases/:id/attachments/:attachmentId/content',
      {
        config: { access: 'case.read' },
        schema: { tags: ['attachments'], summary: 'Download an attachment (always as a download; audited)', params: fileParams },
      },
      async (request, reply) => {
        const caller: AttachmentCaller = { kind: 'user', actor: actorOrThrow(request), caseId: request.params.id };
        const { meta, content } = await downloadAttachment(attachments, { caller, attachmentId: request.params.attachmentId, context: requestContextOf(request) });
        return sendFile(reply, meta, content);
      },
    );

    api.delete(
      '/cases/:id/attachments/:attachmentId',
      {
        config: { access: 'case.note' },
        schema: { tags: ['attachments'], summary: 'Delete an attachment (its uploader within 24 hours, or an admin; audited)', params: fileParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await deleteAttachment(attachments, { actor: actorOrThrow(request), caseId: request.params.id, attachmentId: request.params.attachmentId, context: requestContextOf(request) });
        return reply.status(204).send(null);
      },
    );

    api.post(
      '/public/cases/:trackingNo/attachments',
      {
        config: { access: 'public', rateLimit: 'public_submit' },
        bodyLimit: uploadBodyLimit,
        schema: {
          tags: ['public'],
          summary: 'The requester adds a photo or document to their case (raw bytes; access code in X-Access-Code)',
          params: trackingParams,
          headers: accessCodeHeaders,
          querystring: uploadQuery.omit({ isPublic: true }),
          response: { 201: attachmentView },
        },
      },
      async (request, reply) => {
        const meta = await uploadAttachment(attachments, {
          caller: { kind: 'requester', trackingNo: request.params.trackingNo, accessCode: request.headers['x-access-code'] },
          fileName: request.query.name,
          bytes: bytesOf(request.body),
          isPublic: true,
          context: requestContextOf(request),
        });
        return reply.status(201).send(toPublicView(meta));
      },
    );

    api.get(
      '/public/cases/:trackingNo/attachments',
      {
        config: { access: 'public', rateLimit: 'public_track' },
        schema: {
          tags: ['public'],
          summary: "The requester's view of the case's files: their own and those attached to the public reply",
          params: trackingParams,
          headers: accessCodeHeaders,
          response: { 200: z.object({ items: z.array(attachmentView) }) },
        },
      },
      async (request) => {
        const items = await listAttachments(attachments, { kind: 'requester', trackingNo: request.params.trackingNo, accessCode: request.headers['x-access-code'] });
        return { items: items.map(toPublicView) };
      },
    );

    api.get(
      '/public/cases/:trackingNo/attachments/:attachmentId/content',
      {
        config: { access: 'public', rateLimit: 'public_track' },
        schema: { tags: ['public'], summary: 'The requester downloads one of the public files of their case', params: trackingFileParams, headers: accessCodeHeaders },
      },
      async (request, reply) => {
        const caller: AttachmentCaller = { kind: 'requester', trackingNo: request.params.trackingNo, accessCode: request.headers['x-access-code'] };
        const { meta, content } = await downloadAttachment(attachments, { caller, attachmentId: request.params.attachmentId, context: requestContextOf(request) });
        return sendFile(reply, meta, content);
      },
    );
  });
};
