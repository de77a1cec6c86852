import { AppError } from '../shared/app-error.js';

/**
 * A small, pure workflow engine. A definition names the states of one kind of work item and, for each
 * action, the states it may start from, the state it leads to, who may perform it and what else must
 * hold. Cases are the first kind; rectification problems, service orders and pick-ups reuse the engine,
 * the timeline and the deadlines with their own definitions.
 *
 * The engine decides *whether* and *to which state*; the use case of each action computes the data
 * changes and the timeline event. Checks run in a fixed order so that errors are predictable:
 * permission (403) → state (409) → scope of the actor on this item (403) → guard (409).
 */
export type Refusal = { code: 'case.invalid_transition' | 'case.not_assigned' | 'auth.forbidden'; reason: string };

export type ActionRule<TState extends string, TItem, TActor> = {
  /** States the action may start from. */
  from: readonly TState[];
  /** The target state; a function for actions whose effect depends on who acts (e.g. a lead vs an assisting unit). */
  to: TState | ((item: TItem, actor: TActor) => TState);
  /** Role-level permission, independent of the item. */
  permission: string;
  /** Domain preconditions beyond the state; returns the reason it is refused, or null. */
  guard?: (item: TItem, actor: TActor) => string | null;
  /** Whether this actor, with this permission, may act on this particular item (unit scope, assignment). */
  isInScope?: (item: TItem, actor: TActor) => boolean;
  /** Event code written to the timeline. */
  event: string;
};

export type WorkflowDefinition<TState extends string, TAction extends string, TItem, TActor> = {
  kind: string;
  states: readonly TState[];
  initial: TState;
  /** States from which no action leads anywhere. */
  terminal: readonly TState[];
  actions: Record<TAction, ActionRule<TState, TItem, TActor>>;
  statusOf: (item: TItem) => TState;
  permissionsOf: (actor: TActor) => ReadonlySet<string>;
};

export type TransitionPlan<TState extends string> = { from: TState; to: TState; event: string };

export const checkTransition = <TState extends string, TAction extends string, TItem, TActor>(
  definition: WorkflowDefinition<TState, TAction, TItem, TActor>,
  action: TAction,
  item: TItem,
  actor: TActor,
): TransitionPlan<TState> | Refusal => {
  const rule = definition.actions[action];
  const from = definition.statusOf(item);
  if (!definition.permissionsOf(actor).has(rule.permission)) {
    return { code: 'auth.forbidden', reason: `missing permission ${rule.permission}` };
  }
  if (!rule.from.includes(from)) {
    return { code: 'case.invalid_transition', reason: `${action} is not allowed in status ${from}` };
  }
  if (rule.isInScope && !rule.isInScope(item, actor)) {
    return { code: 'case.not_assigned', reason: `the actor's unit is not responsible for this ${definition.kind}` };
  }
  const guardReason = rule.guard?.(item, actor) ?? null;
  if (guardReason !== null) return { code: 'case.invalid_transition', reason: guardReason };
  const to = typeof rule.to === 'function' ? rule.to(item, actor) : rule.to;
  return { from, to, event: rule.event };
};

const isRefusal = <TState extends string>(value: TransitionPlan<TState> | Refusal): value is Refusal =>
  'code' in value;

/** Like checkTransition, but throws the coded AppError the HTTP layer maps to 403/409. */
export const planTransitionOrThrow = <TState extends string, TAction extends string, TItem, TActor>(
  definition: WorkflowDefinition<TState, TAction, TItem, TActor>,
  action: TAction,
  item: TItem,
  actor: TActor,
): TransitionPlan<TState> => {
  const result = checkTransition(definition, action, item, actor);
  if (isRefusal(result)) {
    throw new AppError(result.code, result.reason, { action, status: definition.statusOf(item) });
  }
  return result;
};

/** The actions this actor may perform on this item now: what the UI offers, in definition order. */
export const allowedActions = <TState extends string, TAction extends string, TItem, TActor>(
  definition: WorkflowDefinition<TState, TAction, TItem, TActor>,
  item: TItem,
  actor: TActor,
): TAction[] =>
  (Object.keys(definition.actions) as TAction[]).filter(
    (action) => !isRefusal(checkTransition(definition, action, item, actor)),
  );
