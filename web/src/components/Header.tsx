import { LANGS } from '../api/types';
import { useI18n } from '../i18n/context';
import { LANGUAGE_NAMES } from '../i18n';
import { NotificationBell } from './NotificationBell';
import { useLargeText } from '../prefs';
import { useRoute } from '../router';
import { canRegister, useSession } from '../session';

export function Header() {
  const { t, lang, setLang } = useI18n();
  const { user: signedIn, signOut } = useSession();
  // An account whose password an administrator set can only change it: no staff menu, no bell until then.
  const user = signedIn && !signedIn.mustChangePassword ? signedIn : null;
  const [largeText, toggleLargeText] = useLargeText();
  const route = useRoute();
  const onStaffPage = route.path.startsWith('/work') || route.path === '/login';

  return (
    <header className="site-header">
      <div className="header-inner">
        <a className="brand" href="#/" data-testid="brand">
          <span className="brand-name" lang="zh-Hans">
            {t('app.name')}
          </span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </a>

        <nav className="staff-nav" aria-label={t('header.mainNav')}>
          {user ? (
            <a
              href="#/work"
              aria-current={route.path === '/work' ? 'page' : undefined}
              data-testid="nav-work"
            >
              {t('header.workbench')}
            </a>
          ) : null}
          {canRegister(user) ? (
            <a
              href="#/work/new"
              aria-current={route.path === '/work/new' ? 'page' : undefined}
              data-testid="nav-new"
            >
              {t('header.newCase')}
            </a>
          ) : null}
          {user ? (
            <>
              <a href="#/work/search" aria-current={route.path === '/work/search' ? 'page' : undefined} data-testid="nav-search">
                {t('header.search')}
              </a>
              <a href="#/work/callbacks" aria-current={route.path === '/work/callbacks' ? 'page' : undefined} data-testid="nav-callbacks">
                {t('header.callbacks')}
              </a>
              <a href="#/work/stats" aria-current={route.path === '/work/stats' ? 'page' : undefined} data-testid="nav-stats">
                {t('header.stats')}
              </a>
              {user.permissions.includes('case.supervise') ? (
                <a href="#/work/repeats" aria-current={route.path === '/work/repeats' ? 'page' : undefined} data-testid="nav-repeats">
                  {t('header.repeats')}
                </a>
              ) : null}
              {user.permissions.includes('case.supervise') ? (
                <a href="#/work/reply-quality" aria-current={route.path === '/work/reply-quality' ? 'page' : undefined} data-testid="nav-reply-quality">
                  {t('quality.nav')}
                </a>
              ) : null}
              {user.permissions.includes('settings.manage') ? (
                <a href="#/work/admin/text" aria-current={route.path === '/work/admin/text' ? 'page' : undefined} data-testid="nav-text-settings">
                  {t('header.textSettings')}
                </a>
              ) : null}
              {user.permissions.includes('settings.manage') ? (
                <a href="#/work/admin/sla-policies" aria-current={route.path === '/work/admin/sla-policies' ? 'page' : undefined} data-testid="nav-sla-policies">
                  {t('slaAdmin.nav')}
                </a>
              ) : null}
              {user.permissions.includes('user.manage') ? (
                <a href="#/work/admin/users" aria-current={route.path === '/work/admin/users' ? 'page' : undefined} data-testid="nav-users">
                  {t('users.nav')}
                </a>
              ) : null}
              {user.permissions.includes('security.manage') ? (
                <a href="#/work/admin/two-factor" aria-current={route.path === '/work/admin/two-factor' ? 'page' : undefined} data-testid="nav-two-factor-roles">
                  {t('twoFactorRoles.nav')}
                </a>
              ) : null}
              {user.permissions.includes('audit.read') ? (
                <a href="#/work/admin/audit" aria-current={route.path === '/work/admin/audit' ? 'page' : undefined} data-testid="nav-audit">
                  {t('audit.nav')}
                </a>
              ) : null}
              {user.permissions.includes('privacy.manage') ? (
                <a href="#/work/admin/privacy" aria-current={route.path === '/work/admin/privacy' ? 'page' : undefined} data-testid="nav-privacy">
                  {t('privacy.nav')}
                </a>
              ) : null}
              {user.permissions.includes('integration.manage') ? (
                <a href="#/work/admin/api-tokens" aria-current={route.path === '/work/admin/api-tokens' ? 'page' : undefined} data-testid="nav-api-tokens">
                  {t('header.apiTokens')}
                </a>
              ) : null}
              {user.permissions.includes('reply_template.manage') ? (
                <a href="#/work/admin/reply-templates" aria-current={route.path === '/work/admin/reply-templates' ? 'page' : undefined} data-testid="nav-reply-templates">
                  {t('templates.nav')}
                </a>
              ) : null}
            </>
          ) : (
            <a href="#/open-data" aria-current={route.path === '/open-data' ? 'page' : undefined} data-testid="nav-open-data">
              {t('header.openData')}
            </a>
          )}
          <a
            href="#/calendar"
            aria-current={route.path === '/calendar' ? 'page' : undefined}
            data-testid="nav-calendar"
          >
            {t('header.calendar')}
          </a>
        </nav>

        <div className="header-tools">
          <div className="lang-switch" role="group" aria-label={t('header.language')}>
            {LANGS.map((l) => (
              <button
                key={l}
                type="button"
                lang={l}
                className={l === lang ? 'active' : undefined}
                aria-pressed={l === lang}
                onClick={() => setLang(l)}
                data-testid={`lang-${l}`}
              >
                {LANGUAGE_NAMES[l]}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="toggle"
            aria-pressed={largeText}
            onClick={toggleLargeText}
            data-testid="large-text"
          >
            <span aria-hidden="true" className="toggle-icon">
              A<span className="big">A</span>
            </span>{' '}
            {t('header.largeText')}
          </button>
          {user ? <NotificationBell /> : null}
          {signedIn ? (
            <div className="user-box">
              <span className="user-name" data-testid="user-name">
                {t('header.signedInAs', { name: signedIn.displayName || signedIn.username })}
              </span>
              <a className="link-button" href="#/account/password" data-testid="change-password">
                {t('users.myPassword')}
              </a>
              {/* Until a password set by an administrator is replaced, the server answers nothing else. */}
              {user ? (
                <a
                  className="link-button"
                  href="#/account/sessions"
                  aria-current={route.path === '/account/sessions' ? 'page' : undefined}
                  data-testid="account-sessions"
                >
                  {t('sessions.nav')}
                </a>
              ) : null}
              <button
                type="button"
                className="link-button"
                onClick={() => void signOut()}
                data-testid="logout"
              >
                {t('header.logout')}
              </button>
            </div>
          ) : onStaffPage ? null : (
            <a className="staff-link" href="#/login" data-testid="staff-login">
              {t('header.staffLogin')}
            </a>
          )}
        </div>
      </div>
    </header>
  );
}
