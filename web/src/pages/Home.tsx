import { usePageTitle } from '../components/common';
import { useI18n } from '../i18n/context';

export function HomePage() {
  const { t } = useI18n();
  usePageTitle(t('home.title'));
  return (
    <div className="home">
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p className="lead">{t('home.intro')}</p>
      <div className="big-buttons">
        <a className="big-button primary" href="#/submit" data-testid="home-submit">
          <span className="big-button-title">{t('home.submit')}</span>
          <span className="big-button-hint">{t('home.submitHint')}</span>
        </a>
        <a className="big-button" href="#/track" data-testid="home-track">
          <span className="big-button-title">{t('home.track')}</span>
          <span className="big-button-hint">{t('home.trackHint')}</span>
        </a>
      </div>
    </div>
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  usePageTitle(t('app.notFound'));
  return (
    <div>
      <h1 tabIndex={-1}>{t('app.notFound')}</h1>
      <p>
        <a href="#/">{t('app.backHome')}</a>
      </p>
    </div>
  );
}
