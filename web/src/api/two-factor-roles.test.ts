import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonResponse } from '../test/fake-fetch';
import { ApiError, onReauthRequired, setApiLanguage } from './client';
import { getTwoFactorImpact, getTwoFactorRoles, saveTwoFactorRoles } from './two-factor-roles';

const json = jsonResponse;

afterEach(() => {
  vi.unstubAllGlobals();
  setApiLanguage('zh-Hans');
});

describe('the client of the roles that must use two-step verification', () => {
  it('reads the roles and the counts, in the reader\'s language', async () => {
    setApiLanguage('bo');
    const calls = fakeFetch([
      json(200, { roles: ['admin'], updatedAt: '2026-11-20T02:00:00.000Z' }),
      json(200, { byRole: [{ role: 'admin', activeAccounts: 1, withoutTwoFactor: 1 }], roleSets: [{ roles: ['admin'], activeAccounts: 1, withoutTwoFactor: 1 }] }),
    ]);
    expect(await getTwoFactorRoles()).toEqual({ roles: ['admin'], updatedAt: '2026-11-20T02:00:00.000Z' });
    expect((await getTwoFactorImpact()).roleSets).toHaveLength(1);
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['GET', '/api/v1/admin/security/two-factor-roles?lang=bo'],
      ['GET', '/api/v1/admin/security/two-factor-roles/impact?lang=bo'],
    ]);
    expect(calls[0]?.headers['Accept-Language']).toBe('bo');
  });

  it('asks the administrator to confirm who they are, then saves the same roles again', async () => {
    const refusal = json(403, { error: { code: 'auth.reauth_required', message: 'confirm', details: { reauthMinutes: 15, hasPassword: true } } });
    const calls = fakeFetch([refusal, json(200, { roles: ['admin', 'supervisor'], updatedAt: '2026-11-26T08:00:00.000Z' })]);
    const handler = vi.fn(async () => true);
    const unregister = onReauthRequired(handler);
    try {
      expect(await saveTwoFactorRoles(['admin', 'supervisor'])).toEqual({ roles: ['admin', 'supervisor'], updatedAt: '2026-11-26T08:00:00.000Z' });
    } finally {
      unregister();
    }
    expect(handler).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => [c.method, c.url.split('?')[0], c.body])).toEqual([
      ['PUT', '/api/v1/admin/security/two-factor-roles', '{"roles":["admin","supervisor"]}'],
      ['PUT', '/api/v1/admin/security/two-factor-roles', '{"roles":["admin","supervisor"]}'],
    ]);
  });

  it('hands back a cancelled confirmation and the refusal of an administrator below a top-level unit, saving nothing', async () => {
    const unregister = onReauthRequired(async () => false);
    try {
      fakeFetch([json(403, { error: { code: 'auth.reauth_required', message: 'confirm', details: { reauthMinutes: 15 } } })]);
      await expect(saveTwoFactorRoles(['admin'])).rejects.toMatchObject({ code: 'auth.reauth_required' });
    } finally {
      unregister();
    }
    fakeFetch([json(403, { error: { code: 'auth.forbidden', message: 'top-level unit only', details: { reason: 'not_top_level_unit' } } })]);
    const refusal: unknown = await saveTwoFactorRoles(['admin']).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 403, code: 'auth.forbidden', details: { reason: 'not_top_level_unit' } });
  });
});
