import type { Actor } from '../auth/actor.js';
import { checkOwnedByUnitsOrThrow, ownershipRefusalOf } from '../auth/organisation-wide.js';
import { AppError } from '../shared/app-error.js';
import type { ReplyTemplateInput } from './reply-templates.js';

/**
 * What changing canned replies reads and writes; the caller binds it to one transaction, so the check and the
 * change see the same template. `T` is the stored template as the caller shows it.
 */
export type ReplyTemplateStore<T extends { unitId: string | null }> = {
  hasCategory: (categoryId: string) => Promise<boolean>;
  /** The unit's path, or null when there is no such unit. */
  unitPathOf: (unitId: string) => Promise<string | null>;
  /** Locks the template until the transaction ends. */
  findForUpdate: (id: string) => Promise<T | null>;
  create: (input: ReplyTemplateInput) => Promise<T>;
  update: (id: string, input: ReplyTemplateInput) => Promise<T>;
  retire: (id: string) => Promise<T>;
};

type Deps<T extends { unitId: string | null }> = { store: ReplyTemplateStore<T> };
type ActorOf = Pick<Actor, 'unitPath'>;

const unknownField = (field: 'categoryId' | 'unitId', message: string): AppError =>
  new AppError('validation.failed', `body.${field}: ${message}`, { issues: [{ path: `body.${field}`, message }] });

/*
 * A template of a unit is that unit's wording: its staff (with reply_template.manage, checked by the route) and
 * those of the units above it look after it. A general template (no unit), or one of a top-level unit, is offered
 * to every unit below, so only staff of a top-level unit write one (`not_top_level_unit`); another unit's template
 * is refused openly (`outside_scope`), since every member of staff can list it.
 */

/** The template's unit as a path; a unit that has gone counts as none, i.e. the whole organisation's. */
const ownerPathsOf = async <T extends { unitId: string | null }>(deps: Deps<T>, unitId: string | null): Promise<string[]> => {
  const path = unitId === null ? null : await deps.store.unitPathOf(unitId);
  return path === null ? [] : [path];
};

/** The unit a template is written for: a unit the writer may not look after is a wrong answer in that field. */
const checkTargetOrThrow = async <T extends { unitId: string | null }>(deps: Deps<T>, actor: ActorOf, input: ReplyTemplateInput): Promise<void> => {
  if (input.categoryId && !(await deps.store.hasCategory(input.categoryId))) throw unknownField('categoryId', 'no such category');
  const path = input.unitId === null ? null : await deps.store.unitPathOf(input.unitId);
  if (input.unitId !== null && path === null) throw unknownField('unitId', 'no such unit');
  const paths = path === null ? [] : [path];
  // The same answer as a unit outside one's own on the staff-account and API-token forms (docs/access.md).
  if (ownershipRefusalOf(actor, paths) === 'outside_scope') {
    throw new AppError('validation.failed', 'body.unitId: the unit must be yours or one below it', { issues: [{ path: 'body.unitId', message: 'outside_scope' }] });
  }
  checkOwnedByUnitsOrThrow(actor, 'reply_templates', paths);
};

const findManageableOrThrow = async <T extends { unitId: string | null }>(deps: Deps<T>, actor: ActorOf, id: string): Promise<T> => {
  const template = await deps.store.findForUpdate(id);
  if (!template) throw new AppError('resource.not_found', 'no such reply template', { id });
  checkOwnedByUnitsOrThrow(actor, 'reply_templates', await ownerPathsOf(deps, template.unitId));
  return template;
};

export const addReplyTemplate = async <T extends { unitId: string | null }>(
  deps: Deps<T>,
  input: { actor: ActorOf; template: ReplyTemplateInput },
): Promise<T> => {
  await checkTargetOrThrow(deps, input.actor, input.template);
  return deps.store.create(input.template);
};

/** Both the template as it is and what it becomes must be the writer's: nobody moves a template into or out of reach. */
export const replaceReplyTemplate = async <T extends { unitId: string | null }>(
  deps: Deps<T>,
  input: { actor: ActorOf; id: string; template: ReplyTemplateInput },
): Promise<T> => {
  await findManageableOrThrow(deps, input.actor, input.id);
  await checkTargetOrThrow(deps, input.actor, input.template);
  return deps.store.update(input.id, input.template);
};

export const retireReplyTemplate = async <T extends { unitId: string | null }>(deps: Deps<T>, input: { actor: ActorOf; id: string }): Promise<T> => {
  await findManageableOrThrow(deps, input.actor, input.id);
  return deps.store.retire(input.id);
};
