import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { TwoFactorImpact } from '../api/two-factor-roles';
import type { Lang } from '../api/types';
import { I18nProvider } from '../i18n/context';
import { TwoFactorRolesForm, type TwoFactorRolesFormProps } from './TwoFactorRoles';

// Drawn as the server would draw it (no DOM here): what the administrator reads before pressing Save.

const impact: TwoFactorImpact = {
  byRole: [
    { role: 'citizen', activeAccounts: 0, withoutTwoFactor: 0 },
    { role: 'agent', activeAccounts: 3, withoutTwoFactor: 2 },
    { role: 'dispatcher', activeAccounts: 1, withoutTwoFactor: 0 },
    { role: 'unit_handler', activeAccounts: 4, withoutTwoFactor: 4 },
    { role: 'unit_leader', activeAccounts: 0, withoutTwoFactor: 0 },
    { role: 'supervisor', activeAccounts: 2, withoutTwoFactor: 2 },
    { role: 'admin', activeAccounts: 1, withoutTwoFactor: 1 },
  ],
  roleSets: [
    { roles: ['admin'], activeAccounts: 1, withoutTwoFactor: 1 },
    { roles: ['agent'], activeAccounts: 1, withoutTwoFactor: 0 },
    { roles: ['agent', 'supervisor'], activeAccounts: 2, withoutTwoFactor: 2 },
    { roles: ['dispatcher'], activeAccounts: 1, withoutTwoFactor: 0 },
    { roles: ['unit_handler'], activeAccounts: 4, withoutTwoFactor: 4 },
  ],
};

const props = (over: Partial<TwoFactorRolesFormProps> = {}): TwoFactorRolesFormProps => ({
  saved: { roles: ['admin'], updatedAt: '2026-11-20T02:00:00.000Z' },
  draft: ['admin'],
  impactState: { kind: 'loaded', impact },
  isReadOnly: false,
  isSaving: false,
  willSetUpOwn: false,
  failure: null,
  notice: null,
  canReadAudit: true,
  onToggle: () => {},
  onSave: () => {},
  onUndo: () => {},
  ...over,
});

/** The form as HTML, in one language (the provider starts in the browser's language). */
const draw = (lang: Lang, over: Partial<TwoFactorRolesFormProps> = {}): string => {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, createElement(TwoFactorRolesForm, props(over))));
};

const byTestId = (html: string, testId: string): string | null => {
  const match = new RegExp(`<[^>]*data-testid="${testId}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return match ? (match[1] ?? '') : null;
};

const tag = (html: string, testId: string): string => new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0] ?? '';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the page of the roles that must use two-step verification', () => {
  it('lists every staff role by its name in the reader\'s language, ticked as stored, with who it reaches', () => {
    const en = draw('en');
    for (const role of ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin']) expect(tag(en, `two-factor-role-${role}`)).toContain('type="checkbox"');
    expect(tag(en, 'two-factor-role-citizen')).toBe('');
    expect(en).toContain('>Administrator</label>');
    expect(en).toContain('>Unit handler</label>');
    expect(tag(en, 'two-factor-role-admin')).toContain('checked');
    expect(tag(en, 'two-factor-role-agent')).not.toContain('checked');
    expect(en).toContain('Accounts in use: 4. Two-step verification not set up yet: 4.');
    expect(en).toContain('Accounts in use: 1, all with two-step verification on.');
    expect(en).toContain('No accounts in use.');
    expect(byTestId(en, 'two-factor-roles-summary')).toBe('As ticked now, accounts in use that must use two-step verification: 1. Of these, not set up yet: 1.');
    // Nothing changed yet: Save waits, and says why.
    expect(tag(en, 'two-factor-roles-save')).toContain('disabled');
    expect(en).toContain('There are no changes to save.');
    expect(byTestId(en, 'two-factor-roles-warning')).toBeNull();

    const zh = draw('zh-Hans');
    expect(zh).toContain('>系统管理员</label>');
    expect(zh).toContain('>督办人员</label>');
    const bo = draw('bo');
    expect(bo).toContain('>མ་ལག་དོ་དམ་པ།</label>');
    expect(bo).toContain('གོམ་པ་གཉིས་ཀྱི་ར་སྤྲོད་དགོས་པའི་འགན་གནས།');
  });

  it('warns, before Save, of the people a new role holds to setting it up, counting each person once', () => {
    // Supervisors who are also agents: two people, not four.
    const html = draw('en', { draft: ['admin', 'agent', 'supervisor'] });
    expect(byTestId(html, 'two-factor-roles-warning')).toBe(
      'People with these roles who have not set up two-step verification: 2. Once you save, they will have to set it up before doing anything else at their next step. Please tell them beforehand.',
    );
    expect(byTestId(html, 'two-factor-roles-summary')).toBe('As ticked now, accounts in use that must use two-step verification: 4. Of these, not set up yet: 3.');
    expect(tag(html, 'two-factor-roles-save')).not.toContain('disabled');
    expect(tag(html, 'two-factor-roles-undo')).toContain('button');
    expect(byTestId(draw('zh-Hans', { draft: ['admin', 'unit_handler'] }), 'two-factor-roles-warning')).toContain('有这些角色的人员中，4 人尚未开启两步验证');
  });

  it('says who a role taken off lets go, and warns an administrator who would hold themself to setting it up', () => {
    const html = draw('en', { saved: { roles: ['admin', 'unit_handler'], updatedAt: '2026-11-20T02:00:00.000Z' }, draft: ['admin'], willSetUpOwn: false });
    expect(byTestId(html, 'two-factor-roles-released')).toBe('People who will no longer have to use two-step verification once you save: 4. Those who have it on may keep it.');
    expect(byTestId(html, 'two-factor-roles-warning')).toBeNull();
    const self = draw('en', { saved: { roles: [], updatedAt: null }, draft: ['admin'], willSetUpOwn: true });
    expect(byTestId(self, 'two-factor-roles-warn-self')).toContain('You have not set up two-step verification yourself.');
    expect(byTestId(self, 'two-factor-roles-updated-at')).toBe('Never changed: no role has to use two-step verification yet.');
  });

  it('is read-only below a top-level unit: boxes locked, no counts, no Save', () => {
    const html = draw('en', { isReadOnly: true, impactState: { kind: 'not_top_level' } });
    expect(tag(html, 'two-factor-role-admin')).toContain('aria-disabled="true"');
    expect(tag(html, 'two-factor-role-admin')).toContain('checked');
    expect(tag(html, 'two-factor-roles-save')).toBe('');
    expect(tag(html, 'two-factor-roles-impact')).toBe('');
    expect(html).not.toContain('Accounts in use');
  });

  it('still saves without the counts, and shows a refusal in the reader\'s language', () => {
    const html = draw('en', { impactState: { kind: 'failed' }, draft: ['admin', 'agent'] });
    expect(byTestId(html, 'two-factor-roles-counts-unavailable')).toBe('The number of people affected cannot be counted just now. You can still save.');
    expect(tag(html, 'two-factor-roles-save')).not.toContain('disabled');
    const refused = draw('zh-Hans', { failure: new ApiError(403, 'auth.reauth_required', 'confirm it is you') });
    expect(byTestId(refused, 'two-factor-roles-error')).not.toBeNull();
    expect(byTestId(refused, 'two-factor-roles-error')).not.toBe('confirm it is you');
  });
});
