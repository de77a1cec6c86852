import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.js';
import { permissionsForRoles, type Role } from '../auth/roles.js';
import { allowedCaseActions } from './case-workflow.js';
import type { CaseSnapshot } from './case.types.js';
import { canSeeRequester, isProtectedAtIntake } from './identity-protection.js';

const staff = (unitPath: string, roles: Role[]): Actor => ({
  kind: 'user', userId: `u-${unitPath}`, username: unitPath, displayName: unitPath, roles, permissions: permissionsForRoles(roles), unitId: unitPath, unitPath,
});

// The region's hotline took the case in; a city bureau below it handles it.
const hotline = 'region.hotline';
const intakeAgent = staff(hotline, ['agent']);
const regionSupervisor = staff('region', ['supervisor']);
const bureauHandler = staff('region.city.bureau', ['unit_handler']);
const cityLeader = staff('region.city', ['unit_leader']);
const citizenDesk = staff(hotline, ['citizen']);

const reportCase = { isIdentityProtected: true, intakeUnitPath: hotline };
const openCase = { isIdentityProtected: false, intakeUnitPath: hotline };

/** May the actor take the protect-identity action on the case, handled by the bureau? (The workflow decides.) */
const canProtect = (actor: Actor, item: { isIdentityProtected: boolean; intakeUnitPath: string }): boolean => {
  const snapshot: CaseSnapshot = {
    id: 'c1', status: 'accepted', kind: 'complaint', intakeUnitPath: item.intakeUnitPath,
    assignments: [{ id: 'a1', unitId: 'bureau', unitPath: 'region.city.bureau', role: 'lead', status: 'accepted' }],
    hasPendingExtension: false, isUnderSupervision: false, masterId: null, holdFromStatus: null, hasPendingReopen: false,
    isIdentityProtected: item.isIdentityProtected,
  };
  return allowedCaseActions(snapshot, actor).includes('protect-identity');
};

describe('identity protection', () => {
  it('protects every report, and other kinds only on request', () => {
    expect(isProtectedAtIntake('report', undefined)).toBe(true);
    expect(isProtectedAtIntake('report', false)).toBe(true);
    expect(isProtectedAtIntake('complaint', undefined)).toBe(false);
    expect(isProtectedAtIntake('complaint', true)).toBe(true);
    expect(isProtectedAtIntake('enquiry', false)).toBe(false);
  });

  it('shows a protected requester to the intake unit and the units above it, never to the handling units', () => {
    expect(canSeeRequester(intakeAgent, reportCase)).toBe(true);
    expect(canSeeRequester(regionSupervisor, reportCase)).toBe(true);
    expect(canSeeRequester(bureauHandler, reportCase)).toBe(false);
    expect(canSeeRequester(cityLeader, reportCase)).toBe(false);
  });

  it('shows an unprotected requester to everyone who may read personal data, and to nobody else', () => {
    expect(canSeeRequester(bureauHandler, openCase)).toBe(true);
    expect(canSeeRequester(citizenDesk, openCase)).toBe(false);
    expect(canSeeRequester(citizenDesk, reportCase)).toBe(false);
  });

  it('is added by the intake side only, and never twice', () => {
    expect(canProtect(intakeAgent, openCase)).toBe(true);
    expect(canProtect(regionSupervisor, openCase)).toBe(true);
    expect(canProtect(bureauHandler, openCase)).toBe(false);
    expect(canProtect(intakeAgent, reportCase)).toBe(false);
  });
});
