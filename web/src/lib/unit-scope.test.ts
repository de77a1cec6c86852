import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { Unit } from '../api/types';
import { canChangeOwnedBy, isTopLevelUnit, isUnitWithin, scopeRefusalOf, unitsWithin } from './unit-scope';

const unit = (id: string, parentId: string | null): Unit => ({ id, code: id, name: id, parentId, type: 'department' });
const units: Unit[] = [unit('lhasa', null), unit('hrss', 'lhasa'), unit('inspection', 'hrss'), unit('cityman', 'lhasa'), unit('hrss_other', 'lhasa')];

describe('the reader\'s unit and the units below it', () => {
  it('knows a top-level unit, and does not guess while the units are unknown', () => {
    expect(isTopLevelUnit(units, 'lhasa')).toBe(true);
    expect(isTopLevelUnit(units, 'hrss')).toBe(false);
    expect(isTopLevelUnit([], 'hrss')).toBeNull();
    expect(isTopLevelUnit(units, null)).toBeNull();
  });

  it('walks up the tree, not along names', () => {
    expect(isUnitWithin(units, 'hrss', 'hrss')).toBe(true);
    expect(isUnitWithin(units, 'hrss', 'inspection')).toBe(true);
    expect(isUnitWithin(units, 'hrss', 'hrss_other')).toBe(false);
    expect(isUnitWithin(units, 'hrss', 'lhasa')).toBe(false);
    expect(isUnitWithin(units, 'hrss', 'unknown')).toBeNull();
    expect(unitsWithin(units, 'hrss').map((u) => u.id)).toEqual(['hrss', 'inspection']);
    expect(unitsWithin(units, 'lhasa')).toHaveLength(units.length);
  });
});

describe('what the reader may change', () => {
  it('follows the server: the top unit anything, a bureau its own units only, never what belongs to nobody or the top', () => {
    expect(canChangeOwnedBy(units, 'lhasa', null)).toBe(true);
    expect(canChangeOwnedBy(units, 'lhasa', 'cityman')).toBe(true);
    expect(canChangeOwnedBy(units, 'hrss', 'hrss')).toBe(true);
    expect(canChangeOwnedBy(units, 'hrss', 'inspection')).toBe(true);
    expect(canChangeOwnedBy(units, 'hrss', null)).toBe(false);
    expect(canChangeOwnedBy(units, 'hrss', 'lhasa')).toBe(false);
    expect(canChangeOwnedBy(units, 'hrss', 'cityman')).toBe(false);
    expect(canChangeOwnedBy(units, 'inspection', 'hrss')).toBe(false);
    // Unknown units: the server decides.
    expect(canChangeOwnedBy([], 'hrss', 'hrss')).toBeNull();
  });

  it('recognises the server\'s refusals of a change that is not the unit\'s to make', () => {
    const refusal = (reason: string) => new ApiError(403, 'auth.forbidden', 'no', 'errors.auth.forbidden', { reason });
    expect(scopeRefusalOf(refusal('not_top_level_unit'))).toBe('not_top_level_unit');
    expect(scopeRefusalOf(refusal('outside_scope'))).toBe('outside_scope');
    expect(scopeRefusalOf(refusal('token_scope'))).toBeNull();
    expect(scopeRefusalOf(new ApiError(403, 'auth.forbidden', 'no'))).toBeNull();
    expect(scopeRefusalOf(new ApiError(400, 'validation.failed', 'no', undefined, { reason: 'outside_scope' }))).toBeNull();
    expect(scopeRefusalOf(new Error('not_top_level_unit'))).toBeNull();
  });
});
