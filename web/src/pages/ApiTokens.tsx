import { useI18n } from '../i18n/context';

/** Placeholder until the page is built. */
export function ApiTokensPage() {
  const { t } = useI18n();
  return <h1 tabIndex={-1}>{t('access.title')}</h1>;
}
