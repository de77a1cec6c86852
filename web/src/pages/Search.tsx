import { useI18n } from '../i18n/context';

/** Placeholder until the page is built. */
export function SearchPage() {
  const { t } = useI18n();
  return <h1 tabIndex={-1}>{t('search.title')}</h1>;
}
