import { describe, expect, it } from 'vitest';
import { noticeHref } from './notifications';

describe('where a notice leads', () => {
  it('opens the case of a case notice', () => {
    expect(noticeHref({ code: 'case.dispatched', caseId: 'a b' })).toBe('#/work/cases/a%20b');
  });

  it('opens the signed-in devices page for a sign-in from a new device', () => {
    expect(noticeHref({ code: 'auth.new_device_sign_in', caseId: null })).toBe('#/account/sessions');
  });

  it('goes nowhere for a notice of neither', () => {
    expect(noticeHref({ code: 'something.else', caseId: null })).toBeNull();
  });
});
