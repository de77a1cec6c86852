import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../src/db/jobs.repository.js';
import { RETENTION_JOB } from '../../src/jobs/retention.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { fieldCryptoFor } from '../../src/db/data-keys.js';
import { openIdentity } from '../../src/db/requester-crypto.js';

let clock = Date.now();
let t: TestApp;
let hrss = '';
beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), sessionTtlHours: 24 * 3650 });
  hrss = ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items.find((u) => u.code === 'hrss')?.id ?? '';
});
afterAll(async () => {
  await t.close();
});

const PHONE = '13677778888';
const PAYSLIP = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

type ExportedCase = {
  trackingNo: string;
  address: string | null;
  callbackAnswer: { resolved: string | null; satisfaction: string | null; comment: string | null } | null;
  messagePreferences: { isSmsOptedOut: boolean; isEmailOptedOut: boolean };
  files: { fileName: string; mediaType: string; byteSize: number; isDeleted: boolean }[];
  messages: Record<string, unknown>[];
};
const NAME = '退休工人格桑';

const closedCase = async (): Promise<{ id: string; trackingNo: string }> => {
  const c = (await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'complaint', title: `${NAME}反映欠薪`,
    description: `我是${NAME}，电话${PHONE}，身份证540102195801011234，老板欠我工资。`,
    address: '拉萨市城关区某小区3栋', lat: 29.65, lng: 91.13,
    requester: { name: NAME, phone: PHONE, idNumber: '540102195801011234', language: 'zh-Hans' },
  })).json() as { id: string; trackingNo: string };
  const go = async (user: string, action: string, body: unknown) => expect((await t.call(user, 'POST', `/api/v1/cases/${c.id}/${action}`, body)).statusCode).toBe(200);
  await go('dispatcher', 'dispatch', { unitId: hrss });
  await go('handler', 'accept', {});
  await go('handler', 'note', { text: `已电话联系${NAME}（${PHONE}）` });
  await go('handler', 'reply', { text: `经查，已为${NAME}追回工资。`, outcome: 'resolved' });
  await go('agent', 'callback', { resolved: 'yes', satisfaction: 'satisfied', comment: `${NAME}表示满意` });
  await go('dispatcher', 'close', {});
  return c;
};

const everything = async (caseId: string): Promise<string> => {
  const c = await t.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const row = await t.database.db.selectFrom('requesters').selectAll().where('id', '=', c.requester_id ?? '').executeTakeFirst();
  // The identity columns are sealed at rest: what is held is what they decrypt to.
  const r = row ? { ...row, ...openIdentity(fieldCryptoFor(), row.id, row) } : row;
  const events = await t.database.db.selectFrom('work_item_events').select('data').where('item_id', '=', caseId).execute();
  return JSON.stringify({ c, r, events });
};

describe('a person\'s data: export, erasure, retention', () => {
  it('exports what is held about a person (audited), refuses erasure while a case is open, then erases it everywhere', async () => {
    const open = (await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '另一件', description: '仍在办理', requester: { phone: PHONE } })).json() as { id: string; trackingNo: string; accessCode: string };
    const sent = await t.app.inject({
      method: 'POST', url: `/api/v1/public/cases/${open.trackingNo}/attachments?name=${encodeURIComponent('格桑工资条.pdf')}`, payload: PAYSLIP,
      headers: { 'x-access-code': open.accessCode, 'content-type': 'application/octet-stream' },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const done = await closedCase();
    // This deployment sends no text messages: one is recorded as a deployment with a provider would have.
    const doneRow = await t.database.db.selectFrom('cases').select('requester_id').where('id', '=', done.id).executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('notification_messages')
      .values({
        dedupe_key: `privacy-test:${done.id}`, case_id: done.id, requester_id: doneRow.requester_id, kind: 'replied', channel: 'sms', language: 'zh-Hans',
        recipient: PHONE, recipient_masked: '136****8888', body: `您反映的问题已答复，查询码 ${done.trackingNo}`, params: JSON.stringify({}), status: 'sent',
        not_before: new Date(clock), created_at: new Date(clock), updated_at: new Date(clock),
      })
      .execute();
    const exported = await t.call('admin', 'GET', `/api/v1/privacy/people?phone=${PHONE}&lang=bo`);
    expect(exported.statusCode).toBe(200);
    const held = (exported.json() as { cases: ExportedCase[] }).cases;
    expect(held.map((c) => c.trackingNo).sort()).toEqual([open.trackingNo, done.trackingNo].sort());
    const heldOpen = held.find((c) => c.trackingNo === open.trackingNo);
    const heldDone = held.find((c) => c.trackingNo === done.trackingNo);
    // Beside the case itself: the files the person sent, their answer at the callback, the messages sent to them.
    expect(heldOpen?.files).toEqual([expect.objectContaining({ fileName: '格桑工资条.pdf', mediaType: 'application/pdf', byteSize: PAYSLIP.length, isDeleted: false })]);
    expect(heldOpen?.callbackAnswer).toBeNull();
    expect(heldDone?.callbackAnswer).toMatchObject({ resolved: 'yes', satisfaction: 'satisfied', comment: `${NAME}表示满意` });
    expect(heldDone?.address).toBe('拉萨市城关区某小区3栋');
    expect((exported.json() as { isTruncated: boolean }).isTruncated).toBe(false);
    expect(heldDone?.messagePreferences).toEqual({ isSmsOptedOut: false, isEmailOptedOut: false });
    expect(heldDone?.messages).toEqual([expect.objectContaining({ kind: 'replied', channel: 'sms', recipientMasked: '136****8888', status: 'sent' })]);
    // Without their text (an access code can be in it), and with the number masked as everywhere else.
    expect(JSON.stringify(heldDone?.messages)).not.toContain(PHONE);
    expect(Object.keys(heldDone?.messages[0] ?? {}).sort()).toEqual(['at', 'channel', 'kind', 'language', 'recipientMasked', 'status']);
    expect((await t.call('agent', 'GET', `/api/v1/privacy/people?phone=${PHONE}`)).statusCode).toBe(403);

    const refused = await t.call('admin', 'POST', '/api/v1/privacy/people/erase', { phone: PHONE });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'privacy.cases_open', details: { trackingNos: [open.trackingNo] } } });
    expect(await everything(done.id)).toContain(PHONE);
    // Refused as a whole: nothing anonymised, and no erasure on record.
    expect(await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'privacy erasure').execute()).toEqual([]);

    await t.call('agent', 'POST', `/api/v1/cases/${open.id}/reject`, { reason: '重复反映' });
    const erased = await t.call('admin', 'POST', '/api/v1/privacy/people/erase', { phone: PHONE });
    expect(erased.json()).toEqual({ anonymised: 2 });
    const payslip = await t.database.db.selectFrom('case_attachments').select(['content', 'file_name', 'deleted_at']).where('case_id', '=', open.id).executeTakeFirstOrThrow();
    expect(payslip).toMatchObject({ content: null, file_name: 'erased' });
    expect(payslip.deleted_at).not.toBeNull();
    const after = await everything(done.id);
    for (const secret of [PHONE, NAME, '540102195801011234', '3栋']) expect(after, secret).not.toContain(secret);
    expect(after).toContain('老板欠我工资');
    // The timeline keeps its order and codes; only data was rewritten.
    const codes = (await t.database.db.selectFrom('work_item_events').select('code').where('item_id', '=', done.id).orderBy('seq').execute()).map((e) => e.code);
    expect(codes).toEqual(['case.registered', 'case.dispatched', 'case.accepted', 'case.noted', 'case.replied', 'case.callback_recorded', 'case.closed']);
    await expect(sql`UPDATE work_item_events SET data = '{}'::jsonb WHERE item_id = ${done.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
    const entries = await t.database.db.selectFrom('audit_log').select(['action', 'subject_id', 'data']).where('subject_kind', '=', 'person').execute();
    expect(entries.map((a) => a.action)).toEqual(expect.arrayContaining(['privacy export', 'privacy erasure']));
    // The log outlives the erasure (append-only, chained): it names the person by the keyed index, never the number.
    const phoneIndex = fieldCryptoFor().blindIndex('phone', PHONE);
    expect(entries.every((a) => a.subject_id === `phone:${phoneIndex}`)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(PHONE);
    expect(entries.find((a) => a.action === 'privacy erasure')?.data).toMatchObject({ anonymised: 2, personMasked: '*******8888' });
  });

  it('looks within the caller\'s units, and never shows a protected report to an administrator outside its intake', async () => {
    const reporterPhone = '13566667777';
    const report = (await t.call('agent', 'POST', '/api/v1/cases', {
      channel: 'phone', kind: 'report', title: '举报人社局工作人员', description: '举报某工作人员收受好处。', requester: { name: '匿名群众', phone: reporterPhone },
    })).json() as { id: string };
    expect((await t.call('dispatcher', 'POST', `/api/v1/cases/${report.id}/dispatch`, { unitId: hrss })).statusCode).toBe(200);
    // An administrator of the unit the report is about: it reaches them to handle, without the reporter.
    const admin = await t.database.db.selectFrom('users').select(['password_hash']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    await t.database.db.insertInto('users').values({ username: 'admin_hrss', display_name: '人社局管理员', password_hash: admin.password_hash, roles: ['admin'], unit_id: hrss }).execute();
    const inHrss = await t.call('admin_hrss', 'GET', `/api/v1/privacy/people?phone=${reporterPhone}`);
    expect(inHrss.statusCode, inHrss.body).toBe(200);
    expect(inHrss.json()).toEqual({ cases: [], isTruncated: false });
    expect(inHrss.body).not.toContain('匿名群众');
    const erased = await t.call('admin_hrss', 'POST', '/api/v1/privacy/people/erase', { phone: reporterPhone });
    expect(erased.json()).toEqual({ anonymised: 0 });
    // The intake unit's administrator sees it.
    const atIntake = (await t.call('admin', 'GET', `/api/v1/privacy/people?phone=${reporterPhone}`)).json() as { cases: ExportedCase[] };
    expect(atIntake.cases.map((c) => c.address === undefined)).toEqual([false]);
    expect(JSON.stringify(atIntake)).toContain('匿名群众');

    // One number at a time, and no other key.
    const both = await t.call('admin', 'GET', `/api/v1/privacy/people?phone=${reporterPhone}&idNumber=540102195801011234`);
    expect(both.statusCode).toBe(400);
    expect((await t.call('admin', 'GET', `/api/v1/privacy/people?phone=${reporterPhone}&name=x`)).statusCode).toBe(400);
  });

  it('retention anonymises cases closed longer ago than the limit, and only those', async () => {
    const old = await closedCase();
    clock += 400 * 24 * 3600_000;
    const recent = await closedCase();
    await enqueueJob(t.database.db, { kind: RETENTION_JOB, runAt: new Date(clock), payload: { version: 1, days: 365 }, dedupeKey: 'test-retention' });
    // A 400-day jump fires every timer of every case, fanned out to every consumer: slow on a busy machine.
    await t.runBackground();
    expect(await everything(old.id)).not.toContain(PHONE);
    expect(await everything(recent.id)).toContain(PHONE);
    // One audit entry by the system per case the run anonymised (the older cases of the tests above too), written
    // with it; none for a case it left alone.
    const anonymisedNow = await t.database.db.selectFrom('cases').select(['id', 'tracking_no', 'closed_at']).where('anonymised_at', '=', new Date(clock)).execute();
    expect(anonymisedNow.map((c) => c.id)).toContain(old.id);
    const entries = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'actor_name', 'subject_kind', 'subject_id', 'outcome', 'data'])
      .where('action', '=', 'privacy.retention_anonymised')
      .execute();
    expect(entries.map((e) => e.subject_id).sort()).toEqual(anonymisedNow.map((c) => c.id).sort());
    expect(entries.find((e) => e.subject_id === old.id)).toEqual({
      actor_id: null, actor_name: 'system', subject_kind: 'cases', subject_id: old.id, outcome: 'done',
      data: { trackingNo: old.trackingNo, closedAt: anonymisedNow.find((c) => c.id === old.id)?.closed_at?.toISOString(), retentionDays: 365 },
    });
    expect(entries.map((e) => e.subject_id)).not.toContain(recent.id);
    // The next daily run is scheduled.
    const next = await t.database.db.selectFrom('jobs').select('run_at').where('kind', '=', RETENTION_JOB).where('done_at', 'is', null).executeTakeFirst();
    expect(next?.run_at.getTime()).toBeGreaterThan(clock);
  }, 180_000);

  it('anonymises nothing when the audit entry of retention cannot be written', async () => {
    const c = await closedCase();
    clock += 400 * 24 * 3600_000;
    await enqueueJob(t.database.db, { kind: RETENTION_JOB, runAt: new Date(clock), payload: { version: 1, days: 365 }, dedupeKey: 'test-retention-unaudited' });
    await sql`CREATE FUNCTION test_refuse_retention_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: audit refused'; END $$`.execute(t.database.db);
    await sql`CREATE TRIGGER test_refuse_retention_audit BEFORE INSERT ON audit_log FOR EACH ROW
      WHEN (NEW.action = 'privacy.retention_anonymised') EXECUTE FUNCTION test_refuse_retention_audit()`.execute(t.database.db);
    try {
      await t.runBackground();
    } finally {
      await sql`DROP TRIGGER test_refuse_retention_audit ON audit_log`.execute(t.database.db);
      await sql`DROP FUNCTION test_refuse_retention_audit()`.execute(t.database.db);
    }
    expect(await everything(c.id)).toContain(PHONE);
    const job = await t.database.db.selectFrom('jobs').select(['last_error', 'run_at']).where('dedupe_key', '=', 'test-retention-unaudited').executeTakeFirstOrThrow();
    expect(job.last_error).toContain('audit refused');

    // The retry, with the entry, does both.
    clock = job.run_at.getTime();
    await t.runBackground();
    expect(await everything(c.id)).not.toContain(PHONE);
    const entries = await t.database.db.selectFrom('audit_log').select('subject_id').where('action', '=', 'privacy.retention_anonymised').where('subject_id', '=', c.id).execute();
    expect(entries).toHaveLength(1);
  }, 180_000);
});
