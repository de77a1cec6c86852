import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import {
  AUDIT_PAGE_MAX, auditReadScopeOf, canReadAuditEntry, checkAuditLogQueryOrThrow, checkChainAccessOrThrow, filterForAudit, isAuditCursor,
  isTopLevelUnitPath, outcomeClassOf, type AuditLogQuery,
} from './audit-log-rules.js';

const codeOf = (run: () => void): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('audit read scope', () => {
  const top = auditReadScopeOf({ unitPath: 'lhasa' });
  const hrss = auditReadScopeOf({ unitPath: 'lhasa.hrss' });

  it('lets a top-level reader see every actor below and the entries without an actor', () => {
    expect(top.canSeeActorless).toBe(true);
    for (const path of ['lhasa', 'lhasa.hrss', 'lhasa.hrss.hrss_inspection', 'lhasa.union.union_chengguan']) {
      expect(canReadAuditEntry(top, { actorUnitPath: path }), path).toBe(true);
    }
    expect(canReadAuditEntry(top, { actorUnitPath: null })).toBe(true);
  });

  it('limits a sub-unit reader to its own subtree, without the entries of no actor', () => {
    expect(hrss.canSeeActorless).toBe(false);
    expect(canReadAuditEntry(hrss, { actorUnitPath: 'lhasa.hrss' })).toBe(true);
    expect(canReadAuditEntry(hrss, { actorUnitPath: 'lhasa.hrss.hrss_inspection' })).toBe(true);
    expect(canReadAuditEntry(hrss, { actorUnitPath: 'lhasa' })).toBe(false);
    expect(canReadAuditEntry(hrss, { actorUnitPath: 'lhasa.cityman' })).toBe(false);
    expect(canReadAuditEntry(hrss, { actorUnitPath: null })).toBe(false);
  });

  it("lets a sub-unit reader see the system's steps about the accounts of its subtree, and no others", () => {
    expect(canReadAuditEntry(hrss, { actorUnitPath: null, subjectUserUnitPath: 'lhasa.hrss.hrss_inspection' })).toBe(true);
    expect(canReadAuditEntry(hrss, { actorUnitPath: null, subjectUserUnitPath: 'lhasa.cityman' })).toBe(false);
    expect(canReadAuditEntry(hrss, { actorUnitPath: null, subjectUserUnitPath: null })).toBe(false);
    // An actor's unit decides when there is one, whoever the subject is.
    expect(canReadAuditEntry(hrss, { actorUnitPath: 'lhasa', subjectUserUnitPath: 'lhasa.hrss' })).toBe(false);
  });

  it('does not take a sibling whose code starts alike for a child', () => {
    expect(canReadAuditEntry(hrss, { actorUnitPath: 'lhasa.hrss2' })).toBe(false);
    expect(canReadAuditEntry(top, { actorUnitPath: 'lhasa2.x' })).toBe(false);
  });

  it('lets only top-level readers check the whole chain', () => {
    expect(isTopLevelUnitPath('lhasa')).toBe(true);
    expect(isTopLevelUnitPath('lhasa.hrss')).toBe(false);
    expect(isTopLevelUnitPath('')).toBe(false);
    expect(codeOf(() => checkChainAccessOrThrow({ unitPath: 'lhasa' }))).toBeNull();
    expect(codeOf(() => checkChainAccessOrThrow({ unitPath: 'lhasa.hrss' }))).toBe('auth.forbidden');
  });
});

describe('audit outcomes', () => {
  it('counts 2xx and 3xx statuses and the words of done work as success', () => {
    for (const outcome of ['200', '201', '204', '302', 'done', 'ok', 'exported', 'sent', 'stored', 'deleted', 'revealed', 'none']) {
      expect(outcomeClassOf(outcome), outcome).toBe('success');
    }
  });

  it('counts every other outcome as refused, unknown words included', () => {
    for (const outcome of ['400', '403', '404', '429', '500', 'refused', 'auth.token_invalid', 'auth.sso_failed', '2000', '20', 'OK ', 'something new']) {
      expect(outcomeClassOf(outcome), outcome).toBe('refused');
    }
  });
});

describe('audit queries', () => {
  const query = (over: Partial<AuditLogQuery> = {}): AuditLogQuery => ({ filter: {}, limit: 50, before: null, ...over });

  it('accepts a plain query and an ordered period', () => {
    expect(codeOf(() => checkAuditLogQueryOrThrow(query()))).toBeNull();
    const from = new Date('2026-11-01T00:00:00Z');
    expect(codeOf(() => checkAuditLogQueryOrThrow(query({ filter: { from, to: from } })))).toBeNull();
  });

  it('refuses a period that ends before it starts', () => {
    const filter = { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };
    expect(codeOf(() => checkAuditLogQueryOrThrow(query({ filter })))).toBe('validation.failed');
  });

  it('refuses cursors that are not ids and page sizes out of range', () => {
    for (const before of ['0', '-1', 'abc', '1.5', '01', '9223372036854775808', '99999999999999999999']) {
      expect(isAuditCursor(before), before).toBe(false);
      expect(codeOf(() => checkAuditLogQueryOrThrow(query({ before }))), before).toBe('validation.failed');
    }
    expect(isAuditCursor('9223372036854775807')).toBe(true);
    for (const limit of [0, AUDIT_PAGE_MAX + 1, 1.5]) expect(codeOf(() => checkAuditLogQueryOrThrow(query({ limit }))), String(limit)).toBe('validation.failed');
  });

  it('records only the filters given, dates as ISO text', () => {
    expect(filterForAudit({ actor: 'han', from: new Date('2026-11-01T00:00:00Z'), outcome: 'refused' })).toEqual({
      actor: 'han', from: '2026-11-01T00:00:00.000Z', outcome: 'refused',
    });
    expect(filterForAudit({})).toEqual({});
    // A person's phone or ID number is kept to its last four characters; ids and tracking numbers of kind are kept.
    expect(filterForAudit({ subjectKind: 'person', subjectId: '13900001234' })).toEqual({ subjectKind: 'person', subjectId: '*******1234' });
    expect(filterForAudit({ subjectId: '540102199001011234' })).toEqual({ subjectId: '**************1234' });
    expect(filterForAudit({ subjectKind: 'cases', subjectId: '20261123000123' })).toEqual({ subjectKind: 'cases', subjectId: '20261123000123' });
    expect(filterForAudit({ subjectId: 'd0c1f2a3-0000-4000-8000-000000000001' })).toEqual({ subjectId: 'd0c1f2a3-0000-4000-8000-000000000001' });
  });
});
