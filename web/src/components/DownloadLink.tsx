import { useState, type MouseEvent, type ReactNode } from 'react';
import { fetchFile } from '../api/client';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { ErrorBox } from './forms';

/** The file name a download answer gives in its Content-Disposition (RFC 6266, `filename*` first). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  return (plain?.[1] ?? plain?.[2] ?? fallback).trim();
}

/**
 * A link to a file the server makes (an export, a report): still a plain link (keyboard, screen reader, "open in
 * new tab"), but a plain click fetches the file first, so that a refusal (a bad period, too many downloads at
 * once, a server busy with other reports) is said on the page in the reader's language instead of being saved
 * as a file of JSON.
 */
export function DownloadLink(props: { href: string; fallbackName: string; className?: string; testId?: string; children: ReactNode }) {
  const { lang } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const onClick = async (event: MouseEvent<HTMLAnchorElement>) => {
    // A click with a modifier (new tab, new window, save as) is the browser's own business.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (isBusy) return;
    setIsBusy(true);
    setError(null);
    try {
      // A file that needs a recent sign-in (names and numbers in full) asks for it first, as the other steps do.
      const res = await fetchFile(props.href);
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileNameOf(res.headers.get('content-disposition'), props.fallbackName);
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <>
      <a className={props.className} href={props.href} download onClick={(e) => void onClick(e)} aria-busy={isBusy} data-testid={props.testId}>
        {props.children}
      </a>
      <ErrorBox message={error} testId={props.testId ? `${props.testId}-error` : undefined} />
    </>
  );
}
