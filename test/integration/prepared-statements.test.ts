import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../src/db/database.js';
import { createPreparingPool } from '../../src/db/prepared-statements.js';
import type { Database } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Plan-stable statements run as prepared statements on each connection (src/db/prepared-statements.ts). What a
 * connection has prepared is in its `pg_prepared_statements`, so every check runs on one pinned connection.
 */

let database: TestDatabase;
let unprepared: Db;
beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'), inject('templateDb'));
  unprepared = createDb(database.url, { max: 1, onIdleError: () => {}, isPreparing: false });
});
afterAll(async () => {
  await unprepared.destroy();
  await database.drop();
});

type Prepared = { statement: string; generic_plans: string; custom_plans: string };
const preparedOf = async (db: Db): Promise<Prepared[]> =>
  (await sql<Prepared>`SELECT statement, generic_plans::text, custom_plans::text FROM pg_prepared_statements`.execute(db)).rows;

describe('prepared statements', () => {
  it('prepare a look-up by key once per connection, and PostgreSQL then keeps a generic plan', async () => {
    await database.db.connection().execute(async (db) => {
      const lookUp = db.selectFrom('users').select(['id', 'username']).where('username', '=', 'agent');
      const text = lookUp.compile().sql;
      for (let i = 0; i < 8; i += 1) expect((await lookUp.executeTakeFirstOrThrow()).username).toBe('agent');
      const mine = (await preparedOf(db)).filter((p) => p.statement === text);
      expect(mine).toHaveLength(1);
      expect(Number(mine[0]?.generic_plans)).toBeGreaterThan(0);
      expect(Number(mine[0]?.custom_plans) + Number(mine[0]?.generic_plans)).toBe(8);
    });
  });

  it('leave unnamed what a generic plan could get wrong, and lists of varying length', async () => {
    await database.db.connection().execute(async (db) => {
      const units = await db.selectFrom('units').select(['id', 'path']).execute();
      const statements = [
        db.selectFrom('units').select('id').where(sql<boolean>`path <@ ${'lhasa'}::ltree`),
        db.selectFrom('cases').select('id').where('status', '=', 'registered').orderBy('created_at', 'desc').limit(20),
        db.selectFrom('units').select('id').where('code', 'like', 'city%'),
        db.selectFrom('units').select('id').where('id', 'in', units.slice(0, 3).map((u) => u.id)),
        db.selectFrom('cases').select('id').where('status', '=', 'registered'),
        db.selectFrom('cases').select('id').where('created_at', '>=', new Date(0)),
      ];
      for (const s of statements) for (let i = 0; i < 3; i += 1) await s.execute();
      const prepared = (await preparedOf(db)).map((p) => p.statement);
      for (const s of statements) expect(prepared).not.toContain(s.compile().sql);
    });
  });

  it('keep at most the set number of statements per connection, and run the rest unnamed', async () => {
    const capped = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: createPreparingPool(new pg.Pool({ connectionString: database.url, max: 1 }), { maxPerConnection: 2 }) }),
    });
    try {
      await capped.connection().execute(async (db) => {
        const reads = [
          db.selectFrom('users').select('id').where('username', '=', 'agent'),
          db.selectFrom('units').select('id').where('code', '=', 'hrss'),
          db.selectFrom('categories').select('id').where('code', '=', 'noise'),
        ];
        for (let i = 0; i < 2; i += 1) for (const r of reads) expect(await r.execute()).toHaveLength(1);
        expect((await preparedOf(db)).map((p) => p.statement).sort()).toEqual(reads.slice(0, 2).map((r) => r.compile().sql).sort());
      });
    } finally {
      await capped.destroy();
    }
  });

  it('prepare nothing when turned off', async () => {
    await unprepared.connection().execute(async (db) => {
      for (let i = 0; i < 3; i += 1) await db.selectFrom('users').select('id').where('username', '=', 'agent').execute();
      expect(await preparedOf(db)).toEqual([]);
    });
  });

  it('after a schema change, send a stale statement again unnamed outside a transaction, fail it inside one, and replace the connection', async () => {
    await sql`CREATE TABLE prepared_probe (id int PRIMARY KEY, a text)`.execute(database.db);
    await sql`INSERT INTO prepared_probe VALUES (1, 'one')`.execute(database.db);
    const read = (db: Db) => sql<Record<string, unknown>>`SELECT * FROM prepared_probe WHERE id = ${1}`.execute(db);
    const pidOf = async (db: Db) => (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]?.pid;
    let stalePid: number | undefined;
    await database.db.connection().execute(async (db) => {
      stalePid = await pidOf(db);
      expect((await read(db)).rows).toEqual([{ id: 1, a: 'one' }]);
      expect((await preparedOf(db)).map((p) => p.statement)).toContain('SELECT * FROM prepared_probe WHERE id = $1');
      await sql`ALTER TABLE prepared_probe ADD COLUMN b text DEFAULT 'two'`.execute(db);
      expect((await read(db)).rows).toEqual([{ id: 1, a: 'one', b: 'two' }]);
      expect((await read(db)).rows).toEqual([{ id: 1, a: 'one', b: 'two' }]);
    });
    // Back in the pool, the connection was closed: its backend is gone.
    const deadline = Date.now() + 5000;
    const isAlive = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${stalePid ?? -1}`.execute(unprepared)).rows[0]?.n === 1;
    while ((await isAlive()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await isAlive()).toBe(false);

    // Inside a transaction the statement cannot be sent again: that call, and so the transaction, fails.
    const inTransaction = database.db.transaction().execute(async (trx) => {
      expect((await read(trx)).rows).toEqual([{ id: 1, a: 'one', b: 'two' }]);
      await sql`ALTER TABLE prepared_probe ADD COLUMN c text DEFAULT 'three'`.execute(trx);
      await read(trx);
    });
    await expect(inTransaction).rejects.toMatchObject({ code: '0A000' });
    expect((await read(database.db)).rows).toEqual([{ id: 1, a: 'one', b: 'two' }]);
  });
});
