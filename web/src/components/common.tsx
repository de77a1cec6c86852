import { useEffect } from 'react';
import type { Category, Status, Unit } from '../api/types';
import { useI18n } from '../i18n/context';
import { depths, indent } from '../lib/format';
import type { Option } from './forms';

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useI18n();
  return (
    <span className={`badge status-${status}`} data-testid="status-badge" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

/** The tracking number and access code, large, for the requester to write down. */
export function CaseCodes({ trackingNo, accessCode }: { trackingNo: string; accessCode: string }) {
  const { t } = useI18n();
  return (
    <dl className="codes">
      <div className="code">
        <dt>{t('codes.trackingNo')}</dt>
        <dd data-testid="tracking-no" lang="en" translate="no">
          {trackingNo}
        </dd>
      </div>
      <div className="code">
        <dt>{t('codes.accessCode')}</dt>
        <dd data-testid="access-code" lang="en" translate="no">
          {accessCode}
        </dd>
      </div>
    </dl>
  );
}

export function usePageTitle(title: string): void {
  const { t } = useI18n();
  const full = t('app.pageTitle', { page: title });
  useEffect(() => {
    document.title = full;
  }, [full]);
}

export function unitOptions(units: readonly Unit[]): Option[] {
  const d = depths(units);
  return units.map((u) => ({ value: u.id, label: indent(u.name, d.get(u.id) ?? 0) }));
}

export function categoryOptions(categories: readonly Category[]): Option[] {
  const d = depths(categories);
  return categories.map((c) => ({ value: c.id, label: indent(c.name, d.get(c.id) ?? 0) }));
}
