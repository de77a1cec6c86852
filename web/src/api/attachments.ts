// File attachments of a case (docs/attachments.md). Uploads send the raw bytes (application/octet-stream) with
// XMLHttpRequest, which reports upload progress; the server decides the type from the content.
import { ApiError, buildUrl, getApiLanguage } from './client';

export type AttachmentMediaType = 'image/jpeg' | 'image/png' | 'application/pdf';

export interface Attachment {
  id: string;
  caseId: string;
  fileName: string;
  mediaType: AttachmentMediaType;
  byteSize: number;
  sha256: string;
  isPublic: boolean;
  uploaderKind: 'user' | 'requester';
  uploadedBy: string | null;
  isReencoded: boolean;
  width: number | null;
  height: number | null;
  createdAt: string;
  canDelete: boolean;
}

/** The server's limits (src/core/attachments/attachment.types.ts), checked here too to fail early. */
export const ATTACHMENT_LIMITS = { maxFileBytes: 10 * 1024 * 1024, maxRequesterFiles: 10, maxCaseFiles: 30 } as const;
export const ACCEPT_ATTRIBUTE = 'image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf';

/** Where a file goes: a staff case (cookie session) or the requester's case (tracking number + access code). */
export type AttachmentTarget =
  | { kind: 'staff'; caseId: string }
  | { kind: 'public'; trackingNo: string; accessCode: string };

const basePath = (target: AttachmentTarget): string =>
  target.kind === 'staff' ? `/cases/${encodeURIComponent(target.caseId)}/attachments` : `/public/cases/${encodeURIComponent(target.trackingNo)}/attachments`;

const headersOf = (target: AttachmentTarget): Record<string, string> => ({
  Accept: 'application/json',
  'Accept-Language': getApiLanguage(),
  ...(target.kind === 'public' ? { 'X-Access-Code': target.accessCode } : {}),
});

const errorOf = (status: number, text: string): ApiError => {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; messageId?: string; details?: Record<string, unknown> } };
    if (body.error?.code) return new ApiError(status, body.error.code, body.error.message ?? '', body.error.messageId, body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, status === 0 ? 'network' : status === 413 ? 'request.too_large' : `http_${status}`, text);
};

/** Uploads one file; `onProgress` gets 0..100. Resolves with the stored attachment. */
export function uploadAttachment(
  target: AttachmentTarget,
  file: File,
  options: { isPublic?: boolean; onProgress?: (percent: number) => void; signal?: AbortSignal } = {},
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query: Record<string, string> = { name: file.name };
    if (target.kind === 'staff' && options.isPublic) query['isPublic'] = 'true';
    xhr.open('POST', buildUrl(`${basePath(target)}`, query));
    for (const [k, v] of Object.entries(headersOf(target))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress?.(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status === 201) resolve(JSON.parse(xhr.responseText) as Attachment);
      else reject(errorOf(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(errorOf(0, 'network error'));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

export async function listAttachments(target: AttachmentTarget): Promise<Attachment[]> {
  const res = await fetch(buildUrl(basePath(target)), { headers: headersOf(target), credentials: 'same-origin' });
  if (!res.ok) throw errorOf(res.status, await res.text());
  return ((await res.json()) as { items: Attachment[] }).items;
}

/** The file's bytes (the server always answers as a download; we fetch them to save or to show a thumbnail). */
export async function fetchAttachment(target: AttachmentTarget, id: string): Promise<Blob> {
  const res = await fetch(buildUrl(`${basePath(target)}/${encodeURIComponent(id)}/content`), { headers: headersOf(target), credentials: 'same-origin' });
  if (!res.ok) throw errorOf(res.status, await res.text());
  return res.blob();
}

export async function deleteAttachment(caseId: string, id: string): Promise<void> {
  const res = await fetch(buildUrl(`/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(id)}`), {
    method: 'DELETE',
    headers: { Accept: 'application/json', 'Accept-Language': getApiLanguage() },
    credentials: 'same-origin',
  });
  if (!res.ok) throw errorOf(res.status, await res.text());
}
