import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The requester's consent to publication (是否同意公开): asked on the public form and by staff at intake, changed
 * on the tracking page with the access code or through staff. A refusal keeps a case off the open-data portal
 * whatever the rules say, and a withdrawal takes a published case off at the next refresh.
 */

let t: TestApp;
let noise = '';

type Submitted = { trackingNo: string; accessCode: string; id: string };

const submit = async (title: string, extra: Record<string, unknown>): Promise<Submitted> => {
  const res = await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'report', title, description: `${title}：夜间施工噪音，影响休息。`, categoryId: noise, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  const { trackingNo, accessCode } = res.json() as { trackingNo: string; accessCode: string };
  const { id } = await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow();
  return { trackingNo, accessCode, id };
};

const publicTitles = async (): Promise<string[]> => {
  const res = await t.call(null, 'GET', '/api/v1/public/open-data/cases?pageSize=200');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: { title: string }[] }).items.map((i) => i.title);
};

const consentOf = async (id: string) =>
  (await t.database.db.selectFrom('cases').select('publication_consent').where('id', '=', id).executeTakeFirstOrThrow()).publication_consent;

const eventsOf = (id: string) =>
  t.database.db.selectFrom('work_item_events').select(['code', 'actor_kind', 'data', 'is_internal']).where('item_id', '=', id).orderBy('seq').execute();

const setConsent = (c: Submitted, body: Record<string, unknown>) =>
  t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/publication-consent`, { accessCode: c.accessCode, ...body });

beforeAll(async () => {
  t = await createTestApp();
  noise = (await t.database.db.selectFrom('categories').select('id').where('code', '=', 'noise').executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await t.close();
});

describe('consent at intake', () => {
  it('a refusal on the public form keeps the case off the portal; consent or no answer leaves it to the rules', async () => {
    const refused = await submit('不同意公开的噪音反映', { publicationConsent: 'refused' });
    const granted = await submit('同意公开的噪音反映', { publicationConsent: 'granted' });
    const silent = await submit('未询问的噪音反映', {});
    await t.runBackground();
    const titles = await publicTitles();
    expect(titles).toContain('同意公开的噪音反映');
    expect(titles).toContain('未询问的噪音反映');
    expect(titles).not.toContain('不同意公开的噪音反映');
    expect(await t.database.db.selectFrom('open_data_cases').select('case_id').where('case_id', '=', refused.id).executeTakeFirst()).toBeUndefined();
    expect([await consentOf(refused.id), await consentOf(granted.id), await consentOf(silent.id)]).toEqual(['refused', 'granted', 'not_asked']);
    const [registered] = await eventsOf(refused.id);
    expect(registered).toMatchObject({ code: 'case.registered', data: { publicationConsent: 'refused' } });
  });

  it('consent never loosens a rule: a petition stays private although its requester agreed', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', {
      channel: 'petition', kind: 'complaint', title: '信访：同意公开也不公开', description: '征地补偿问题。', publicationConsent: 'granted',
    });
    expect(res.statusCode, res.body).toBe(201);
    await t.runBackground();
    expect(await publicTitles()).not.toContain('信访：同意公开也不公开');
  });

  it('staff record the answer at intake and show it on the case page', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', {
      channel: 'phone', kind: 'report', title: '电话反映：不同意公开', description: '路灯不亮。', categoryId: noise, publicationConsent: 'refused',
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as { id: string };
    const page = await t.call('agent', 'GET', `/api/v1/cases/${id}`);
    expect(page.json()).toMatchObject({ publicationConsent: 'refused' });
    await t.runBackground();
    expect(await publicTitles()).not.toContain('电话反映：不同意公开');
  });

  it('an unknown answer is a coded 400 and registers nothing', async () => {
    const before = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const res = await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'report', title: '无效的回答', description: '测试', publicationConsent: 'maybe' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation.failed' } });
    const after = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('changing one’s mind on the tracking page', () => {
  it('a withdrawal takes a published case off the portal; granting again brings it back', async () => {
    const c = await submit('先同意后撤回的反映', { publicationConsent: 'granted' });
    await t.runBackground();
    expect(await publicTitles()).toContain('先同意后撤回的反映');

    const withdrawn = await setConsent(c, { consent: 'refused' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ publicationConsent: 'refused' });
    expect((withdrawn.json() as { timeline: { code: string }[] }).timeline.map((e) => e.code)).toContain('case.publication_consent_recorded');
    // Off the portal when the change commits: no background run in between.
    expect(await publicTitles()).not.toContain('先同意后撤回的反映');
    await t.runBackground();
    expect(await publicTitles()).not.toContain('先同意后撤回的反映');

    const again = await setConsent(c, { consent: 'granted' });
    expect(again.statusCode, again.body).toBe(200);
    await t.runBackground();
    expect(await publicTitles()).toContain('先同意后撤回的反映');

    const events = (await eventsOf(c.id)).filter((e) => e.code === 'case.publication_consent_recorded');
    expect(events.map((e) => [e.actor_kind, e.data])).toEqual([
      ['requester', { consent: 'refused', previous: 'granted' }],
      ['requester', { consent: 'granted', previous: 'refused' }],
    ]);
  });

  it('a requester never asked can refuse, and the case leaves the portal', async () => {
    const c = await submit('从未询问后拒绝的反映', {});
    await t.runBackground();
    expect(await publicTitles()).toContain('从未询问后拒绝的反映');
    const res = await setConsent(c, { consent: 'refused' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ publicationConsent: 'refused' });
    expect(await publicTitles()).not.toContain('从未询问后拒绝的反映');
  });

  it('a staff edit survives a withdrawal unserved and uncounted, and is served again when the requester agrees', async () => {
    const c = await submit('审核编辑后撤回的反映', { publicationConsent: 'granted' });
    await t.runBackground();
    const edited = await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${c.id}`, { action: 'publish', title: '编辑过的公开标题', text: '编辑过的公开内容。' });
    expect(edited.statusCode, edited.body).toBe(204);
    expect(await publicTitles()).toContain('编辑过的公开标题');
    const total = async () => ((await t.call(null, 'GET', '/api/v1/public/open-data/stats')).json() as { total: { cases: number | string } }).total.cases;
    const before = await total();

    expect((await setConsent(c, { consent: 'refused' })).statusCode).toBe(200);
    expect(await publicTitles()).not.toContain('编辑过的公开标题');
    const kept = await t.database.db.selectFrom('open_data_cases').select(['policy', 'served_title', 'edited_title']).where('case_id', '=', c.id).executeTakeFirstOrThrow();
    expect(kept).toEqual({ policy: 'never', served_title: null, edited_title: '编辑过的公开标题' });
    expect(typeof before).toBe('number');
    expect(await total()).toBe(Number(before) - 1);
    // Nor can a reviewer publish it while the requester refuses.
    const publish = await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${c.id}`, { action: 'publish' });
    expect(publish.statusCode).toBe(404);
    expect(await publicTitles()).not.toContain('编辑过的公开标题');

    expect((await setConsent(c, { consent: 'granted' })).statusCode).toBe(200);
    const restored = await t.database.db.selectFrom('open_data_cases').select(['policy', 'edited_title']).where('case_id', '=', c.id).executeTakeFirstOrThrow();
    expect(restored).toEqual({ policy: 'auto', edited_title: '编辑过的公开标题' });
  });

  it('the anonymous Open311 feed leaves a refused case out', async () => {
    const refused = await submit('Open311 中不公开的反映', { publicationConsent: 'refused' });
    const granted = await submit('Open311 中公开的反映', { publicationConsent: 'granted' });
    expect((await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${granted.trackingNo}.json` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${refused.trackingNo}.json` })).statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json' });
    expect(list.statusCode).toBe(200);
    const ids = (list.json() as { service_request_id: string }[]).map((r) => r.service_request_id);
    expect(ids).toContain(granted.trackingNo);
    expect(ids).not.toContain(refused.trackingNo);
  });

  it('the same answer again writes nothing', async () => {
    const c = await submit('重复回答的反映', { publicationConsent: 'refused' });
    const before = (await eventsOf(c.id)).length;
    const res = await setConsent(c, { consent: 'refused' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await eventsOf(c.id)).length).toBe(before);
  });

  it('a wrong access code or a bad answer is refused with a code and changes nothing', async () => {
    const c = await submit('错误访问码的反映', { publicationConsent: 'granted' });
    const before = (await eventsOf(c.id)).length;
    const wrongCode = await setConsent(c, { accessCode: 'WRONG999', consent: 'refused' });
    expect(wrongCode.statusCode).toBe(404);
    expect(wrongCode.json()).toMatchObject({ error: { code: 'case.access_code_invalid' } });
    for (const body of [{ consent: 'not_asked' }, { consent: 'maybe' }, {}, { consent: 'refused', extra: 1 }]) {
      const res = await setConsent(c, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation.failed' } });
    }
    expect(await consentOf(c.id)).toBe('granted');
    expect((await eventsOf(c.id)).length).toBe(before);
  });

  it('works after the case is closed: publication outlives the case', async () => {
    const c = await submit('结案后撤回的反映', { publicationConsent: 'granted' });
    await t.database.db.updateTable('cases').set({ status: 'closed', closed_at: new Date() }).where('id', '=', c.id).execute();
    const res = await setConsent(c, { consent: 'refused' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await consentOf(c.id)).toBe('refused');
  });
});

describe('staff recording the answer (phone, visit)', () => {
  it('an agent records a withdrawal; the event is on the public timeline; a handler may not', async () => {
    const c = await submit('电话撤回同意的反映', { publicationConsent: 'granted' });
    await t.runBackground();
    expect(await publicTitles()).toContain('电话撤回同意的反映');

    const denied = await t.call('handler_city', 'POST', `/api/v1/cases/${c.id}/record-consent`, { consent: 'refused' });
    expect([403, 404]).toContain(denied.statusCode);
    expect(await consentOf(c.id)).toBe('granted');

    const res = await t.call('agent', 'POST', `/api/v1/cases/${c.id}/record-consent`, { consent: 'refused', note: '来电要求不公开' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ publicationConsent: 'refused' });
    expect(await publicTitles()).not.toContain('电话撤回同意的反映');
    // The same answer again changes nothing and adds no entry to the requester's timeline.
    const eventCount = (await eventsOf(c.id)).length;
    const again = await t.call('agent', 'POST', `/api/v1/cases/${c.id}/record-consent`, { consent: 'refused' });
    expect(again.statusCode, again.body).toBe(200);
    expect((await eventsOf(c.id)).length).toBe(eventCount);
    const recorded = (await eventsOf(c.id)).find((e) => e.code === 'case.publication_consent_recorded');
    expect(recorded).toMatchObject({ actor_kind: 'user', is_internal: false, data: { consent: 'refused', previous: 'granted', note: '来电要求不公开' } });

    const tracked = await t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`);
    expect(tracked.json()).toMatchObject({ publicationConsent: 'refused' });
    expect((tracked.json() as { timeline: { code: string }[] }).timeline.map((e) => e.code)).toContain('case.publication_consent_recorded');
  });

  it('staff cannot record "not asked": that is only the state of a question never put', async () => {
    const c = await submit('不能记录未询问', { publicationConsent: 'granted' });
    const res = await t.call('agent', 'POST', `/api/v1/cases/${c.id}/record-consent`, { consent: 'not_asked' });
    expect(res.statusCode).toBe(400);
    expect(await consentOf(c.id)).toBe('granted');
  });
});

describe('the person’s data export', () => {
  it('includes what they said about publication', async () => {
    const phone = '13908917766';
    await submit('导出中的公开意见', { publicationConsent: 'refused', requester: { phone } });
    const res = await t.call('admin', 'GET', `/api/v1/privacy/people?phone=${phone}`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { cases: { title: string; publicationConsent: string }[] }).cases).toEqual([
      expect.objectContaining({ title: '导出中的公开意见', publicationConsent: 'refused' }),
    ]);
  });
});
