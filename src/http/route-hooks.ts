/**
 * A route's hook list with one more hook at its end. Hooks that only some routes need (the gate of heavy
 * requests, the count of access-code attempts) are added to those routes' own lists from an `onRoute` hook,
 * so that every other request (the desks' many small ones) pays nothing for them.
 */
export const appendHook = <H>(existing: H | H[] | undefined, hook: H): H[] =>
  existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
