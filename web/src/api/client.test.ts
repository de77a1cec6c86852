import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  apiRequest,
  onReauthRequired,
  onUnauthorized,
  reauthDetailsOf,
  reauthenticate,
  type ReauthDetails,
} from './client';
import { fakeFetch } from '../test/fake-fetch';

/** The server's refusal of a step that needs a recent sign-in (docs/access.md). */
const reauthRequired = (
  details: Record<string, unknown> = { reauthMinutes: 15, hasPassword: true, hasTotp: false },
) =>
  new Response(
    JSON.stringify({
      error: {
        code: 'auth.reauth_required',
        message: 'confirm your password first',
        messageId: 'errors.auth.reauth_required',
        details,
      },
    }),
    { status: 403, headers: { 'content-type': 'application/json' } },
  );

const ok = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** A dialog the test answers by hand, to hold several requests at the question at once. */
const heldDialog = () => {
  let answer: (isConfirmed: boolean) => void = () => {};
  const handler = vi.fn(
    (_details: ReauthDetails) =>
      new Promise<boolean>((resolve) => {
        answer = resolve;
      }),
  );
  return { handler, answer: (isConfirmed: boolean) => answer(isConfirmed) };
};

let unregister: (() => void) | null = null;

beforeEach(() => {
  unregister = null;
});

afterEach(() => {
  unregister?.();
  vi.unstubAllGlobals();
});

describe('a step that needs a recent sign-in', () => {
  it('asks once, then sends the same request again and returns its answer', async () => {
    const calls = fakeFetch([() => reauthRequired(), () => ok({ temporaryPassword: 'abcd-efgh-jkmn' })]);
    const handler = vi.fn(async () => true);
    unregister = onReauthRequired(handler);

    const result = await apiRequest<{ temporaryPassword: string }>('POST', '/admin/users/u1/reset-password', {
      body: { reason: 'lost' },
      query: { dryRun: 'no' },
      headers: { 'If-Match': '"v3"' },
    });

    expect(result).toEqual({ temporaryPassword: 'abcd-efgh-jkmn' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith({
      reauthMinutes: 15,
      hasPassword: true,
      hasTotp: false,
      canUseSso: false,
    });
    expect(calls).toHaveLength(2);
    const [first, second] = calls;
    expect(second).toEqual(first);
    expect(second?.method).toBe('POST');
    expect(second?.url).toContain('/api/v1/admin/users/u1/reset-password?');
    expect(second?.url).toContain('dryRun=no');
    expect(second?.body).toBe(JSON.stringify({ reason: 'lost' }));
    expect(second?.headers['If-Match']).toBe('"v3"');
  });

  it('throws the server refusal when the user cancels, without sending it again', async () => {
    const calls = fakeFetch([() => reauthRequired()]);
    const handler = vi.fn(async () => false);
    unregister = onReauthRequired(handler);

    const thrown = await apiRequest('PATCH', '/admin/users/u1', { body: { roles: ['admin'] } }).catch(
      (e: unknown) => e,
    );

    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({
      status: 403,
      code: 'auth.reauth_required',
      messageId: 'errors.auth.reauth_required',
    });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(1);
  });

  it('throws the refusal at once when no dialog is registered', async () => {
    const calls = fakeFetch([() => reauthRequired()]);
    await expect(apiRequest('POST', '/api-tokens', { body: {} })).rejects.toMatchObject({
      code: 'auth.reauth_required',
    });
    expect(calls).toHaveLength(1);
  });

  it('shares one dialog between requests refused at the same time, then sends each again', async () => {
    const calls = fakeFetch([
      () => reauthRequired(),
      () => reauthRequired(),
      () => ok({ n: 1 }),
      () => ok({ n: 2 }),
    ]);
    const dialog = heldDialog();
    unregister = onReauthRequired(dialog.handler);

    const a = apiRequest<{ n: number }>('POST', '/admin/users', { body: { username: 'a' } });
    const b = apiRequest<{ n: number }>('POST', '/admin/users', { body: { username: 'b' } });
    await vi.waitFor(() => expect(dialog.handler).toHaveBeenCalledTimes(1));
    // Both refusals are in before the user answers.
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    dialog.answer(true);

    const answers = await Promise.all([a, b]);
    expect(answers.map((x) => x.n).sort()).toEqual([1, 2]);
    expect(dialog.handler).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(4);
    expect(
      calls
        .slice(2)
        .map((c) => c.body)
        .sort(),
    ).toEqual([JSON.stringify({ username: 'a' }), JSON.stringify({ username: 'b' })]);
  });

  it('cancels every request waiting on the shared dialog', async () => {
    const calls = fakeFetch([() => reauthRequired(), () => reauthRequired()]);
    const dialog = heldDialog();
    unregister = onReauthRequired(dialog.handler);

    const a = apiRequest('POST', '/admin/users').catch((e: unknown) => e);
    const b = apiRequest('POST', '/admin/users').catch((e: unknown) => e);
    await vi.waitFor(() => expect(dialog.handler).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    dialog.answer(false);

    for (const thrown of await Promise.all([a, b]))
      expect(thrown).toMatchObject({ code: 'auth.reauth_required' });
    expect(dialog.handler).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  it('asks again for a later step once the first question is answered', async () => {
    fakeFetch([() => reauthRequired(), () => reauthRequired()]);
    const handler = vi.fn(async () => false);
    unregister = onReauthRequired(handler);

    await expect(apiRequest('POST', '/admin/users')).rejects.toBeInstanceOf(ApiError);
    await expect(apiRequest('POST', '/admin/users')).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('does not loop: a second refusal after confirming is thrown', async () => {
    const calls = fakeFetch([() => reauthRequired(), () => reauthRequired()]);
    const handler = vi.fn(async () => true);
    unregister = onReauthRequired(handler);

    await expect(apiRequest('POST', '/admin/users/u1/enable')).rejects.toMatchObject({
      status: 403,
      code: 'auth.reauth_required',
    });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  it('counts a failing dialog as a cancel', async () => {
    fakeFetch([() => reauthRequired()]);
    unregister = onReauthRequired(async () => {
      throw new Error('dialog broke');
    });
    await expect(apiRequest('POST', '/admin/users')).rejects.toMatchObject({ code: 'auth.reauth_required' });
  });

  it('leaves the refusal to the caller when the request opts out', async () => {
    const calls = fakeFetch([() => reauthRequired()]);
    const handler = vi.fn(async () => true);
    unregister = onReauthRequired(handler);
    await expect(
      apiRequest('GET', '/privacy/people', { query: { phone: '13800000000' }, reauth: false }),
    ).rejects.toMatchObject({
      code: 'auth.reauth_required',
    });
    expect(handler).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);
  });

  it('asks nothing for other 403 refusals', async () => {
    fakeFetch([
      () =>
        new Response(JSON.stringify({ error: { code: 'auth.forbidden', message: 'no' } }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        }),
    ]);
    const handler = vi.fn(async () => true);
    unregister = onReauthRequired(handler);
    await expect(apiRequest('POST', '/admin/users')).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('the confirmation itself', () => {
  it('sends the password (and a code only when given), and never asks the dialog', async () => {
    const calls = fakeFetch([
      () => ok({ verifiedUntil: '2026-11-25T10:15:00.000Z' }),
      () => ok({ verifiedUntil: null }),
    ]);
    const handler = vi.fn(async () => true);
    unregister = onReauthRequired(handler);
    expect(await reauthenticate('secret')).toEqual({ verifiedUntil: '2026-11-25T10:15:00.000Z' });
    await reauthenticate('secret', '123456');
    expect(calls.map((c) => [c.method, new URL(c.url, 'http://x').pathname, c.body])).toEqual([
      ['POST', '/api/v1/auth/reauth', JSON.stringify({ password: 'secret' })],
      ['POST', '/api/v1/auth/reauth', JSON.stringify({ password: 'secret', totpCode: '123456' })],
    ]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('a wrong password is a field error, not a sign-out', async () => {
    fakeFetch([
      () =>
        new Response(
          JSON.stringify({
            error: {
              code: 'validation.failed',
              message: 'the password is wrong',
              details: { issues: [{ path: 'body.password', message: 'wrong password' }] },
            },
          }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        ),
    ]);
    const signedOut = vi.fn();
    const stopListening = onUnauthorized(signedOut);
    try {
      const thrown = await reauthenticate('wrong').catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).issues).toEqual([{ path: 'password', message: 'wrong password' }]);
      expect(signedOut).not.toHaveBeenCalled();
    } finally {
      stopListening();
    }
  });
});

describe('the details of the refusal', () => {
  const refusal = (details: Record<string, unknown>) =>
    new ApiError(403, 'auth.reauth_required', 'x', undefined, details);

  it('reads what the server says', () => {
    expect(reauthDetailsOf(refusal({ reauthMinutes: 30, hasPassword: true, hasTotp: true }))).toEqual({
      reauthMinutes: 30,
      hasPassword: true,
      hasTotp: true,
      canUseSso: false,
    });
  });

  it('reads the answer of the server of docs/access.md: a password always, single sign-on where it is set up', () => {
    expect(reauthDetailsOf(refusal({ reauthMinutes: 15, hasTotp: false, canUseSso: true }))).toEqual({
      reauthMinutes: 15,
      hasPassword: true,
      hasTotp: false,
      canUseSso: true,
    });
  });

  it('offers single sign-on to accounts without a password', () => {
    expect(reauthDetailsOf(refusal({ reauthMinutes: 15, hasPassword: false, hasTotp: false }))).toMatchObject(
      { hasPassword: false, canUseSso: true },
    );
  });

  it('believes a server that says single sign-on is off, even for an account without a password', () => {
    expect(reauthDetailsOf(refusal({ reauthMinutes: 15, hasPassword: false, hasTotp: false, canUseSso: false }))).toMatchObject(
      { hasPassword: false, canUseSso: false },
    );
  });

  it('falls back to a password, no code and 15 minutes when the server leaves fields out', () => {
    expect(reauthDetailsOf(refusal({}))).toEqual({
      reauthMinutes: 15,
      hasPassword: true,
      hasTotp: false,
      canUseSso: false,
    });
    expect(reauthDetailsOf(refusal({ reauthMinutes: 'soon' }))).toMatchObject({ reauthMinutes: 15 });
  });
});
