import type { Permission, Role } from './roles.js';

type ActorBase = {
  username: string;
  displayName: string;
  roles: readonly Role[];
  permissions: ReadonlySet<Permission>;
  unitId: string;
  /** ltree path of the actor's home unit: everything below it is in scope. */
  unitPath: string;
  /**
   * Set when the request came with an API token (docs/access.md): permissions and unit are then the token's
   * limits intersected with the owner's current ones, and the routes that make credentials or change security
   * settings refuse it.
   */
  apiToken?: { id: string; prefix: string } | null;
  /** The session's password must be replaced first (auth.plugin.ts): set by an administrator, or too old. */
  mustChangePassword?: boolean;
  passwordChangeReason?: 'administrator' | 'expired' | null;
  /** False for an account without a password its owner could type (single sign-on, service accounts); absent reads as true. */
  hasPassword?: boolean;
};

/** A signed-in staff member, resolved once per request by the HTTP layer: every step they take carries their id. */
export type UserActor = ActorBase & { kind: 'user'; userId: string };

/**
 * The intake desk acting by itself (the auto-dispatch of a citizen's or an integration's submission). It has no
 * user id, so that nothing can record one for it: its steps are recorded as the system's.
 */
export type SystemActor = ActorBase & { kind: 'system'; userId: null };

/** Who is acting. Most use cases take a UserActor; only the case actions the system may take accept both. */
export type Actor = UserActor | SystemActor;

export const hasPermission = (actor: Actor, permission: Permission): boolean => actor.permissions.has(permission);

/** ltree semantics (`a @> b`), in pure code so that rules can be tested without a database. */
export const isPathWithin = (ancestorPath: string, path: string): boolean =>
  path === ancestorPath || path.startsWith(`${ancestorPath}.`);

/**
 * The intake desk of a unit acting by itself: a dispatcher's permissions over that unit's cases and nothing more.
 * Only the auto-dispatch uses it (performCaseAction refuses it for every other action).
 */
export const systemDispatcherOf = (unit: { id: string; path: string }, permissions: ReadonlySet<Permission>): SystemActor => ({
  kind: 'system',
  userId: null,
  username: 'system',
  displayName: '系统',
  roles: ['dispatcher'],
  permissions,
  unitId: unit.id,
  unitPath: unit.path,
});
