import { createDb, type Db } from '../../src/db/database.js';

export type StatementLog = {
  /** A database handle of its own whose statements are recorded. */
  db: Db;
  /** How many statements so far match the pattern (Kysely's SQL text, e.g. /insert into "audit_log"/). */
  countOf: (pattern: RegExp) => number;
  destroy: () => Promise<void>;
};

/** For tests that prove how many statements some work takes (batching: one statement for many requests). */
export const createStatementLog = (url: string): StatementLog => {
  const statements: string[] = [];
  const db = createDb(url, {
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
  return { db, countOf: (pattern) => statements.filter((s) => pattern.test(s)).length, destroy: () => db.destroy() };
};
