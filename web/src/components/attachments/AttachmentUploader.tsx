import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { ACCEPT_ATTRIBUTE, uploadAttachment, type AttachmentTarget } from '../../api/attachments';
import { useI18n } from '../../i18n/context';
import { formatBytes, MAX_FILE_MB, precheckKey, uploadErrorKey } from './attachment-format';
import './attachments.css';

export type QueuedFile = {
  key: string;
  file: File;
  /** A data: URL of a small image preview (the app's CSP allows data: images, not blob:). */
  thumbnail: string | null;
  state: 'queued' | 'uploading' | 'done' | 'failed';
  percent: number;
  error: string | null;
};

let seq = 0;

const readThumbnail = (file: File): Promise<string | null> =>
  new Promise((resolve) => {
    if (!/^image\/(jpeg|png)$/.test(file.type)) return resolve(null);
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : null);
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(file);
  });

/** Files chosen but not yet sent, their progress and errors; `uploadAll` sends the queued ones one by one. */
export function useUploadQueue(maxFiles: number) {
  const { t } = useI18n();
  const [items, setItems] = useState<QueuedFile[]>([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const patch = useCallback((key: string, change: Partial<QueuedFile>) => {
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));
  }, []);

  const add = useCallback(
    (files: FileList | File[]) => {
      const room = Math.max(0, maxFiles - itemsRef.current.filter((i) => i.state !== 'failed').length);
      const incoming = Array.from(files);
      const added: QueuedFile[] = incoming.map((file, index) => {
        const refused = index >= room ? { key: 'attachments.error.count' as const } : precheckKey(file);
        seq += 1;
        return { key: `f${seq}`, file, thumbnail: null, state: refused ? 'failed' : 'queued', percent: 0, error: refused ? t(refused.key, refused.vars) : null };
      });
      setItems((list) => [...list, ...added]);
      for (const item of added) {
        if (item.state === 'queued') void readThumbnail(item.file).then((thumbnail) => thumbnail && patch(item.key, { thumbnail }));
      }
    },
    [maxFiles, patch, t],
  );

  const remove = useCallback((key: string) => setItems((list) => list.filter((i) => i.key !== key)), []);
  const clear = useCallback(() => setItems([]), []);
  /** Drops the files that arrived (a panel lists them from the server then); failed ones stay with their error. */
  const clearDone = useCallback(() => setItems((list) => list.filter((i) => i.state !== 'done')), []);

  const uploadAll = useCallback(
    async (target: AttachmentTarget, options: { isPublic?: boolean } = {}): Promise<{ done: number; total: number }> => {
      const queued = itemsRef.current.filter((i) => i.state === 'queued' || i.state === 'failed').filter((i) => !precheckKey(i.file));
      let done = 0;
      for (const item of queued) {
        patch(item.key, { state: 'uploading', percent: 0, error: null });
        try {
          await uploadAttachment(target, item.file, { isPublic: options.isPublic, onProgress: (percent) => patch(item.key, { percent }) });
          patch(item.key, { state: 'done', percent: 100 });
          done += 1;
        } catch (err) {
          const { key, vars } = uploadErrorKey(err);
          patch(item.key, { state: 'failed', error: t(key, vars) });
        }
      }
      return { done, total: queued.length };
    },
    [patch, t],
  );

  return { items, add, remove, clear, clearDone, uploadAll };
}

/**
 * Choose files with a real button (keyboard and screen readers) or drop them on the zone. The list shows a
 * thumbnail for photos, the size, progress while sending, and a clear error per file in the reader's language.
 */
export function AttachmentUploader({
  queue,
  maxFiles,
  disabled = false,
  testId = 'attachments',
}: {
  queue: ReturnType<typeof useUploadQueue>;
  maxFiles: number;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [isOver, setIsOver] = useState(false);

  useEffect(() => {
    if (disabled) setIsOver(false);
  }, [disabled]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setIsOver(false);
    if (!disabled && e.dataTransfer.files.length > 0) queue.add(e.dataTransfer.files);
  };

  return (
    <div className="attachments-uploader" data-testid={testId}>
      <p className="hint" id={`${id}-hint`}>
        {t('attachments.hint', { size: MAX_FILE_MB, count: maxFiles })} {t('attachments.privacy')}
      </p>
      <div
        className={`attachments-drop${isOver ? ' is-over' : ''}`}
        role="group"
        aria-label={t('attachments.dropZone')}
        aria-describedby={`${id}-hint`}
        onDragOver={(e) => {
          e.preventDefault();
          if (!disabled) setIsOver(true);
        }}
        onDragLeave={() => setIsOver(false)}
        onDrop={onDrop}
      >
        <button type="button" className="button" disabled={disabled} onClick={() => inputRef.current?.click()} data-testid={`${testId}-choose`}>
          {t('attachments.choose')}
        </button>
        <span className="muted">{t('attachments.dropHere')}</span>
        <input
          ref={inputRef}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          hidden
          style={{ display: 'none' }}
          tabIndex={-1}
          aria-hidden="true"
          data-testid={`${testId}-input`}
          onChange={(e) => {
            if (e.target.files) queue.add(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {queue.items.length > 0 ? (
        <ul className="attachments-list" aria-live="polite" data-testid={`${testId}-list`}>
          {queue.items.map((item) => (
            <li key={item.key} className="attachments-item" data-testid={`${testId}-item`} data-state={item.state}>
              {item.thumbnail ? (
                <img className="attachments-thumb" src={item.thumbnail} alt="" />
              ) : (
                <span className="attachments-thumb" aria-hidden="true">
                  {item.file.name.split('.').pop()?.toUpperCase().slice(0, 4) ?? ''}
                </span>
              )}
              <span className="attachments-name">
                {item.file.name} <span className="muted">({formatBytes(item.file.size)})</span>
              </span>
              {item.state === 'uploading' ? (
                <>
                  <progress max={100} value={item.percent} aria-label={`${item.file.name} ${t('attachments.uploading', { percent: item.percent })}`} />
                  <span>{t('attachments.uploading', { percent: item.percent })}</span>
                </>
              ) : item.state === 'done' ? (
                <span>✓ {t('attachments.uploaded')}</span>
              ) : item.state === 'queued' ? (
                <span className="muted">{t('attachments.queued')}</span>
              ) : null}
              {item.state !== 'uploading' && item.state !== 'done' ? (
                <button type="button" className="button" disabled={disabled} onClick={() => queue.remove(item.key)} aria-label={t('attachments.remove', { name: item.file.name })}>
                  ✕
                </button>
              ) : null}
              {item.error ? (
                <p className="field-error" role="alert">
                  {t('attachments.failed', { reason: item.error })}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
