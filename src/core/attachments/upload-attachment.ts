import { createHash } from 'node:crypto';
import { caseWorkflow } from '../case/case-workflow.js';
import { AppError } from '../shared/app-error.js';
import { actorFields, caseOfCallerOrThrow, type AttachmentCaller } from './attachment-access.js';
import type { AttachmentMeta, AuditContext } from './attachment.types.js';
import type { AttachmentsDeps } from './attachments.ports.js';
import { sanitiseFileName } from './file-name.js';
import { sniffMediaType } from './sniff-media-type.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export type UploadInput = {
  caller: AttachmentCaller;
  fileName: string | undefined;
  bytes: Uint8Array;
  /** Staff choose (a file for the public reply is public); the requester's own files are always public to them. */
  isPublic: boolean;
  context: AuditContext;
};

/**
 * Checks an upload by its content and stores it with the case: size, sniffed type, image re-encoding (before
 * any transaction: it is CPU work), then, in one transaction with the case locked, the case limits, the row,
 * the timeline event and the audit entry. A refusal at any step stores nothing.
 */
export const uploadAttachment = async (deps: AttachmentsDeps, input: UploadInput): Promise<AttachmentMeta> => {
  const { limits } = deps;
  if (input.bytes.length === 0) throw new AppError('validation.failed', 'the file is empty', { issues: [{ path: 'body', message: 'empty file' }] });
  if (input.bytes.length > limits.maxFileBytes) {
    throw new AppError('request.too_large', 'the file is too large', { reason: 'attachment.file_too_large', maxBytes: limits.maxFileBytes, bytes: input.bytes.length });
  }
  const sniffed = sniffMediaType(input.bytes);
  if (!sniffed.isAccepted) {
    throw new AppError('request.unsupported_media_type', 'only JPEG and PNG photos and PDF documents are accepted', {
      reason: 'attachment.type_not_allowed', detected: sniffed.detected, accepted: ['image/jpeg', 'image/png', 'application/pdf'],
    });
  }
  const { mediaType } = sniffed;
  // Scope and the requester's code are checked before the CPU work (and again under the lock below), so a
  // caller who may not add to the case cannot make us decode images.
  await deps.transaction((store) => caseOfCallerOrThrow(input.caller, { byId: store.findCase, byTrackingNo: store.findCaseByTrackingNo }));
  if (mediaType === 'application/pdf' && !/%%EOF\s*$/.test(new TextDecoder('latin1').decode(input.bytes.subarray(-1024)))) {
    throw new AppError('validation.failed', 'the PDF is incomplete', { issues: [{ path: 'body', message: 'no %%EOF at the end' }], reason: 'attachment.pdf_invalid' });
  }
  const image = mediaType === 'application/pdf' ? null : await deps.reencode(input.bytes, mediaType, limits.maxImagePixels);
  const content = image ? image.content : input.bytes;
  const now = deps.now();

  return deps.transaction(async (store) => {
    const record = await caseOfCallerOrThrow(input.caller, { byId: store.lockCase, byTrackingNo: store.lockCaseByTrackingNo });
    const isRequester = input.caller.kind === 'requester';
    if (isRequester && caseWorkflow.terminal.includes(record.status)) {
      throw new AppError('case.information_not_allowed', 'files can no longer be added to this case', { status: record.status, reason: 'attachment.case_closed' });
    }
    const totals = await store.caseTotals(record.id);
    if (totals.files >= limits.maxCaseFiles || (isRequester && totals.requesterFiles >= limits.maxRequesterFiles)) {
      throw new AppError('request.too_large', 'this case has as many files as it may have', {
        reason: 'attachment.count_limit', maxFiles: isRequester ? limits.maxRequesterFiles : limits.maxCaseFiles,
      });
    }
    if (totals.bytes + content.length > limits.maxCaseBytes) {
      throw new AppError('request.too_large', 'the files of this case would be too large together', {
        reason: 'attachment.case_size_limit', maxCaseBytes: limits.maxCaseBytes, usedBytes: totals.bytes,
      });
    }
    const who = actorFields(input.caller);
    const meta = await store.insertAttachment({
      caseId: record.id,
      // A requester names files after themselves ("格桑旺堆工资条.pdf"): on a protected case the name would reach the
      // handling units on the list, the timeline and the download, so it is not kept (identity-protection.ts).
      fileName: sanitiseFileName(isRequester && record.isIdentityProtected ? undefined : input.fileName, mediaType),
      mediaType,
      byteSize: content.length,
      sha256: sha256(content),
      originalSha256: sha256(input.bytes),
      isPublic: isRequester || input.isPublic,
      uploaderKind: input.caller.kind,
      uploadedBy: who.actorId,
      isReencoded: image !== null,
      width: image?.width ?? null,
      height: image?.height ?? null,
      content,
      at: now,
    });
    await store.appendEvent('case', record.id, {
      actorKind: input.caller.kind, actorId: who.actorId, code: 'case.attachment_added', fromStatus: record.status, toStatus: record.status,
      isInternal: !meta.isPublic, at: now,
      data: { attachmentId: meta.id, fileName: meta.fileName, mediaType: meta.mediaType, byteSize: meta.byteSize, isPublic: meta.isPublic },
    });
    await store.audit({
      at: now, ...who, ...input.context, action: 'attachment upload', subjectId: meta.id, outcome: 'stored',
      data: { caseId: record.id, trackingNo: record.trackingNo, mediaType, byteSize: meta.byteSize, sha256: meta.sha256, originalSha256: sha256(input.bytes), isReencoded: meta.isReencoded },
    });
    return meta;
  });
};
