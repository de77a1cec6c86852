import { describe, expect, it } from 'vitest';
import { ApiError, reauthDetailsOf } from '../api/client';
import { reauthWayOf } from './reauth';

const waysOf = (details: Record<string, unknown>) =>
  reauthWayOf(reauthDetailsOf(new ApiError(403, 'auth.reauth_required', 'x', undefined, details)));

describe('how the confirmation asks', () => {
  it('asks for the password of an account that has one, with or without single sign-on', () => {
    expect(waysOf({ reauthMinutes: 15, hasPassword: true, hasTotp: false, canUseSso: true })).toBe('password');
    expect(waysOf({ reauthMinutes: 15, hasPassword: true, hasTotp: true, canUseSso: false })).toBe('password');
  });

  it('offers only single sign-on to an account made without a password', () => {
    expect(waysOf({ reauthMinutes: 15, hasPassword: false, hasTotp: false, canUseSso: true })).toBe('sso');
  });

  it('sends an account with neither to an administrator, rather than ask for a password it never had', () => {
    expect(waysOf({ reauthMinutes: 15, hasPassword: false, hasTotp: false, canUseSso: false })).toBe('administrator');
  });

  it('asks for a password when the server does not say', () => {
    expect(waysOf({ reauthMinutes: 15 })).toBe('password');
  });
});
