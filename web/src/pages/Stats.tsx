import { useI18n } from '../i18n/context';

/** Placeholder until the page is built. */
export function StatsPage() {
  const { t } = useI18n();
  return <h1 tabIndex={-1}>{t('stats.title')}</h1>;
}
