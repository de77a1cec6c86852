import type { DeviceKind, Session, SessionDevice } from '../api/sessions';
import type { MessageKey, Vars } from '../i18n';
import { useI18n } from '../i18n/context';
import { formatDateTime } from '../lib/format';

type Translate = (key: MessageKey, vars?: Vars) => string;

/**
 * How a person names a device: "Chrome on Windows". A program (curl, a script) has no system worth naming,
 * so it is named alone; what the server could not recognise reads as "unknown" in the reader's language.
 */
export function deviceName(t: Translate, device: SessionDevice): string {
  if (device.kind === 'program' && device.os === null) return device.browser ?? t('sessions.unknownProgram');
  return t('sessions.device', {
    browser: device.browser ?? t('sessions.unknownBrowser'),
    os: device.os ?? t('sessions.unknownSystem'),
  });
}

/** Simple outlines: a kind of device is recognised at a glance, and its name is written next to it anyway. */
function KindIcon({ kind }: { kind: DeviceKind }) {
  const common = {
    width: 28,
    height: 28,
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    strokeWidth: 2,
    strokeLinecap: 'round',
    strokeLinejoin: 'round',
  } as const;
  if (kind === 'mobile')
    return (
      <svg {...common} aria-hidden="true" focusable="false">
        <rect x="7" y="2" width="10" height="20" rx="2" />
        <path d="M11 18h2" />
      </svg>
    );
  if (kind === 'tablet')
    return (
      <svg {...common} aria-hidden="true" focusable="false">
        <rect x="4" y="2" width="16" height="20" rx="2" />
        <path d="M11 18h2" />
      </svg>
    );
  if (kind === 'program')
    return (
      <svg {...common} aria-hidden="true" focusable="false">
        <rect x="2" y="4" width="20" height="16" rx="2" />
        <path d="M6 9l3 3-3 3M12 15h5" />
      </svg>
    );
  return (
    <svg {...common} aria-hidden="true" focusable="false">
      <rect x="2" y="3" width="20" height="13" rx="2" />
      <path d="M8 21h8M12 16v5" />
    </svg>
  );
}

/** The moments of a session, in the order a person reads them. */
const TIMES = [
  ['sessions.signedInAt', 'createdAt'],
  ['sessions.lastSeenAt', 'lastSeenAt'],
  ['sessions.endsAt', 'endsAt'],
] as const satisfies readonly (readonly [MessageKey, keyof Session])[];

function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

/**
 * Signed-in devices, one card each: what it is, where from, since when, and until when if nobody uses it.
 * Shared by one's own page (with a sign-out button per device) and the administrators' view of an account.
 */
export function SessionList({
  sessions,
  rowTestId,
  onEnd,
  busyId,
}: {
  sessions: readonly Session[];
  rowTestId: string;
  /** Omitted where single devices cannot be signed out (the administrators' view). */
  onEnd?: (session: Session) => void;
  /** The device being signed out, whose button waits. */
  busyId?: string | null;
}) {
  const { t } = useI18n();
  return (
    <ul className="plain-list session-list">
      {sessions.map((s) => {
        const name = deviceName(t, s.device);
        const isBusy = busyId === s.id;
        // Several "Sign out" buttons: each names its device. The current one's own words already say which it is.
        const endLabel = s.isCurrent ? undefined : t('sessions.endLabel', { device: name });
        return (
          <li
            key={s.id}
            className={`card session-row${s.isCurrent ? ' current' : ''}`}
            data-testid={rowTestId}
            data-current={s.isCurrent ? 'true' : 'false'}
            data-kind={s.device.kind}
          >
            <div className="session-head">
              <span className="session-kind">
                <KindIcon kind={s.device.kind} />
                {t(`sessions.kind.${s.device.kind}`)}
              </span>
              <h3 className="session-device" data-testid="session-device">
                {name}
              </h3>
              {s.isCurrent ? (
                <span className="badge current-badge" data-testid="session-current">
                  {t('sessions.current')}
                </span>
              ) : null}
            </div>
            <dl className="facts">
              <div>
                <dt>{t('sessions.ip')}</dt>
                <dd lang="en" translate="no" data-testid="session-ip">
                  {s.ip ?? t('sessions.unknownIp')}
                </dd>
              </div>
              {TIMES.map(([key, field]) => (
                <div key={key}>
                  <dt>{t(key)}</dt>
                  <dd>
                    <When iso={s[field]} />
                  </dd>
                </div>
              ))}
            </dl>
            {s.userAgent ? (
              <details className="session-technical">
                <summary>{t('sessions.technical')}</summary>
                <p>
                  {t('sessions.userAgent')}:{' '}
                  <code lang="en" translate="no">
                    {s.userAgent}
                  </code>
                </p>
              </details>
            ) : null}
            {onEnd ? (
              <div className="button-row">
                <button
                  type="button"
                  className={`button large${s.isCurrent ? '' : ' danger'}`}
                  onClick={() => onEnd(s)}
                  disabled={isBusy}
                  aria-busy={isBusy}
                  aria-label={endLabel}
                  data-testid="session-end"
                >
                  {s.isCurrent ? t('sessions.endCurrent') : t('sessions.end')}
                </button>
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
