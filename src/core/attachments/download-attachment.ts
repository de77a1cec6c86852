import { AppError } from '../shared/app-error.js';
import { actorFields, caseOfCallerOrThrow, type AttachmentCaller } from './attachment-access.js';
import type { AttachmentMeta, AuditContext } from './attachment.types.js';
import type { AttachmentsDeps } from './attachments.ports.js';

/** One attachment's bytes, for a caller who may see it; every download is audited. */
export const downloadAttachment = async (
  deps: AttachmentsDeps,
  input: { caller: AttachmentCaller; attachmentId: string; context: AuditContext },
): Promise<{ meta: AttachmentMeta; content: Uint8Array }> =>
  deps.transaction(async (store) => {
    const record = await caseOfCallerOrThrow(input.caller, { byId: store.findCase, byTrackingNo: store.findCaseByTrackingNo });
    const meta = await store.findAttachment(record.id, input.attachmentId);
    const content = meta && (meta.isPublic || input.caller.kind === 'user') ? await store.readContent(meta.id) : null;
    if (!meta || !content) throw new AppError('resource.not_found', 'no such attachment', { id: input.attachmentId });
    await store.audit({
      at: deps.now(), ...actorFields(input.caller), ...input.context, action: 'attachment download', subjectId: meta.id, outcome: 'sent',
      data: { caseId: record.id, trackingNo: record.trackingNo, sha256: meta.sha256 },
    });
    return { meta, content };
  });
