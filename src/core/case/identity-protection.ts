import { isPathWithin, type Actor } from '../auth/actor.js';
import type { Kind } from './case.types.js';

/**
 * Identity protection (举报人保护). The rules on letters and visits and on reports to procuratorates forbid passing
 * a requester's identity to the people or unit they report on. Which unit that is cannot be known at intake (a
 * report about a bureau is handled by that bureau or its superior), so a protected case's requester is shown
 * only to the unit that took the case in and the units above it: never to a unit it is dispatched or
 * transferred to. The handling unit still sees the matter itself; the reply reaches the requester through the
 * intake desk's messages, which need no person to know who they are.
 */

/** A report (举报) is protected whatever the requester asked; other kinds when the requester asks. */
export const isProtectedAtIntake = (kind: Kind, isRequested: boolean | undefined): boolean => kind === 'report' || isRequested === true;

type ProtectedCase = { isIdentityProtected: boolean; intakeUnitPath: string };

/** Staff of the intake unit or above it: the people the requester gave their identity to. */
export const isAtIntakeOf = (actor: Actor, item: { intakeUnitPath: string }): boolean => isPathWithin(actor.unitPath, item.intakeUnitPath);

/** May this actor see who the requester is (masked, or revealed with an audit entry)? */
export const canSeeRequester = (actor: Actor, item: ProtectedCase): boolean =>
  actor.permissions.has('case.view_personal_data') && (!item.isIdentityProtected || isAtIntakeOf(actor, item));
