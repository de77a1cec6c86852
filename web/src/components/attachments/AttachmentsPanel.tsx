import { useCallback, useEffect, useMemo, useState } from 'react';
import { ATTACHMENT_LIMITS, deleteAttachment, fetchAttachment, listAttachments, type Attachment, type AttachmentTarget } from '../../api/attachments';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../lib/errors';
import { ErrorBox } from '../forms';
import { formatBytes } from './attachment-format';
import { AttachmentUploader, useUploadQueue } from './AttachmentUploader';
import './attachments.css';

const toDataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });

/** Saves a file the server sent as a download, under its stored (sanitised) name. */
async function saveFile(target: AttachmentTarget, a: Attachment): Promise<void> {
  const blob = await fetchAttachment(target, a.id);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = a.fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Thumbnail({ target, attachment }: { target: AttachmentTarget; attachment: Attachment }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let isLive = true;
    if (attachment.mediaType !== 'application/pdf' && attachment.byteSize <= 3 * 1024 * 1024) {
      void fetchAttachment(target, attachment.id)
        .then(toDataUrl)
        .then((url) => isLive && setSrc(url))
        .catch(() => undefined);
    }
    return () => {
      isLive = false;
    };
  }, [target, attachment.id, attachment.mediaType, attachment.byteSize]);
  return src ? (
    <img className="attachments-thumb" src={src} alt="" />
  ) : (
    <span className="attachments-thumb" aria-hidden="true">
      {attachment.mediaType === 'application/pdf' ? 'PDF' : 'IMG'}
    </span>
  );
}

/**
 * The files of a case: list with thumbnails, download, delete (the uploader within 24 hours, or an admin),
 * and upload, optionally public (shown to the requester with the reply). Staff page: `<AttachmentsPanel caseId={id} />`;
 * the requester's tracking page: `<AttachmentsPanel target={{ kind: 'public', trackingNo, accessCode }} />`.
 */
export function AttachmentsPanel({ caseId, target: givenTarget, canUpload = true, onChanged }: {
  caseId?: string;
  target?: AttachmentTarget;
  canUpload?: boolean;
  /** Called after an upload or delete, e.g. to reload the timeline. */
  onChanged?: () => void;
}) {
  const { t, lang } = useI18n();
  // Built from primitives, so a parent's new object with the same values does not refetch the list.
  const staffCaseId = givenTarget?.kind === 'staff' ? givenTarget.caseId : caseId;
  const trackingNo = givenTarget?.kind === 'public' ? givenTarget.trackingNo : undefined;
  const accessCode = givenTarget?.kind === 'public' ? givenTarget.accessCode : undefined;
  const target = useMemo<AttachmentTarget | null>(
    () => (trackingNo && accessCode ? { kind: 'public', trackingNo, accessCode } : staffCaseId ? { kind: 'staff', caseId: staffCaseId } : null),
    [staffCaseId, trackingNo, accessCode],
  );
  const isStaff = target?.kind === 'staff';
  const [items, setItems] = useState<Attachment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [isPublic, setIsPublic] = useState(false);
  const [busy, setBusy] = useState(false);
  const maxFiles = isStaff ? ATTACHMENT_LIMITS.maxCaseFiles : ATTACHMENT_LIMITS.maxRequesterFiles;
  const queue = useUploadQueue(maxFiles);

  const reload = useCallback(async () => {
    if (!target) return;
    try {
      setItems(await listAttachments(target));
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  }, [target, lang]);

  useEffect(() => {
    void reload();
  }, [reload]);

  if (!target) return null;

  const onUpload = async () => {
    setBusy(true);
    try {
      const { done } = await queue.uploadAll(target, { isPublic });
      queue.clearDone();
      if (done > 0) {
        await reload();
        onChanged?.();
      }
    } finally {
      setBusy(false);
    }
  };

  const onDelete = async (a: Attachment) => {
    if (!window.confirm(t('attachments.confirmDelete', { name: a.fileName }))) return;
    try {
      await deleteAttachment(a.caseId, a.id);
      await reload();
      onChanged?.();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const hasQueued = queue.items.some((i) => i.state === 'queued');

  return (
    <section className="card attachments-panel" aria-labelledby="attachments-title" data-testid="attachments-panel">
      <h2 id="attachments-title">{t('attachments.title')}</h2>
      <ErrorBox message={error} testId="attachments-error" />
      {items.length === 0 ? (
        <p className="muted">{t('attachments.empty')}</p>
      ) : (
        <ul className="attachments-list" data-testid="attachments-items">
          {items.map((a) => (
            <li key={a.id} className="attachments-item" data-testid="attachments-stored">
              <Thumbnail target={target} attachment={a} />
              <span className="attachments-name">
                {a.fileName} <span className="muted">({formatBytes(a.byteSize)})</span>{' '}
                {isStaff ? (
                  <span className="badge">{a.isPublic ? t('attachments.public') : t('attachments.internal')}</span>
                ) : null}{' '}
                {a.uploaderKind === 'requester' ? <span className="badge">{t('attachments.fromRequester')}</span> : null}
              </span>
              <button type="button" className="button" onClick={() => void saveFile(target, a).catch((err: unknown) => setError(errorMessage(err, lang)))}>
                {t('attachments.download')}
                <span className="visually-hidden"> {a.fileName}</span>
              </button>
              {isStaff && a.canDelete ? (
                <button type="button" className="button" onClick={() => void onDelete(a)} data-testid="attachments-delete">
                  {t('attachments.delete')}
                  <span className="visually-hidden"> {a.fileName}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canUpload ? (
        <>
          <AttachmentUploader queue={queue} maxFiles={maxFiles} disabled={busy} testId="attachments-upload" />
          {isStaff ? (
            <label className="checkbox">
              <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} data-testid="attachments-public" /> {t('attachments.makePublic')}
            </label>
          ) : null}
          <div className="button-row">
            <button type="button" className="button primary" disabled={busy || !hasQueued} onClick={() => void onUpload()} data-testid="attachments-send">
              {t('attachments.upload')}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
