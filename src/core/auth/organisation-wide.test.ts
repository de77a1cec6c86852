import { describe, expect, it } from 'vitest';
import { checkOrganisationWideOrThrow, checkOwnedByUnitsOrThrow, ownershipRefusalOf } from './organisation-wide.js';

const top = { unitPath: 'lhasa' };
const bureau = { unitPath: 'lhasa.hrss' };

describe('settings of the whole organisation', () => {
  it('are changed from a top-level unit only', () => {
    expect(() => checkOrganisationWideOrThrow(top, 'open_data_settings')).not.toThrow();
    expect(() => checkOrganisationWideOrThrow(bureau, 'open_data_settings')).toThrow(
      expect.objectContaining({ code: 'auth.forbidden', details: { reason: 'not_top_level_unit', setting: 'open_data_settings' } }),
    );
    // No unit at all is no unit at the top.
    expect(() => checkOrganisationWideOrThrow({ unitPath: '' }, 'sla_policies')).toThrow(expect.objectContaining({ code: 'auth.forbidden' }));
  });
});

describe('what belongs to units', () => {
  it('is for staff whose unit covers every owner; nothing owned, or owned at the top, is the whole organisation', () => {
    expect(ownershipRefusalOf(top, [])).toBeNull();
    expect(ownershipRefusalOf(top, ['lhasa.cityman', 'lhasa.hrss'])).toBeNull();
    expect(ownershipRefusalOf(bureau, ['lhasa.hrss'])).toBeNull();
    expect(ownershipRefusalOf(bureau, ['lhasa.hrss.hrss_inspection', 'lhasa.hrss'])).toBeNull();
    expect(ownershipRefusalOf(bureau, [])).toBe('not_top_level_unit');
    expect(ownershipRefusalOf(bureau, ['lhasa'])).toBe('not_top_level_unit');
    expect(ownershipRefusalOf(bureau, ['lhasa.hrss', 'lhasa.cityman'])).toBe('outside_scope');
    // A label that merely starts the same is another unit.
    expect(ownershipRefusalOf(bureau, ['lhasa.hrss_other'])).toBe('outside_scope');
    expect(ownershipRefusalOf({ unitPath: 'lhasa.hrss.hrss_inspection' }, ['lhasa.hrss'])).toBe('outside_scope');
  });

  it('refuses with the reason as a 403', () => {
    expect(() => checkOwnedByUnitsOrThrow(bureau, 'calendars', ['lhasa.cityman'])).toThrow(
      expect.objectContaining({ code: 'auth.forbidden', details: { reason: 'outside_scope', setting: 'calendars' } }),
    );
    expect(() => checkOwnedByUnitsOrThrow(bureau, 'calendars', [])).toThrow(expect.objectContaining({ details: { reason: 'not_top_level_unit', setting: 'calendars' } }));
    expect(() => checkOwnedByUnitsOrThrow(bureau, 'calendars', ['lhasa.hrss'])).not.toThrow();
  });
});
