import { describe, expect, it } from 'vitest';
import { redactUrlForLog } from './log-redaction.js';

describe('redactUrlForLog', () => {
  it('hides access codes, numbers and search text, and keeps the rest', () => {
    expect(redactUrlForLog('/api/v1/public/cases/LS2026?accessCode=12345678&lang=bo')).toBe('/api/v1/public/cases/LS2026?accessCode=***&lang=bo');
    expect(redactUrlForLog('/api/v1/search?q=%E7%8E%8B%E5%85%88%E7%94%9F&limit=20')).toBe('/api/v1/search?q=***&limit=20');
    expect(redactUrlForLog('/api/v1/admin/privacy/person?phone=13900001111&idNumber=540102199001011234')).toBe(
      '/api/v1/admin/privacy/person?phone=***&idNumber=***',
    );
    expect(redactUrlForLog('/open311/v2/requests.json?api_key=secret&service_code=001')).toBe('/open311/v2/requests.json?api_key=***&service_code=001');
  });

  it('catches a name spelled with percent-encoding or another case', () => {
    expect(redactUrlForLog('/api/v1/public/cases/LS1?access%43ode=12345678')).toBe('/api/v1/public/cases/LS1?access%43ode=***');
    expect(redactUrlForLog('/api/v1/search?%71=%E7%8E%8B')).toBe('/api/v1/search?%71=***');
    expect(redactUrlForLog('/api/v1/x?ACCESSCODE=1&Phone=2')).toBe('/api/v1/x?ACCESSCODE=***&Phone=***');
  });

  it('hides the single sign-on code and state, and the questionnaire link\'s token in the path', () => {
    expect(redactUrlForLog('/api/v1/auth/oidc/callback?code=abc123&state=xyz&iss=https%3A%2F%2Fsso')).toBe('/api/v1/auth/oidc/callback?code=***&state=***&iss=https%3A%2F%2Fsso');
    expect(redactUrlForLog('/api/v1/public/callbacks/questionnaire/Q1w2E3r4T5y6?lang=bo')).toBe('/api/v1/public/callbacks/questionnaire/***?lang=bo');
    expect(redactUrlForLog('/api/v1/public/callbacks/questionnaire/Q1w2E3r4T5y6')).toBe('/api/v1/public/callbacks/questionnaire/***');
  });

  it('leaves a URL without a query, or with harmless parameters, as it is', () => {
    expect(redactUrlForLog('/api/v1/cases/abc')).toBe('/api/v1/cases/abc');
    expect(redactUrlForLog('/api/v1/cases?status=registered&page=2&flag')).toBe('/api/v1/cases?status=registered&page=2&flag');
  });
});
