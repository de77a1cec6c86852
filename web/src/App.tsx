import { useEffect, useRef, type ReactNode } from 'react';
import { ConfirmIdentityDialog } from './components/ConfirmIdentityDialog';
import { Loading } from './components/forms';
import { Header } from './components/Header';
import { I18nProvider, useI18n } from './i18n/context';
import { ApiTokensPage } from './pages/ApiTokens';
import { AuditLogPage } from './pages/AuditLog';
import { UsersPage } from './pages/Users';
import { PasswordPage } from './pages/Password';
import { PrivacyRequestsPage } from './pages/PrivacyRequests';
import { SessionsPage } from './pages/Sessions';
import { CalendarPage } from './pages/Calendar';
import { CallbacksPage } from './pages/Callbacks';
import { FeedbackPage } from './components/callbacks/FeedbackPage';
import { OpenDataPage } from './pages/OpenData';
import { RepeatsPage } from './pages/Repeats';
import { ReplyTemplatesPage } from './pages/ReplyTemplates';
import { SearchPage } from './pages/Search';
import { StatsPage } from './pages/Stats';
import { TextSettingsPage } from './pages/TextSettings';
import { SlaPoliciesPage } from './pages/SlaPolicies';
import { ReplyQualityPage } from './pages/ReplyQuality';
import { TwoFactorPage } from './pages/TwoFactor';
import { TwoFactorRolesPage } from './pages/TwoFactorRoles';
import { CaseViewPage } from './pages/CaseView';
import { HomePage, NotFoundPage } from './pages/Home';
import { LoginPage } from './pages/Login';
import { NewCasePage } from './pages/NewCase';
import { QueuePage } from './pages/Queue';
import { SubmitPage } from './pages/Submit';
import { TrackPage } from './pages/Track';
import { RefDataProvider } from './refdata';
import { currentLocation, matchPath, navigate, useRoute } from './router';
import { SessionProvider, useSession } from './session';

/**
 * Staff pages: wait for the session, send the signed-out to the login page, and an account whose password an
 * administrator set to the password page (the server answers nothing else until it is changed).
 */
function StaffOnly({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  useEffect(() => {
    if (!loading && !user) navigate('/login', { next: currentLocation() }, { replace: true });
    else if (user?.mustChangePassword) navigate('/account/password', {}, { replace: true });
  }, [loading, user]);
  if (loading || !user || user.mustChangePassword) return <Loading />;
  return <>{children}</>;
}

function Routes() {
  const { path, query } = useRoute();
  if (path === '/') return <HomePage />;
  if (path === '/submit') return <SubmitPage />;
  // A new #/track?no=…&code=… link starts a fresh look-up.
  if (path === '/track') return <TrackPage key={`${query.get('no') ?? ''}|${query.get('code') ?? ''}`} />;
  if (path === '/login') return <LoginPage />;
  if (path === '/calendar') return <CalendarPage />;
  if (path === '/account/two-factor') return <TwoFactorPage />;
  if (path === '/account/password') return <PasswordPage />;
  if (path === '/account/sessions')
    return (
      <StaffOnly>
        <SessionsPage />
      </StaffOnly>
    );
  if (path === '/work')
    return (
      <StaffOnly>
        <QueuePage />
      </StaffOnly>
    );
  if (path === '/open-data') return <OpenDataPage />;
  if (path === '/feedback') return <FeedbackPage token={query.get('t') ?? ''} />;
  const staffPages: Record<string, () => ReactNode> = {
    '/work/stats': () => <StatsPage />,
    '/work/search': () => <SearchPage />,
    '/work/repeats': () => <RepeatsPage />,
    '/work/callbacks': () => <CallbacksPage />,
    '/work/admin/api-tokens': () => <ApiTokensPage />,
    '/work/admin/users': () => <UsersPage />,
    '/work/admin/two-factor': () => <TwoFactorRolesPage />,
    '/work/admin/audit': () => <AuditLogPage />,
    '/work/admin/privacy': () => <PrivacyRequestsPage />,
    '/work/admin/text': () => <TextSettingsPage />,
    '/work/admin/sla-policies': () => <SlaPoliciesPage />,
    '/work/reply-quality': () => <ReplyQualityPage />,
    '/work/admin/reply-templates': () => <ReplyTemplatesPage />,
  };
  const staffPage = staffPages[path];
  if (staffPage) return <StaffOnly>{staffPage()}</StaffOnly>;
  if (path === '/work/new')
    return (
      <StaffOnly>
        <NewCasePage />
      </StaffOnly>
    );
  const caseMatch = matchPath('/work/cases/:id', path);
  if (caseMatch?.['id'])
    return (
      <StaffOnly>
        <CaseViewPage key={caseMatch['id']} id={caseMatch['id']} />
      </StaffOnly>
    );
  return <NotFoundPage />;
}

function Layout() {
  const { t } = useI18n();
  const { path } = useRoute();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // On a page change, move focus to the new page's heading (unless the page focused a field itself)
  // so that keyboard and screen-reader users start at the top of the new content.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const main = mainRef.current;
    if (!main || main.contains(document.activeElement)) return;
    const heading = main.querySelector<HTMLElement>('h1');
    (heading ?? main).focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }, [path]);

  const wide = path.startsWith('/work');
  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <Header />
      <main id="main" ref={mainRef} tabIndex={-1} className={wide ? 'wide' : undefined}>
        <Routes />
      </main>
      <footer className="site-footer">
        <p>
          {t('app.name')} · {t('app.footer')}
          {path.startsWith('/work') || path.startsWith('/account/') || path === '/login' ? null : (
            <>
              {' '}
              · <a href="#/login">{t('home.staff')}</a>
            </>
          )}
        </p>
      </footer>
      {/* One for the whole app: the API client asks it whenever a step needs a recent sign-in. */}
      <ConfirmIdentityDialog />
    </>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <RefDataProvider>
          <Layout />
        </RefDataProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
