import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/**
 * Prepared statements for the statements whose plan cannot depend on their parameters.
 *
 * Kysely sends every statement unnamed, so PostgreSQL parses and plans it again on every call. For the small
 * statements that make up most of the traffic (a case by id, its timeline, an event insert, a session look-up)
 * planning costs 2 to 10 times the execution (docs/durability.md 3.7). A named statement is parsed once per
 * connection; after five runs PostgreSQL may keep a generic plan and stop planning it.
 *
 * A generic plan is chosen without the parameter values, so only statements whose best plan is the same for
 * every value are named: look-ups, inserts and updates by key. Lists, searches and scope checks are left
 * unnamed (see `isPlanStable`): a unit's scope can match one case or all of them.
 */

/**
 * What makes a plan depend on the values: scope (ltree), text search, patterns, similarity, paging, and arrays
 * (`= ANY($1)`: a generic plan cannot know how many elements; the search-term look-up got ten times slower).
 */
const VALUE_DEPENDENT = /<@|@>|@@|%|\b(?:i?like|similarity|word_similarity|tsquery|limit|offset|between|distinct from)\b|\b(?:any|all)\s*\(/i;
/**
 * Lists of values (`IN ($1, $2, …)`, multi-row `VALUES`) change their text with their length, so each length
 * would take a prepared statement of its own.
 */
const VARIABLE_LENGTH = /\bin \(\$\d+, \$\d+|\)\s*,\s*\(\$\d+/i;
/**
 * Columns whose equality with a value selects one row, or one item's rows, whatever the value: keys. Any other
 * comparison with a parameter makes the plan depend on it: a range (`registered_at >= $1`) is estimated blind,
 * and `state = $1` cannot use a partial index `WHERE state = 'published'` (a review measured the public
 * open-data count at 93–168 ms with a generic plan against 12–17 ms with custom ones).
 */
const KEY_COLUMN = /^(?:id|\w+_id|\w+_hash|username|item_kind|key|code|tracking_no|day|lexeme)$/;
const COMPARISON = /([\w"]+(?:\.[\w"]+)?)\s*(=|<>|!=|<=|>=|<|>|\bin\s*\(|\bnot\s+in\s*\()\s*\$\d+/gi;
/** Assignments (`SET "status" = $1`) are not comparisons: cut them before looking at the predicates. */
const ASSIGNMENTS = /\bset\b[\s\S]*?(?=\bwhere\b|\bfrom\b|\breturning\b|$)/gi;
const MAX_PARAMETERS = 100;
const MAX_TEXT_LENGTH = 20_000;

const isComparingKeysOnly = (text: string): boolean => {
  for (const m of text.replace(ASSIGNMENTS, ' ').matchAll(COMPARISON)) {
    const column = (m[1] ?? '').split('.').at(-1)?.replaceAll('"', '') ?? '';
    const operator = (m[2] ?? '').replace(/\s+/g, ' ').toLowerCase();
    if ((operator !== '=' && operator !== 'in (' && operator !== 'in(') || !KEY_COLUMN.test(column)) return false;
  }
  return true;
};

export const isPlanStable = (text: string, parameterCount: number): boolean =>
  parameterCount > 0 &&
  parameterCount <= MAX_PARAMETERS &&
  text.length <= MAX_TEXT_LENGTH &&
  !VALUE_DEPENDENT.test(text) &&
  !VARIABLE_LENGTH.test(text) &&
  isComparingKeysOnly(text);

/**
 * Errors after which a connection's prepared statements are no use: a result type changed by a schema change,
 * a statement dropped (`DISCARD`), or a name already taken (a transaction-mode pooler sharing server
 * connections; run with BIHUAN_DB_PREPARE=off there).
 */
const isStaleStatementError = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return error.code === '26000' || error.code === '42P05' || (error.code === '0A000' && message.includes('cached plan must not change result type'));
};

type ClientState = { names: Map<string, string>; isInTransaction: boolean; isStale: boolean };

export type PreparingPoolOptions = {
  /** Statements kept per connection; past it, new statements run unnamed (PostgreSQL keeps each plan in memory). */
  maxPerConnection?: number;
};

/**
 * A pool for Kysely's PostgresDialect that runs plan-stable statements as named (prepared) statements on each
 * connection. After a schema change a prepared statement can fail (`cached plan must not change result type`).
 * Outside a transaction the statement is then sent again unnamed and the caller sees nothing; inside one, that
 * call fails (the transaction is already aborted). Either way the connection names nothing more and is replaced
 * when it goes back to the pool.
 */
export const createPreparingPool = (pool: pg.Pool, options: PreparingPoolOptions = {}): PostgresPool => {
  const maxPerConnection = options.maxPerConnection ?? 200;
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  // Every statement passes here: decide once per text (several regular expressions over up to 20 kB). Texts
  // that change with their values (IN lists) are many, so the memory of decisions is bounded and starts afresh.
  const decisions = new Map<string, boolean>();
  const isStable = (text: string, parameterCount: number): boolean => {
    const known = decisions.get(text);
    if (known !== undefined) return known;
    const decision = isPlanStable(text, parameterCount);
    if (decisions.size >= 2000) decisions.clear();
    decisions.set(text, decision);
    return decision;
  };

  const nameFor = (state: ClientState, text: string): string | null => {
    const known = state.names.get(text);
    if (known) return known;
    if (state.names.size >= maxPerConnection) return null;
    const name = `b_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    state.names.set(text, name);
    return name;
  };

  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const state: ClientState = { names: new Map(), isInTransaction: false, isStale: false };
    const run = async <R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
      const values = [...parameters];
      // Kysely's own transaction statements: a failed statement may be sent again only outside a transaction.
      if (/^\s*(?:begin|start transaction)\b/i.test(text)) state.isInTransaction = true;
      else if (/^\s*(?:commit|rollback)\s*$/i.test(text)) state.isInTransaction = false;
      const name = !state.isStale && isStable(text, values.length) ? nameFor(state, text) : null;
      if (name === null) return (await client.query(text, values)) as unknown as PostgresQueryResult<R>;
      try {
        return (await client.query({ name, text, values })) as unknown as PostgresQueryResult<R>;
      } catch (error) {
        if (!isStaleStatementError(error)) throw error;
        // This connection's statements cannot be trusted: none is named again, and the pool replaces the
        // connection when it comes back, which also frees the statements PostgreSQL holds for it.
        state.isStale = true;
        state.names.clear();
        if (state.isInTransaction) throw error;
        return (await client.query(text, values)) as unknown as PostgresQueryResult<R>;
      }
    };
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(first: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof first !== 'string') return client.query(first as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
      return run<R>(first, parameters ?? []);
    }
    // `true` makes the pool destroy the client instead of keeping it.
    return { query, release: () => client.release(state.isStale ? true : undefined) };
  };

  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
};

/** `BIHUAN_DB_PREPARE=off` runs every statement unnamed (for a connection pooler that cannot keep them). */
export const isPreparingEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  !['off', 'false', '0'].includes((env.BIHUAN_DB_PREPARE ?? '').trim().toLowerCase());
