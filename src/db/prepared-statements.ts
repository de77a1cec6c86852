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
const VALUE_DEPENDENT = /<@|@>|@@|%|\b(?:i?like|similarity|word_similarity|tsquery|limit|offset)\b|\b(?:any|all)\s*\(/i;
/**
 * Lists of values (`IN ($1, $2, …)`, multi-row `VALUES`) change their text with their length, so each length
 * would take a prepared statement of its own.
 */
const VARIABLE_LENGTH = /\bin \(\$\d+, \$\d+|\)\s*,\s*\(\$\d+/i;
const MAX_PARAMETERS = 100;
const MAX_TEXT_LENGTH = 20_000;

export const isPlanStable = (text: string, parameterCount: number): boolean =>
  parameterCount > 0 &&
  parameterCount <= MAX_PARAMETERS &&
  text.length <= MAX_TEXT_LENGTH &&
  !VALUE_DEPENDENT.test(text) &&
  !VARIABLE_LENGTH.test(text);

/** SQLSTATEs after which a connection's prepared statement is no use: a changed result type, a dropped statement. */
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

type ClientState = { names: Map<string, string>; generation: number };

export type PreparingPoolOptions = {
  /** Statements kept per connection; past it, new statements run unnamed (PostgreSQL keeps each plan in memory). */
  maxPerConnection?: number;
};

/**
 * A pool for Kysely's PostgresDialect that runs plan-stable statements as named (prepared) statements on each
 * connection. After a schema change a prepared statement can fail (`cached plan must not change result type`);
 * that call fails, the name is forgotten, and the next call prepares the statement again under a new name.
 */
export const createPreparingPool = (pool: pg.Pool, options: PreparingPoolOptions = {}): PostgresPool => {
  const maxPerConnection = options.maxPerConnection ?? 200;
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  const nameFor = (state: ClientState, text: string): string | null => {
    const known = state.names.get(text);
    if (known) return known;
    if (state.names.size >= maxPerConnection) return null;
    const name = `b${state.generation}_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    state.names.set(text, name);
    return name;
  };

  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const state: ClientState = { names: new Map(), generation: 0 };
    const run = async <R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
      const values = [...parameters];
      const name = isPlanStable(text, values.length) ? nameFor(state, text) : null;
      if (name === null) return (await client.query(text, values)) as unknown as PostgresQueryResult<R>;
      try {
        return (await client.query({ name, text, values })) as unknown as PostgresQueryResult<R>;
      } catch (error) {
        if (STALE_STATEMENT_CODES.has(codeOf(error) ?? '')) {
          // The statement cannot be re-prepared under its old name on this connection: all names start afresh.
          state.names.clear();
          state.generation += 1;
        }
        throw error;
      }
    };
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(first: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof first !== 'string') return client.query(first as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
      return run<R>(first, parameters ?? []);
    }
    return { query, release: () => client.release() };
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
