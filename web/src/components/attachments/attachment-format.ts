import { ApiError } from '../../api/client';
import type { MessageKey, Vars } from '../../i18n';
import { ATTACHMENT_LIMITS } from '../../api/attachments';

const MB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

export const MAX_FILE_MB = Math.round(ATTACHMENT_LIMITS.maxFileBytes / MB);

/** The message for a refused upload: the server's code and reason, in the reader's language. */
export function uploadErrorKey(err: unknown): { key: MessageKey; vars?: Vars } {
  if (!(err instanceof ApiError)) return { key: 'attachments.error.other' };
  const reason = typeof err.details['reason'] === 'string' ? err.details['reason'] : '';
  if (err.code === 'request.unsupported_media_type') return { key: 'attachments.error.type' };
  if (err.code === 'request.too_large') {
    return reason === 'attachment.count_limit' || reason === 'attachment.case_size_limit'
      ? { key: 'attachments.error.count' }
      : { key: 'attachments.error.size', vars: { size: MAX_FILE_MB } };
  }
  if (reason === 'attachment.image_invalid') return { key: 'attachments.error.image' };
  if (err.code === 'case.access_code_invalid') return { key: 'attachments.error.access' };
  return { key: 'attachments.error.other' };
}

/** A first check in the browser (the server checks the content again): by type hint and size. */
export function precheckKey(file: File): { key: MessageKey; vars?: Vars } | null {
  const isKnownType = /^(image\/(jpeg|png)|application\/pdf)$/.test(file.type) || /\.(jpe?g|png|pdf)$/i.test(file.name);
  if (!isKnownType) return { key: 'attachments.error.type' };
  if (file.size > ATTACHMENT_LIMITS.maxFileBytes) return { key: 'attachments.error.size', vars: { size: MAX_FILE_MB } };
  return null;
}
