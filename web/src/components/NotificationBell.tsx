// The staff notification bell in the header (issue 7; docs/notifications.md): the unread count, polled while
// the tab is visible, and a disclosure list of the newest notices, each linking to its case (or, for a sign-in from
// a new device, to the signed-in devices page).
import { useCallback, useEffect, useId, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { isAbortError } from '../api/client';
import { listNotices, markAllNoticesRead, markNoticeRead, NEW_DEVICE_NOTICE_CODE, noticeHref, type StaffNotice } from '../api/notifications';
import { useI18n } from '../i18n/context';
import { formatDateTime } from '../lib/format';

/** How often the count is refreshed while the tab is visible. */
const POLL_MS = 30_000;
const PAGE_SIZE = 20;

// Inline styles: the shared stylesheet belongs to the lead; rem units follow the large-text mode.
const wrapStyle: CSSProperties = { position: 'relative' };
const badgeStyle: CSSProperties = {
  display: 'inline-block',
  minWidth: '1.6em',
  marginLeft: '0.4em',
  padding: '0 0.4em',
  borderRadius: '999px',
  background: '#d9a300',
  color: '#1b1d1f',
  fontWeight: 700,
  textAlign: 'center',
};
const panelStyle: CSSProperties = {
  position: 'absolute',
  right: 0,
  top: 'calc(100% + 0.4rem)',
  zIndex: 50,
  width: 'min(28rem, calc(100vw - 2rem))',
  maxHeight: '70vh',
  overflowY: 'auto',
  background: 'var(--c-card)',
  color: 'var(--c-text)',
  border: '1px solid var(--c-border)',
  borderRadius: 'var(--radius)',
  boxShadow: '0 6px 24px rgba(0, 0, 0, 0.25)',
  padding: '0.75rem',
};
const panelHeadStyle: CSSProperties = { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '0.5rem', justifyContent: 'space-between' };
const listStyle: CSSProperties = { listStyle: 'none', margin: '0.5rem 0 0', padding: 0 };
const itemStyle = (isUnread: boolean): CSSProperties => ({
  display: 'block',
  width: '100%',
  minHeight: '3rem',
  padding: '0.6rem 0.75rem',
  marginBottom: '0.35rem',
  borderRadius: 'var(--radius)',
  border: '1px solid var(--c-line)',
  borderLeft: isUnread ? '5px solid var(--c-primary)' : '1px solid var(--c-line)',
  background: isUnread ? 'var(--c-primary-light)' : 'transparent',
  color: 'var(--c-text)',
  textDecoration: 'none',
  textAlign: 'start',
  font: 'inherit',
  cursor: 'pointer',
});
const metaStyle: CSSProperties = { display: 'block', fontSize: '0.85em', color: 'var(--c-muted)', marginTop: '0.2rem' };
const headerButtonStyle: CSSProperties = { display: 'inline-flex', alignItems: 'center' };
const panelButtonStyle: CSSProperties = { minHeight: '2.75rem', padding: '0.4rem 0.9rem', cursor: 'pointer', font: 'inherit' };

export function NotificationBell() {
  const { t, lang } = useI18n();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<StaffNotice[]>([]);
  const [isOpen, setIsOpen] = useState(false);
  const [isLoading, setIsLoading] = useState(false);
  const [hasFailed, setHasFailed] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const titleId = useId();
  const abortRef = useRef<AbortController | null>(null);

  const refresh = useCallback(async () => {
    abortRef.current?.abort();
    const controller = new AbortController();
    abortRef.current = controller;
    setIsLoading(true);
    try {
      const page = await listNotices({ pageSize: PAGE_SIZE }, controller.signal);
      setItems(page.items);
      setUnread(page.unread);
      setHasFailed(false);
    } catch (err) {
      if (isAbortError(err)) return;
      setHasFailed(true);
    } finally {
      if (abortRef.current === controller) setIsLoading(false);
    }
  }, []);

  // The texts come from the server in the language of the call: fetch again when the language changes.
  useEffect(() => {
    void refresh();
  }, [refresh, lang]);

  // Poll only while the tab is visible (hidden tabs should not load the server), and catch up on focus.
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    const onFocus = () => void refresh();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onFocus);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onFocus);
      abortRef.current?.abort();
    };
  }, [refresh]);

  const close = useCallback((isFocusReturned: boolean) => {
    setIsOpen(false);
    if (isFocusReturned) buttonRef.current?.focus();
  }, []);

  // Opening moves focus into the list so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (isOpen) panelRef.current?.focus();
  }, [isOpen]);

  // A click outside closes the list, as with any disclosure menu.
  useEffect(() => {
    if (!isOpen) return;
    const onPointer = (e: MouseEvent) => {
      if (wrapRef.current && e.target instanceof Node && !wrapRef.current.contains(e.target)) close(false);
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [isOpen, close]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && isOpen) {
      e.preventDefault();
      close(true);
    }
  };

  const toggle = () => {
    if (!isOpen) void refresh();
    setIsOpen((v) => !v);
  };

  const markRead = (notice: StaffNotice) => {
    if (notice.readAt === null) {
      // Optimistic: the count drops at once; the next poll brings the server's truth.
      setItems((list) => list.map((n) => (n.id === notice.id ? { ...n, readAt: new Date().toISOString() } : n)));
      setUnread((u) => Math.max(0, u - 1));
      markNoticeRead(notice.id).catch(() => void refresh());
    }
  };

  const markAll = async () => {
    try {
      await markAllNoticesRead();
    } finally {
      await refresh();
    }
  };

  const label = unread > 0 ? t('notices.bellUnread', { count: unread }) : t('notices.bell');

  return (
    <div ref={wrapRef} style={wrapStyle} onKeyDown={onKeyDown} data-testid="notification-bell">
      <button
        ref={buttonRef}
        type="button"
        className="toggle"
        style={headerButtonStyle}
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={label}
        onClick={toggle}
        data-testid="notification-bell-button"
      >
        <svg aria-hidden="true" focusable="false" width="1.1em" height="1.1em" viewBox="0 0 24 24" fill="currentColor">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        <span style={{ marginLeft: '0.3em' }}>{t('notices.bell')}</span>
        {unread > 0 ? (
          <span style={badgeStyle} aria-hidden="true" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      <div
        id={panelId}
        ref={panelRef}
        role="region"
        aria-labelledby={titleId}
        tabIndex={-1}
        hidden={!isOpen}
        style={panelStyle}
        data-testid="notification-panel"
      >
        <div style={panelHeadStyle}>
          <h2 id={titleId} style={{ margin: 0, fontSize: '1.1rem' }}>
            {t('notices.title')}
          </h2>
          <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
            {unread > 0 ? (
              <button type="button" className="button" style={panelButtonStyle} onClick={() => void markAll()} data-testid="notification-read-all">
                {t('notices.markAllRead')}
              </button>
            ) : null}
            <button type="button" className="button subtle" style={panelButtonStyle} onClick={() => close(true)} data-testid="notification-close">
              {t('notices.close')}
            </button>
          </div>
        </div>
        {hasFailed ? (
          <p role="alert" style={{ color: 'var(--c-error-text)' }}>
            {t('notices.loadFailed')}
          </p>
        ) : null}
        {!hasFailed && items.length === 0 ? <p>{isLoading ? t('notices.loading') : t('notices.empty')}</p> : null}
        <ul style={listStyle}>
          {items.map((n) => {
            const isUnread = n.readAt === null;
            const href = noticeHref(n);
            const body = (
              <>
                <span style={{ display: 'block', fontWeight: isUnread ? 700 : 400 }}>{n.text}</span>
                <span style={metaStyle}>
                  {isUnread ? `${t('notices.unread')} · ` : ''}
                  {n.trackingNo ? `${n.trackingNo} · ` : ''}
                  {formatDateTime(n.at)}
                  {n.code === NEW_DEVICE_NOTICE_CODE ? ` · ${t('notices.reviewDevices')}` : ''}
                </span>
              </>
            );
            return (
              <li key={n.id}>
                {href ? (
                  <a
                    href={href}
                    style={itemStyle(isUnread)}
                    onClick={() => {
                      markRead(n);
                      close(false);
                    }}
                    data-testid="notification-item"
                    data-unread={isUnread ? 'true' : 'false'}
                  >
                    {body}
                  </a>
                ) : (
                  <button
                    type="button"
                    style={itemStyle(isUnread)}
                    onClick={() => markRead(n)}
                    aria-label={isUnread ? `${n.text} — ${t('notices.markRead')}` : undefined}
                    data-testid="notification-item"
                    data-unread={isUnread ? 'true' : 'false'}
                  >
                    {body}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
