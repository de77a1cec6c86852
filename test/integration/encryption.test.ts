import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFieldCrypto } from '../../src/core/privacy/field-crypto.js';
import { addDataKeyToFile, fieldCryptoFor, keyringFileOf, loadDataKeyring } from '../../src/db/data-keys.js';
import { isSealed, openIdentity, sealRequesters } from '../../src/db/requester-crypto.js';
import { createTestApp } from '../helpers/test-app.js';

const t = await createTestApp();
const db = t.database.db;

afterAll(async () => {
  await t.close();
});

const NAME = '次仁卓嘎';
const PHONE = '13908901234';
const ID_NUMBER = '540102199001011234';

const register = async (phone = PHONE) => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone',
    kind: 'complaint',
    title: '小区供暖不热',
    description: '家里暖气一直不热，老人受不了。',
    requester: { name: NAME, phone, idNumber: ID_NUMBER },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; trackingNo: string };
};

const requesterRow = async (caseId: string) => {
  const c = await db.selectFrom('cases').select('requester_id').where('id', '=', caseId).executeTakeFirstOrThrow();
  return db.selectFrom('requesters').selectAll().where('id', '=', c.requester_id ?? '').executeTakeFirstOrThrow();
};

describe('requesters\' identity at rest', () => {
  it('stores name, phone and ID number sealed, with blind indexes, and serves them decrypted to who may see them', async () => {
    const c = await register();
    const row = await requesterRow(c.id);
    for (const [value, plain] of [[row.name, NAME], [row.phone, PHONE], [row.id_number, ID_NUMBER]] as const) {
      expect(value).not.toBeNull();
      expect(isSealed(value as string)).toBe(true);
      expect(value).not.toContain(plain);
    }
    expect(row.phone_bidx).toBe(fieldCryptoFor().blindIndex('phone', '+86 139-0890-1234'));
    expect(row.id_number_bidx).toBe(fieldCryptoFor().blindIndex('id_number', ID_NUMBER));
    // Nothing in the row spells the person out.
    expect(JSON.stringify(row)).not.toMatch(new RegExp(`${PHONE}|${NAME}|${ID_NUMBER}`));

    const revealed = await t.call('agent', 'GET', `/api/v1/cases/${c.id}/requester`);
    expect(revealed.statusCode).toBe(200);
    expect(revealed.json()).toMatchObject({ name: NAME, phone: PHONE, idNumber: ID_NUMBER });
    const page = (await t.call('agent', 'GET', `/api/v1/cases/${c.id}`)).json() as { requester: { phone: string | null } };
    expect(page.requester.phone).toBe('139****1234');
  });

  it('finds a person by blind index for their data export, however the number is written', async () => {
    await register('13908905678');
    const res = await t.call('admin', 'GET', `/api/v1/privacy/people?phone=${encodeURIComponent('139 0890 5678')}`);
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).toContain('13908905678');
  });

  it('refuses a sealed value copied into another requester\'s row, without showing anything', async () => {
    const a = await register('13908900001');
    const b = await register('13908900002');
    const rowA = await requesterRow(a.id);
    const rowB = await requesterRow(b.id);
    await db.updateTable('requesters').set({ phone: rowA.phone }).where('id', '=', rowB.id).execute();
    const res = await t.call('agent', 'GET', `/api/v1/cases/${b.id}/requester`);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('13908900001');
    expect((res.json() as { error: { code: string } }).error.code).toBe('internal');
    await db.updateTable('requesters').set({ phone: rowB.phone }).where('id', '=', rowB.id).execute();
    expect((await t.call('agent', 'GET', `/api/v1/cases/${b.id}/requester`)).json()).toMatchObject({ phone: '13908900002' });
  });

  it('seals rows written in plain text, and reads them in the meantime', async () => {
    const c = await register('13908907777');
    const row = await requesterRow(c.id);
    await db.updateTable('requesters').set({ phone: '13908907777', name: '旧数据' }).where('id', '=', row.id).execute();
    const before = await t.call('agent', 'GET', `/api/v1/cases/${c.id}/requester`);
    expect(before.json()).toMatchObject({ phone: '13908907777', name: '旧数据' });
    expect(await sealRequesters(db, fieldCryptoFor())).toBeGreaterThanOrEqual(1);
    const after = await requesterRow(c.id);
    expect(isSealed(after.phone as string)).toBe(true);
    expect(isSealed(after.name as string)).toBe(true);
    expect(after.phone_bidx).toBe(fieldCryptoFor().blindIndex('phone', '13908907777'));
    expect((await t.call('agent', 'GET', `/api/v1/cases/${c.id}/requester`)).json()).toMatchObject({ phone: '13908907777', name: '旧数据' });
    expect(await sealRequesters(db, fieldCryptoFor())).toBe(0);
  });

  it('rotates: a new key, old values readable, then every row re-sealed under it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bihuan-keys-'));
    const env = { BIHUAN_DATA_DIR: dir };
    const first = loadDataKeyring(env);
    expect(statSync(keyringFileOf(env)).mode & 0o777).toBe(0o600);
    const oldCrypto = createFieldCrypto(first);
    // Re-seal this database's requesters under the temporary keyring, then rotate it.
    const rows = await db.selectFrom('requesters').selectAll().where('phone', 'is not', null).execute();
    const plain = new Map(rows.map((r) => [r.id, openIdentity(fieldCryptoFor(), r.id, r)]));
    for (const r of rows) {
      const p = plain.get(r.id);
      await db.updateTable('requesters').set({ phone: p?.phone ?? null, name: p?.name ?? null, id_number: p?.idNumber ?? null, email: p?.email ?? null }).where('id', '=', r.id).execute();
    }
    await sealRequesters(db, oldCrypto);
    const newId = addDataKeyToFile(env);
    expect(newId).toBe('k2');
    const ring = JSON.parse(readFileSync(keyringFileOf(env), 'utf8')) as { active: string; keys: Record<string, string> };
    expect(ring.active).toBe('k2');
    expect(Object.keys(ring.keys).sort()).toEqual(['k1', 'k2']);
    const newCrypto = createFieldCrypto(loadDataKeyring(env));
    const sample = rows[0];
    if (!sample) throw new Error('no requester');
    const sealedOld = (await db.selectFrom('requesters').select('phone').where('id', '=', sample.id).executeTakeFirstOrThrow()).phone as string;
    expect(newCrypto.isStale(sealedOld)).toBe(true);
    expect(openIdentity(newCrypto, sample.id, { phone: sealedOld }).phone).toBe(plain.get(sample.id)?.phone);
    const resealed = await sealRequesters(db, newCrypto, { isResealingStale: true });
    expect(resealed).toBe(rows.length);
    const after = await db.selectFrom('requesters').selectAll().where('phone', 'is not', null).execute();
    for (const r of after) {
      expect((r.phone as string).split('.')[1]).toBe('k2');
      expect(openIdentity(newCrypto, r.id, r)).toEqual(plain.get(r.id));
    }
    // Put this database back under the process keyring for the other tests of this file's app.
    for (const r of after) {
      const p = plain.get(r.id);
      await db.updateTable('requesters').set({ phone: p?.phone ?? null, name: p?.name ?? null, id_number: p?.idNumber ?? null, email: p?.email ?? null }).where('id', '=', r.id).execute();
    }
    await sealRequesters(db, fieldCryptoFor());
  });
});
