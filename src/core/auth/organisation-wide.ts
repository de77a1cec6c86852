import { isTopLevelUnitPath } from '../audit/audit-log-rules.js';
import { AppError } from '../shared/app-error.js';
import { isPathWithin } from './actor.js';

/*
 * Who may change what holds beyond their own unit (docs/access.md, "Settings of the whole organisation"). A
 * permission says what someone may do; a unit's staff hold the same permissions as the top unit's, so a setting
 * that every unit is measured or published by must also ask where the person sits: otherwise a supervisor of a
 * city bureau could switch off the review of every unit's petitions.
 */

/** What a refusal names (`details.setting`): settings of the whole organisation, and those a unit may own (calendars, templates). */
export const ORGANISATION_WIDE_SETTINGS = [
  'open_data_settings', 'sla_policies', 'calendars', 'duplicate_settings', 'suggestion_settings', 'reply_templates',
  'call_scripts', 'callback_questionnaires',
] as const;
export type OrganisationWideSetting = (typeof ORGANISATION_WIDE_SETTINGS)[number];

/** The same refusal as the two-factor roles and Open311: `403 auth.forbidden`, reason `not_top_level_unit`. */
export const checkOrganisationWideOrThrow = (actor: { unitPath: string }, setting: OrganisationWideSetting): void => {
  if (!isTopLevelUnitPath(actor.unitPath)) {
    throw new AppError('auth.forbidden', `${setting} hold for the whole organisation and are changed from a top-level unit`, {
      reason: 'not_top_level_unit',
      setting,
    });
  }
};

export type OwnershipRefusal = 'not_top_level_unit' | 'outside_scope';

/**
 * Something that belongs to the units at `ownerPaths` (a calendar several units name, a unit's reply template) is
 * changed by staff whose unit covers every one of them. Owned by no unit, or by a top-level one, it holds for the
 * whole organisation: top-level units only. Null: the change is theirs to make.
 */
export const ownershipRefusalOf = (actor: { unitPath: string }, ownerPaths: readonly string[]): OwnershipRefusal | null => {
  if (isTopLevelUnitPath(actor.unitPath)) return null;
  if (ownerPaths.length === 0 || ownerPaths.some(isTopLevelUnitPath)) return 'not_top_level_unit';
  return ownerPaths.every((path) => isPathWithin(actor.unitPath, path)) ? null : 'outside_scope';
};

/**
 * `ownershipRefusalOf` as a 403. Another unit's record is refused openly (`outside_scope`) rather than answered as
 * missing: these records are listed to every member of staff, so a 404 would hide nothing.
 */
export const checkOwnedByUnitsOrThrow = (actor: { unitPath: string }, setting: OrganisationWideSetting, ownerPaths: readonly string[]): void => {
  const refusal = ownershipRefusalOf(actor, ownerPaths);
  if (refusal === 'not_top_level_unit') checkOrganisationWideOrThrow(actor, setting);
  if (refusal === 'outside_scope') {
    throw new AppError('auth.forbidden', `this belongs to a unit outside yours as well: ${setting} are changed by staff of a unit above it`, {
      reason: 'outside_scope',
      setting,
    });
  }
};
