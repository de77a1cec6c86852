/** What an attachment is, who may see it, and the limits every upload is held to. */

/** The only media types we keep, decided from the content (magic bytes), never from a name or a header. */
export const ATTACHMENT_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

export const UPLOADER_KINDS = ['user', 'requester'] as const;
export type UploaderKind = (typeof UPLOADER_KINDS)[number];

export type AttachmentLimits = {
  /** Bytes of one uploaded file (also the route's body limit). */
  maxFileBytes: number;
  /** Bytes of all live attachments of one case together. */
  maxCaseBytes: number;
  /** Live attachments of one case. */
  maxCaseFiles: number;
  /** Live attachments the requester added to one case (the public form is the easier one to abuse). */
  maxRequesterFiles: number;
  /** Decoded image size: a small file can decode to gigabytes (decompression bomb). */
  maxImagePixels: number;
  /** Staff may delete their own upload within this window; admins at any time. */
  deleteWindowMs: number;
};

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxCaseBytes: 60 * 1024 * 1024,
  maxCaseFiles: 30,
  maxRequesterFiles: 10,
  maxImagePixels: 40_000_000,
  deleteWindowMs: 24 * 3600_000,
};

/** An attachment without its bytes (lists, views, timeline data). */
export type AttachmentMeta = {
  id: string;
  caseId: string;
  fileName: string;
  mediaType: AttachmentMediaType;
  byteSize: number;
  sha256: string;
  /** Seen by the requester on the tracking page: their own files and staff files attached to the public reply. */
  isPublic: boolean;
  uploaderKind: UploaderKind;
  uploadedBy: string | null;
  /** Image re-encoded (metadata and anything appended dropped). */
  isReencoded: boolean;
  width: number | null;
  height: number | null;
  createdAt: Date;
};

export type NewAttachment = Omit<AttachmentMeta, 'id' | 'createdAt'> & { content: Uint8Array; originalSha256: string; at: Date };

/** The request context recorded in the audit log. */
export type AuditContext = { ip: string | null; userAgent: string | null };
