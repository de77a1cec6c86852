import type { UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { caseOfCallerOrThrow } from './attachment-access.js';
import type { AttachmentLimits, AttachmentMeta, AuditContext } from './attachment.types.js';
import type { AttachmentsDeps } from './attachments.ports.js';

/** The uploader may take a file back within the window (a wrong file); after that, or anyone else's, only an admin. */
export const canDeleteAttachment = (actor: UserActor, meta: AttachmentMeta, now: Date, limits: AttachmentLimits): boolean =>
  actor.roles.includes('admin') ||
  (meta.uploaderKind === 'user' && meta.uploadedBy === actor.userId && now.getTime() - meta.createdAt.getTime() <= limits.deleteWindowMs);

/** Deletes the bytes (the row stays, marked deleted, with its hash), with a timeline event and an audit entry. */
export const deleteAttachment = async (
  deps: AttachmentsDeps,
  input: { actor: UserActor; caseId: string; attachmentId: string; context: AuditContext },
): Promise<void> => {
  const now = deps.now();
  await deps.transaction(async (store) => {
    const record = await caseOfCallerOrThrow({ kind: 'user', actor: input.actor, caseId: input.caseId }, { byId: store.lockCase, byTrackingNo: store.lockCaseByTrackingNo });
    const meta = await store.findAttachment(record.id, input.attachmentId);
    if (!meta) throw new AppError('resource.not_found', 'no such attachment', { id: input.attachmentId });
    if (!canDeleteAttachment(input.actor, meta, now, deps.limits)) {
      throw new AppError('auth.forbidden', 'only the uploader within 24 hours, or an administrator, may delete this file', { reason: 'attachment.delete_not_allowed' });
    }
    await store.removeAttachment(meta.id, { by: input.actor.userId, at: now });
    await store.appendEvent('case', record.id, {
      actorKind: 'user', actorId: input.actor.userId, code: 'case.attachment_removed', fromStatus: record.status, toStatus: record.status,
      isInternal: !meta.isPublic, at: now, data: { attachmentId: meta.id, fileName: meta.fileName },
    });
    await store.audit({
      at: now, actorId: input.actor.userId, actorName: input.actor.username, ...input.context, action: 'attachment delete', subjectId: meta.id,
      outcome: 'deleted', data: { caseId: record.id, trackingNo: record.trackingNo, sha256: meta.sha256, fileName: meta.fileName },
    });
  });
};
