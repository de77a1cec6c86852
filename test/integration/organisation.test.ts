import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { OrganisationFile } from '../../src/core/directory/organisation-file.js';
import { createDb } from '../../src/db/database.js';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { buildApp } from '../../src/http/app.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { adminQuery, withDatabase } from '../helpers/test-database.js';

/** The organisation file (docs/organisation.md): export, import, and a deployment that starts without demo data. */

let t: TestApp;
let dir: string;
const out: string[] = [];
const written: string[] = [];
const io = { stdout: (line: string) => out.push(line), stderr: (line: string) => out.push(`! ${line}`), writeStdout: (data: string) => written.push(data) };

beforeAll(async () => {
  t = await createTestApp();
  dir = await mkdtemp(path.join(os.tmpdir(), 'bihuan-org-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const org = (url: string, ...args: string[]) => runCli(['org', ...args, '--database-url', url], io);
const count = async (table: 'units' | 'categories' | 'audit_log'): Promise<number> =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const fileWith = async (name: string, content: unknown): Promise<string> => {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('the organisation file', () => {
  it('exports the organisation, and importing the export changes nothing', async () => {
    written.length = 0;
    expect(await org(t.database.url, 'export')).toBe(0);
    const exported = JSON.parse(written.join('')) as OrganisationFile;
    expect(exported.units.length).toBe(await count('units'));
    expect(exported.categories.length).toBe(await count('categories'));
    // Parents first, so that the file imports as it is.
    const seen = new Set<string>();
    for (const u of exported.units) {
      if (u.parent) expect(seen.has(u.parent), u.code).toBe(true);
      seen.add(u.code);
    }
    expect(exported.units.find((u) => u.code === 'hrss')).toMatchObject({ parent: 'lhasa', name: { 'zh-Hans': expect.any(String), bo: expect.any(String), en: expect.any(String) } });

    out.length = 0;
    expect(await org(t.database.url, 'import', '--file', await fileWith('same.json', exported))).toBe(0);
    expect(out.join('\n')).toContain(`units: 0 new, 0 changed; categories: 0 new, 0 changed; ${exported.units.length + exported.categories.length} unchanged`);
  });

  it('adds units under existing ones and categories that route to them', async () => {
    const file = await fileWith('new.json', {
      units: [
        { code: 'lhasa_legal_aid', type: 'department', parent: 'lhasa', name: { 'zh-Hans': '法律援助中心', bo: 'ཁྲིམས་ལུགས་རམ་འདེགས་ལྟེ་གནས།', en: 'Legal Aid Centre' } },
        { code: 'legal_aid_chengguan', type: 'office', parent: 'lhasa_legal_aid', name: { 'zh-Hans': '城关工作站' } },
      ],
      categories: [{ code: 'legal_aid', parent: null, name: { 'zh-Hans': '法律援助', en: 'Legal aid' }, unit: 'lhasa_legal_aid', acceptHours: 24, replyDays: 10 }],
    });
    out.length = 0;
    expect(await org(t.database.url, 'import', '--file', file, '--dry-run')).toBe(0);
    expect(out.join('\n')).toContain('would import: units: 2 new');
    expect(await t.database.db.selectFrom('units').select('id').where('code', '=', 'lhasa_legal_aid').executeTakeFirst()).toBeUndefined();

    expect(await org(t.database.url, 'import', '--file', file)).toBe(0);
    const lhasa = await t.database.db.selectFrom('units').select('path').where('code', '=', 'lhasa').executeTakeFirstOrThrow();
    const office = await t.database.db.selectFrom('units').select('path').where('code', '=', 'legal_aid_chengguan').executeTakeFirstOrThrow();
    expect(office.path).toBe(`${lhasa.path}.lhasa_legal_aid.legal_aid_chengguan`);
    const units = (await t.call(null, 'GET', '/api/v1/units?lang=en')).json() as { items: { code: string; name: string }[] };
    expect(units.items.find((u) => u.code === 'lhasa_legal_aid')?.name).toBe('Legal Aid Centre');
    const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { code: string; defaultUnitId: string; replyDays: number }[] };
    expect(categories.items.find((c) => c.code === 'legal_aid')).toMatchObject({ replyDays: 10 });
    const audit = await t.database.db.selectFrom('audit_log').select(['data', 'actor_name']).where('action', '=', 'organisation.imported').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.data).toMatchObject({ createdUnits: ['lhasa_legal_aid', 'legal_aid_chengguan'], createdCategories: ['legal_aid'] });
    expect(audit.actor_name).toMatch(/^cli:/);
  });

  it('refuses a bad file with every problem and its place, and changes nothing', async () => {
    const before = [await count('units'), await count('categories'), await count('audit_log')];
    const cases: [string, unknown, string[]][] = [
      ['not-json.json', '{ units: [', ['is not JSON']],
      ['shape.json', { units: [{ code: 'Bad Code', type: 'department', parent: null, name: { 'zh-Hans': '坏' } }], extra: 1 }, ['units[0].code', 'extra']],
      [
        'rules.json',
        {
          units: [
            { code: 'hrss', type: 'department', parent: null, name: { 'zh-Hans': '人社局' } },
            { code: 'orphan', type: 'department', parent: 'nowhere', name: { 'zh-Hans': '孤儿' } },
          ],
          categories: [{ code: 'stray', parent: null, name: { 'zh-Hans': '迷路' }, unit: 'atlantis', acceptHours: 24, replyDays: 7 }],
        },
        ['units[0].parent', 'cannot be moved', 'units[1].parent', 'categories[0].unit', 'nothing was changed'],
      ],
    ];
    for (const [name, content, expected] of cases) {
      out.length = 0;
      expect(await org(t.database.url, 'import', '--file', await fileWith(name, content)), name).toBe(2);
      for (const text of expected) expect(out.join('\n'), name).toContain(text);
    }
    expect(await org(t.database.url, 'import', '--file', path.join(dir, 'missing.json'))).toBe(2);
    expect([await count('units'), await count('categories'), await count('audit_log')]).toEqual(before);
  });

  it('starts a deployment without demo data: organisation, first administrator, sign-in', async () => {
    written.length = 0;
    await org(t.database.url, 'export');
    const file = await fileWith('deployment.json', JSON.parse(written.join('')) as OrganisationFile);
    const adminUrl = inject('pgAdminUrl');
    const name = `bihuan_fresh_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const url = withDatabase(adminUrl, name);
    const db = createDb(url, { max: 3, onIdleError: () => {} });
    try {
      out.length = 0;
      expect(await org(url, 'import', '--file', file), out.join('\n')).toBe(0);
      expect(await runCli(['users', 'add', '--username', 'first.admin', '--name', '首位管理员', '--unit', 'lhasa', '--role', 'admin', '--database-url', url], io)).toBe(0);
      const password = /one-time password: (\S+)/.exec(out.join('\n'))?.[1] ?? '';
      expect(Number((await db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);

      const now = () => new Date();
      const app = await buildApp(
        { db, config: { sessionTtlHours: 12, trustProxy: false }, now, caseDeps: createCaseDeps(db, now), authDeps: createAuthDeps(db, now, 12, { idleMinutes: 120 }) },
        { logLevel: 'silent' },
      );
      try {
        const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'first.admin', password } });
        expect(login.statusCode, login.body).toBe(200);
        const token = (login.json() as { token: string }).token;
        const changed = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${token}` }, payload: { currentPassword: password, newPassword: 'First-Admin-2026' } });
        expect(changed.statusCode).toBe(204);
        const again = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'first.admin', password: 'First-Admin-2026' } });
        const list = await app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: { authorization: `Bearer ${(again.json() as { token: string }).token}` } });
        expect(list.json()).toMatchObject({ total: 1, items: [{ username: 'first.admin', roles: ['admin'] }] });
      } finally {
        await app.close();
      }
    } finally {
      await db.destroy();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
