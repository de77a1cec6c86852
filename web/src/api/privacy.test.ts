import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonResponse } from '../test/fake-fetch';
import { onReauthRequired, setApiLanguage } from './client';
import { caseFileUrl, erasePersonData, findPersonData, personQuery, personQueryParts } from './privacy';

const json = jsonResponse;

afterEach(() => {
  vi.unstubAllGlobals();
  setApiLanguage('zh-Hans');
});

describe('the personal data client', () => {
  it('builds the query the server wants, and reads it back', () => {
    expect(personQuery('phone', '13677778888')).toEqual({ phone: '13677778888' });
    expect(personQuery('idNumber', '540102195801011234')).toEqual({ idNumber: '540102195801011234' });
    expect(personQueryParts({ idNumber: '123456' })).toEqual({ key: 'idNumber', value: '123456' });
  });

  it('looks a person up by the number given, in the reader\'s language', async () => {
    setApiLanguage('bo');
    const calls = fakeFetch([json(200, { cases: [] })]);
    expect(await findPersonData({ phone: '+86 136 7777 8888' })).toEqual({ cases: [] });
    expect(calls[0]?.url).toBe('/api/v1/privacy/people?phone=%2B86+136+7777+8888&lang=bo');
    expect(calls[0]?.headers['Accept-Language']).toBe('bo');
  });

  it('asks the user to confirm who they are, then sends the erasure again', async () => {
    const refusal = json(403, { error: { code: 'auth.reauth_required', message: 'confirm', details: { reauthMinutes: 15 } } });
    const calls = fakeFetch([refusal, json(200, { anonymised: 2 })]);
    const handler = vi.fn(async () => true);
    const unregister = onReauthRequired(handler);
    try {
      expect(await erasePersonData({ idNumber: '540102195801011234' })).toEqual({ anonymised: 2 });
    } finally {
      unregister();
    }
    expect(handler).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => [c.method, c.url.split('?')[0], c.body])).toEqual([
      ['POST', '/api/v1/privacy/people/erase', '{"idNumber":"540102195801011234"}'],
      ['POST', '/api/v1/privacy/people/erase', '{"idNumber":"540102195801011234"}'],
    ]);
  });

  it('downloads a file from the same address as the case page', () => {
    expect(caseFileUrl('c1', 'f/1')).toBe('/api/v1/cases/c1/attachments/f%2F1/content?lang=zh-Hans');
  });
});
