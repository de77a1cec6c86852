import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/db/backup.js';
import { createDb, type Db } from '../../src/db/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { adminQuery, withDatabase } from '../helpers/test-database.js';

let t: TestApp;
let dir = '';
const restoredName = `bihuan_restore_${process.pid}`;
let restored: Db | null = null;

beforeAll(async () => {
  t = await createTestApp();
  dir = await mkdtemp(path.join(os.tmpdir(), 'bihuan-backup-'));
  // Some activity beyond the seed: an audited request, a note with awkward text, a big amount.
  const c = (await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '备份 "测试"\t\\', description: 'ཚོད་ལྟ།\n第二行', amountClaimedFen: 9_007_199_254_740 })).json() as { id: string };
  await t.call('agent', 'POST', `/api/v1/cases/${c.id}/note`, { text: '引号"与反斜杠\\' });
  await t.runBackground();
});
afterAll(async () => {
  await restored?.destroy();
  await adminQuery(inject('pgAdminUrl'), `DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
  await rm(dir, { recursive: true, force: true });
  await t.close();
});

const snapshot = async (db: Db): Promise<Record<string, string[]>> => {
  const tables = (await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'bihuan_migrations%' ORDER BY 1`.execute(db)).rows;
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    out[name] = (await sql<{ r: string }>`SELECT row_to_json(t)::text AS r FROM ${sql.raw(`"${name}"`)} t ORDER BY 1`.execute(db)).rows.map((x) => x.r);
  }
  return out;
};

describe('backup and restore', () => {
  it('round-trips every table exactly into an empty database, and the restored one keeps working', async () => {
    const file = path.join(dir, 'bihuan.backup.gz');
    const header = await backupDatabase(t.database.db, file);
    expect(header.tables.find((x) => x.name === 'cases')?.rows).toBeGreaterThan(30);

    await adminQuery(inject('pgAdminUrl'), `CREATE DATABASE ${restoredName}`);
    restored = createDb(withDatabase(inject('pgAdminUrl'), restoredName), { max: 2, onIdleError: () => {} });
    await restoreDatabase(restored, file);
    const before = await snapshot(t.database.db);
    const after = await snapshot(restored);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);

    // Identities continue after the restored rows; append-only triggers are back on.
    await sql`INSERT INTO work_item_events (item_kind, item_id, seq, actor_kind, code) VALUES ('case', gen_random_uuid(), 1, 'system', 'test')`.execute(restored);
    await expect(sql`DELETE FROM work_item_events`.execute(restored)).rejects.toThrow(/append-only/);
  });

  it('refuses to restore over a database that has data, and changes nothing', async () => {
    const file = path.join(dir, 'again.backup.gz');
    await backupDatabase(t.database.db, file);
    const before = await snapshot(t.database.db);
    await expect(restoreDatabase(t.database.db, file)).rejects.toThrow(/not empty/);
    expect(await snapshot(t.database.db)).toEqual(before);
  });

  it('the CLI backs up and verifies the audit chain', async () => {
    const file = path.join(dir, 'cli.backup.gz');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bihuan.ts', ...args, '--database-url', t.database.url], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    const backup = run('backup', '--out', file);
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/backup written to .*tables, \d+ rows/);
    const verify = run('audit', 'verify');
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/audit log intact: [1-9]\d* entries/);
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard`.execute(t.database.db);
    await sql`DELETE FROM audit_log WHERE chain_seq = 1`.execute(t.database.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_guard`.execute(t.database.db);
    const broken = run('audit', 'verify');
    expect(broken.status).toBe(3);
    expect(broken.stdout).toContain('BROKEN at entry 2');
  }, 60_000);
});
