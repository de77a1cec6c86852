import { caseFileUrl, type HeldCase, type HeldFile, type HeldMessage } from '../../api/privacy';
import { isStatus } from '../../api/types';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { formatDateTime } from '../../lib/format';
import { isFinishedStatus, readableCode } from '../../lib/privacy';
import { hrefFor } from '../../router';
import { formatBytes } from '../attachments/attachment-format';
import { StatusBadge } from '../common';
import { DownloadLink } from '../DownloadLink';

const MEDIA_TYPE_KEYS: Record<string, MessageKey> = {
  'application/pdf': 'privacy.files.type.pdf',
  'image/jpeg': 'privacy.files.type.jpeg',
  'image/png': 'privacy.files.type.png',
};

export function caseHref(caseId: string): string {
  return hrefFor(`/work/cases/${encodeURIComponent(caseId)}`);
}

/** A value as held, or a plain "not held" rather than an empty cell that reads like a mistake. */
function Held({ value, testId }: { value: string | null; testId?: string }) {
  const { t } = useI18n();
  return value ? (
    <dd data-testid={testId} translate="no">
      {value}
    </dd>
  ) : (
    <dd className="muted" data-testid={testId}>
      {t('privacy.notHeld')}
    </dd>
  );
}

function FilesTable({ caseId, files }: { caseId: string; files: HeldFile[] }) {
  const { t } = useI18n();
  if (files.length === 0) return <p className="muted">{t('privacy.files.none')}</p>;
  return (
    <div className="table-wrap">
      <table className="queue-table privacy-table" data-testid="privacy-files">
        <thead>
          <tr>
            <th scope="col">{t('privacy.files.name')}</th>
            <th scope="col">{t('privacy.files.type')}</th>
            <th scope="col">{t('privacy.files.size')}</th>
            <th scope="col">{t('privacy.files.date')}</th>
            <th scope="col">{t('privacy.files.state')}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => {
            const typeKey = MEDIA_TYPE_KEYS[f.mediaType];
            return (
              <tr key={f.id} data-testid="privacy-file">
                <td className="privacy-text">{f.fileName}</td>
                <td>{typeKey ? t(typeKey) : f.mediaType}</td>
                <td className="nowrap">{formatBytes(f.byteSize)}</td>
                <td className="nowrap">{formatDateTime(f.uploadedAt)}</td>
                <td>
                  {f.isDeleted ? (
                    <span className="badge" data-testid="privacy-file-deleted">
                      {t('privacy.files.deleted')}
                    </span>
                  ) : (
                    <DownloadLink href={caseFileUrl(caseId, f.id)} fallbackName={f.fileName} className="no-print" testId="privacy-file-download">
                      {t('privacy.files.download')}
                      <span className="visually-hidden"> {f.fileName}</span>
                    </DownloadLink>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function MessagesTable({ messages }: { messages: HeldMessage[] }) {
  const { t, tMaybe } = useI18n();
  if (messages.length === 0) return <p className="muted">{t('privacy.messages.none')}</p>;
  return (
    <>
      <p className="hint">{t('privacy.messages.note')}</p>
      <div className="table-wrap">
        <table className="queue-table privacy-table" data-testid="privacy-messages">
          <thead>
            <tr>
              <th scope="col">{t('privacy.messages.at')}</th>
              <th scope="col">{t('privacy.messages.channel')}</th>
              <th scope="col">{t('privacy.messages.kind')}</th>
              <th scope="col">{t('privacy.messages.recipient')}</th>
              <th scope="col">{t('privacy.messages.language')}</th>
              <th scope="col">{t('privacy.messages.status')}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m, i) => (
              // Messages have no id of their own in the export; their order is the server's and does not change.
              <tr key={`${m.at}-${i}`} data-testid="privacy-message">
                <td className="nowrap">{formatDateTime(m.at)}</td>
                <td>{tMaybe(`privacy.channel.${m.channel}`) ?? readableCode(m.channel)}</td>
                <td>{tMaybe(`privacy.kind.${m.kind}`) ?? readableCode(m.kind)}</td>
                <td className="nowrap" translate="no">
                  {m.recipientMasked}
                </td>
                <td>{tMaybe(`lang.${m.language}`) ?? m.language}</td>
                <td>{tMaybe(`privacy.messageStatus.${m.status}`) ?? readableCode(m.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** One case as held about the person: everything the export holds, in the reader's language. */
export function HeldCaseCard({ held }: { held: HeldCase }) {
  const { t, tMaybe } = useI18n();
  const isOpen = !isFinishedStatus(held.status);
  const titleId = `privacy-case-${held.caseId}`;
  const { callbackAnswer: rating, requester, messagePreferences: prefs } = held;
  const labelOf = (prefix: string, code: string | null): string =>
    code === null ? t('privacy.rating.notAnswered') : (tMaybe(`${prefix}.${code}`) ?? readableCode(code));

  return (
    <article
      className={`card privacy-case${isOpen ? ' open' : ''}`}
      aria-labelledby={titleId}
      data-testid="privacy-case"
      data-tracking-no={held.trackingNo}
      data-open={isOpen}
    >
      <div className="privacy-case-head">
        <h3 id={titleId}>
          <span className="visually-hidden">{t('privacy.case.trackingNo')} </span>
          <a href={caseHref(held.caseId)} lang="en" translate="no" data-testid="privacy-case-link">
            {held.trackingNo}
          </a>
        </h3>
        {isStatus(held.status) ? <StatusBadge status={held.status} /> : <span className="badge">{readableCode(held.status)}</span>}
        {isOpen ? <span className="badge privacy-open">{t('privacy.case.open')}</span> : null}
        {held.isAnonymised ? (
          <span className="badge" data-testid="privacy-case-anonymised">
            {t('privacy.case.anonymised')}
          </span>
        ) : null}
      </div>

      <dl className="facts">
        <div>
          <dt>{t('privacy.case.createdAt')}</dt>
          <dd>{formatDateTime(held.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('privacy.case.closedAt')}</dt>
          <dd>{held.closedAt ? formatDateTime(held.closedAt) : t('privacy.case.notClosed')}</dd>
        </div>
        <div>
          <dt>{t('privacy.consent')}</dt>
          <dd>{tMaybe(`consent.value.${held.publicationConsent}`) ?? readableCode(held.publicationConsent)}</dd>
        </div>
      </dl>

      <dl className="privacy-texts">
        <dt>{t('privacy.case.title')}</dt>
        <dd className="privacy-text" data-testid="privacy-case-title">
          {held.title}
        </dd>
        <dt>{t('privacy.case.description')}</dt>
        <dd className="privacy-text">{held.description}</dd>
        <dt>{t('privacy.case.reply')}</dt>
        {held.reply ? <dd className="privacy-text">{held.reply}</dd> : <dd className="muted">{t('privacy.case.noReply')}</dd>}
      </dl>

      <section aria-labelledby={`${titleId}-identity`}>
        <h4 id={`${titleId}-identity`}>{t('privacy.identity.title')}</h4>
        <dl className="facts">
          <div>
            <dt>{t('privacy.identity.name')}</dt>
            <Held value={requester.name} testId="privacy-name" />
          </div>
          <div>
            <dt>{t('privacy.identity.phone')}</dt>
            <Held value={requester.phone} testId="privacy-phone" />
          </div>
          <div>
            <dt>{t('privacy.identity.idNumber')}</dt>
            <Held value={requester.idNumber} />
          </div>
          <div>
            <dt>{t('privacy.identity.email')}</dt>
            <Held value={requester.email} />
          </div>
          <div>
            <dt>{t('privacy.identity.address')}</dt>
            <Held value={held.address} testId="privacy-address" />
          </div>
          <div>
            <dt>{t('privacy.identity.location')}</dt>
            <Held value={held.location ? `${held.location.lat.toFixed(5)}, ${held.location.lng.toFixed(5)}` : null} />
          </div>
          <div>
            <dt>{t('privacy.identity.language')}</dt>
            <dd>{tMaybe(`lang.${held.language}`) ?? held.language}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby={`${titleId}-rating`}>
        <h4 id={`${titleId}-rating`}>{t('privacy.rating.title')}</h4>
        {rating ? (
          <dl className="facts">
            <div>
              <dt>{t('privacy.rating.resolved')}</dt>
              <dd>{labelOf('resolved', rating.resolved)}</dd>
            </div>
            <div>
              <dt>{t('privacy.rating.satisfaction')}</dt>
              <dd>{labelOf('satisfaction', rating.satisfaction)}</dd>
            </div>
            <div>
              <dt>{t('privacy.rating.comment')}</dt>
              <Held value={rating.comment} />
            </div>
            <div>
              <dt>{t('privacy.rating.at')}</dt>
              <dd>{formatDateTime(rating.at)}</dd>
            </div>
          </dl>
        ) : (
          <p className="muted">{t('privacy.rating.none')}</p>
        )}
      </section>

      <section aria-labelledby={`${titleId}-prefs`}>
        <h4 id={`${titleId}-prefs`}>{t('privacy.prefs.title')}</h4>
        <dl className="facts">
          <div>
            <dt>{t('privacy.prefs.sms')}</dt>
            <dd>{prefs.isSmsOptedOut ? t('privacy.prefs.no') : t('privacy.prefs.yes')}</dd>
          </div>
          <div>
            <dt>{t('privacy.prefs.email')}</dt>
            <dd>{prefs.isEmailOptedOut ? t('privacy.prefs.no') : t('privacy.prefs.yes')}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby={`${titleId}-files`}>
        <h4 id={`${titleId}-files`}>{t('privacy.files.title')}</h4>
        <FilesTable caseId={held.caseId} files={held.files} />
      </section>

      <section aria-labelledby={`${titleId}-messages`}>
        <h4 id={`${titleId}-messages`}>{t('privacy.messages.title')}</h4>
        <MessagesTable messages={held.messages} />
      </section>
    </article>
  );
}
