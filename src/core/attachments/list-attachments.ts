import { caseOfCallerOrThrow, type AttachmentCaller } from './attachment-access.js';
import type { AttachmentMeta } from './attachment.types.js';
import type { AttachmentsDeps } from './attachments.ports.js';

/** Staff in scope see every live attachment; the requester only the public ones (their own, the reply's). */
export const listAttachments = async (deps: AttachmentsDeps, caller: AttachmentCaller): Promise<AttachmentMeta[]> =>
  deps.transaction(async (store) => {
    const record = await caseOfCallerOrThrow(caller, { byId: store.findCase, byTrackingNo: store.findCaseByTrackingNo });
    return store.listAttachments(record.id, { isPublicOnly: caller.kind === 'requester' });
  });
