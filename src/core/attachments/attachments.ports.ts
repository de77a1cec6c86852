import type { NewEvent } from '../case/case.ports.js';
import type { CaseRecord } from '../case/case.record.js';
import type { ReencodedImage } from './reencode-image.js';
import type { AttachmentLimits, AttachmentMeta, NewAttachment } from './attachment.types.js';

export type AttachmentAuditEntry = {
  at: Date;
  actorId: string | null;
  actorName: string | null;
  ip: string | null;
  userAgent: string | null;
  action: 'attachment upload' | 'attachment download' | 'attachment delete';
  subjectId: string;
  outcome: string;
  data: Record<string, unknown>;
};

/** What the attachment use cases need from storage, inside one transaction. */
export type AttachmentStore = {
  findCase: (id: string) => Promise<CaseRecord | null>;
  lockCase: (id: string) => Promise<CaseRecord | null>;
  findCaseByTrackingNo: (trackingNo: string) => Promise<CaseRecord | null>;
  lockCaseByTrackingNo: (trackingNo: string) => Promise<CaseRecord | null>;
  /** Live (not deleted) attachments of a case: how many, how many bytes, how many from the requester. */
  caseTotals: (caseId: string) => Promise<{ files: number; bytes: number; requesterFiles: number }>;
  insertAttachment: (a: NewAttachment) => Promise<AttachmentMeta>;
  listAttachments: (caseId: string, input: { isPublicOnly: boolean }) => Promise<AttachmentMeta[]>;
  findAttachment: (caseId: string, id: string) => Promise<AttachmentMeta | null>;
  readContent: (id: string) => Promise<Uint8Array | null>;
  /** Drops the bytes and marks the row deleted; the row stays for the record (name, hash, who, when). */
  removeAttachment: (id: string, input: { by: string; at: Date }) => Promise<void>;
  appendEvent: (itemKind: string, itemId: string, event: NewEvent) => Promise<void>;
  audit: (entry: AttachmentAuditEntry) => Promise<void>;
};

export type AttachmentsDeps = {
  transaction: <T>(fn: (store: AttachmentStore) => Promise<T>) => Promise<T>;
  now: () => Date;
  limits: AttachmentLimits;
  /** Re-encodes an image (reencode-image.ts), in a worker thread in the server. */
  reencode: (bytes: Uint8Array, mediaType: 'image/jpeg' | 'image/png', maxPixels: number) => Promise<ReencodedImage>;
};
