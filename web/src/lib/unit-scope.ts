// Who may change a setting, as the server decides it (docs/access.md, "Settings of the whole organisation"): the
// pages show what the reader may not change read-only, with the reason, instead of letting them fail on save.
import { ApiError } from '../api/client';
import type { Unit } from '../api/types';

/** The server's reasons for refusing a change that is not the reader's unit's to make. */
export type ScopeRefusal = 'not_top_level_unit' | 'outside_scope';

/** Whether the unit has no parent; null until the units are known. */
export function isTopLevelUnit(units: readonly Unit[], unitId: string | null | undefined): boolean | null {
  const unit = units.find((u) => u.id === unitId);
  return unit ? unit.parentId === null : null;
}

/** Whether `unitId` is `ancestorId` or lies below it; null while either is unknown. */
export function isUnitWithin(units: readonly Unit[], ancestorId: string | null | undefined, unitId: string): boolean | null {
  const byId = new Map(units.map((u) => [u.id, u]));
  if (!ancestorId || !byId.has(ancestorId) || !byId.has(unitId)) return null;
  const seen = new Set<string>();
  for (let id: string | null = unitId; id !== null && !seen.has(id); id = byId.get(id)?.parentId ?? null) {
    if (id === ancestorId) return true;
    seen.add(id);
  }
  return false;
}

/**
 * Whether the reader may change something that belongs to `ownerUnitId` (null: to the whole organisation), by the
 * server's rule: readers of a top-level unit anything; others only what belongs to their unit or one below it,
 * never what belongs to nobody or to a top-level unit. Null while the units are unknown: the server decides.
 */
export function canChangeOwnedBy(units: readonly Unit[], readerUnitId: string | null | undefined, ownerUnitId: string | null): boolean | null {
  const isTop = isTopLevelUnit(units, readerUnitId);
  if (isTop === null) return null;
  if (isTop) return true;
  if (ownerUnitId === null || isTopLevelUnit(units, ownerUnitId) !== false) return false;
  return isUnitWithin(units, readerUnitId, ownerUnitId) === true;
}

/** The units the reader may write for: their own and those below it (every unit for a top-level reader). */
export function unitsWithin(units: readonly Unit[], readerUnitId: string | null | undefined): Unit[] {
  return units.filter((u) => isUnitWithin(units, readerUnitId, u.id) === true);
}

/** The server refused a change as not the reader's unit's to make (403 `auth.forbidden` with one of the reasons). */
export function scopeRefusalOf(err: unknown): ScopeRefusal | null {
  if (!(err instanceof ApiError) || err.status !== 403 || err.code !== 'auth.forbidden') return null;
  const reason = err.details['reason'];
  return reason === 'not_top_level_unit' || reason === 'outside_scope' ? reason : null;
}
