import type { Db } from '../../src/db/database.js';

/** The entries a change writes in its own transaction about one subject, oldest first. */
export const changesOf = async (db: Db, action: string, subjectId: string) =>
  db
    .selectFrom('audit_log')
    .select(['actor_id', 'actor_name', 'ip', 'user_agent', 'subject_kind', 'outcome', 'data'])
    .where('action', '=', action)
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute();

/** How many entries of this action the log holds. */
export const entryCount = async (db: Db, action: string): Promise<number> =>
  Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n);
