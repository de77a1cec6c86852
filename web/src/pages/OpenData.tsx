import { useI18n } from '../i18n/context';

/** Placeholder until the page is built. */
export function OpenDataPage() {
  const { t } = useI18n();
  return <h1 tabIndex={-1}>{t('opendata.title')}</h1>;
}
