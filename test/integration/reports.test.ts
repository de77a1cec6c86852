import { inflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, chinaDayOf } from '../../src/core/stats/periods.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { runDueJobs } from '../../src/jobs/job-runner.js';
import { sql } from 'kysely';
import { maskName, maskPhone } from '../../src/core/case/mask.js';
import { sha256 } from '../../src/core/shared/secrets.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

type Summary = { id: string; trackingNo: string; status: string; title: string; category: { name: string } | null; leadUnit: { name: string } | null; createdAt: string };
type ReportView = { id: string; status: string; progress: number; error: { code: string; message: string } | null; downloadUrl: string | null; fileName: string | null };

let t: TestApp;
const units = new Map<string, string>();
const categories = new Map<string, string>();
const TODAY = chinaDayOf(new Date());
const MONTH_START = `${TODAY.slice(0, 7)}-01`;

/** Every page of GET /cases for the query, as the list API shows it. */
const listAll = async (user: string, query: string): Promise<Summary[]> => {
  const items: Summary[] = [];
  for (let page = 1; ; page += 1) {
    const res = await t.call(user, 'GET', `/api/v1/cases?${query}&page=${page}&pageSize=100`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Summary[]; total: number };
    items.push(...body.items);
    if (items.length >= body.total || body.items.length === 0) return items;
  }
};

/** RFC 4180 parser: quoted fields, doubled quotes, CRLF. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (isQuoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') isQuoted = false;
      else field += ch;
    } else if (ch === '"') isQuoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
};

const chinaMinute = (iso: string): string => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

const auditCount = async (): Promise<number> =>
  Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

/**
 * The text of a pdfkit PDF: every content stream's shown strings, mapped from glyph ids back to Unicode through
 * each font's ToUnicode CMap (what a PDF reader's copy-and-paste uses). Tibetan clusters map to their characters.
 */
const pdfText = (pdf: Buffer): string => {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  // Streams are cut by their /Length, not by searching for "\r?\nendstream": a compressed stream whose last byte
  // is 0x0d (about one in 256, and the bytes differ from run to run) lost that byte and failed to inflate.
  const header = /(\d+) 0 obj\s*/g;
  for (let m = header.exec(raw); m !== null; m = header.exec(raw)) {
    const start = header.lastIndex;
    const streamAt = /stream\r?\n|endobj/g;
    streamAt.lastIndex = start;
    const s = streamAt.exec(raw);
    if (s === null) break;
    const dict = raw.slice(start, s.index);
    let stream: Buffer | null = null;
    if (s[0] !== 'endobj') {
      const length = Number(/\/Length (\d+)(?![\d ]* 0 R)/.exec(dict)?.[1] ?? NaN);
      if (!Number.isFinite(length)) throw new Error(`object ${m[1]} has no direct /Length`);
      const from = s.index + s[0].length;
      const bytes = pdf.subarray(from, from + length);
      stream = dict.includes('/FlateDecode') ? inflateSync(bytes) : Buffer.from(bytes);
      header.lastIndex = from + length;
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  const ref = (dict: string, key: string): number | null => {
    const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
    return m ? Number(m[1]) : null;
  };
  const cmapOf = (fontObj: number): Map<number, string> => {
    const map = new Map<number, string>();
    const toUnicode = ref(objects.get(fontObj)?.dict ?? '', 'ToUnicode');
    const text = toUnicode === null ? '' : (objects.get(toUnicode)?.stream?.toString('latin1') ?? '');
    const hexToString = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').swap16().toString('utf16le');
    for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
        const start = parseInt(m[1] ?? '0', 16);
        // A cluster maps to several code points: <0f42 0fb2>.
        [...(m[3] ?? '').matchAll(/<([0-9a-fA-F\s]*)>/g)].forEach((v, i) => map.set(start + i, hexToString(v[1] ?? '')));
      }
    }
    for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1] ?? '0', 16), hexToString(m[2] ?? ''));
    }
    return map;
  };
  let out = '';
  for (const { dict } of objects.values()) {
    if (!/\/Type \/Page\b/.test(dict)) continue;
    const resourcesRef = ref(dict, 'Resources');
    const resources = resourcesRef === null ? dict : (objects.get(resourcesRef)?.dict ?? '');
    const fonts = new Map<string, Map<number, string>>();
    for (const m of (/\/Font\s*<<([^>]*)>>/.exec(resources)?.[1] ?? '').matchAll(/\/(\w+) (\d+) 0 R/g)) fonts.set(m[1] ?? '', cmapOf(Number(m[2])));
    const contentsRef = ref(dict, 'Contents');
    const content = contentsRef === null ? '' : (objects.get(contentsRef)?.stream?.toString('latin1') ?? '');
    let cmap = new Map<number, string>();
    for (const m of content.matchAll(/\/(\w+) [\d.]+ Tf|\[((?:[^\]])*)\] TJ|<([0-9a-fA-F]*)> Tj|\n(ET)/g)) {
      if (m[1]) cmap = fonts.get(m[1]) ?? new Map();
      const hexes = m[2] !== undefined ? [...m[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1] ?? '') : m[3] !== undefined ? [m[3]] : [];
      for (const hex of hexes) for (let i = 0; i + 4 <= hex.length; i += 4) out += cmap.get(parseInt(hex.slice(i, i + 4), 16)) ?? '';
      if (m[4]) out += '\n';
    }
  }
  return out;
};

const register = async (title: string, category: string, requester?: { name: string; phone: string }) => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title, description: `${title}。`, categoryId: categories.get(category), requester });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; trackingNo: string };
};

let formulaCase: { id: string; trackingNo: string };
let cityCase: { id: string; trackingNo: string };

beforeAll(async () => {
  t = await createTestApp();
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  for (const c of ((await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categories.set(c.code, c.id);
  formulaCase = await register('=HYPERLINK("http://evil.example","点我")', 'wage_arrears', { name: '王小明', phone: '13812345678' });
  await register('+1-2 @SUM(A1) 工资', 'wage_arrears', { name: 'བཀྲ་ཤིས་བདེ་ལེགས', phone: '+8613912345678' });
  const res = await t.call('dispatcher', 'POST', `/api/v1/cases/${formulaCase.id}/dispatch`, { unitId: units.get('hrss') });
  expect(res.statusCode, res.body).toBe(200);
  cityCase = await register('广场舞噪音 "扰民", 晚上', 'noise');
  const city = await t.call('dispatcher', 'POST', `/api/v1/cases/${cityCase.id}/dispatch`, { unitId: units.get('cityman') });
  expect(city.statusCode, city.body).toBe(200);
  await t.runBackground();
});

afterAll(async () => {
  await t?.close();
});

describe('case list export', () => {
  it('CSV: UTF-8 BOM, localized headers, and exactly the rows, order and values of the list API for the same filters', async () => {
    const query = 'kind=complaint&sort=createdAt';
    const expected = await listAll('admin', query);
    expect(expected.length).toBeGreaterThan(2);
    const res = await t.call('admin', 'GET', `/api/v1/cases/export?format=csv&${query}&lang=zh-Hans`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.rawPayload.subarray(0, 3).toString('hex')).toBe('efbbbf');
    const [header, ...rows] = parseCsv(res.rawPayload.toString('utf8').slice(1));
    expect(header?.slice(0, 7)).toEqual(['受理编号', '状态', '类型', '渠道', '标题', '分类', '承办单位']);
    expect(rows.map((r) => r[0])).toEqual(expected.map((c) => c.trackingNo));
    rows.forEach((r, i) => {
      const c = expected[i] as Summary;
      expect(r[4]?.replace(/^'(?=[=+\-@])/, '')).toBe(c.title);
      expect(r[5]).toBe(c.category?.name ?? '');
      expect(r[6]).toBe(c.leadUnit?.name ?? '');
      expect(r[11]).toBe(chinaMinute(c.createdAt));
    });
    expect(res.headers['x-total-count']).toBe(String(expected.length));
  });

  it('xlsx (streamed, parsed with exceljs): Tibetan headers, the same rows as the list, real date cells', async () => {
    const query = `status=dispatched,registered&from=${TODAY}`;
    const expected = await listAll('admin', query);
    const res = await t.call('admin', 'GET', `/api/v1/cases/export?format=xlsx&${query}&lang=bo`);
    expect(res.statusCode, res.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(ws.getRow(1).getCell(1).value).toBe('ཐོ་འགོད་ཨང་གྲངས།');
    const tracking: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) tracking.push(String(row.getCell(1).value));
    });
    expect(tracking).toEqual(expected.map((c) => c.trackingNo));
    const created = ws.getRow(2).getCell(12).value;
    expect(created).toBeInstanceOf(Date);
    // Excel shows wall-clock time: China time written as if it were UTC.
    expect((created as Date).toISOString().slice(0, 16).replace('T', ' ')).toBe(chinaMinute((expected[0] as Summary).createdAt));
  });

  it('crosses page boundaries without losing or repeating a row (pages of 3 rows)', async () => {
    const expected = await listAll('admin', 'sort=replyDueAt');
    process.env.BIHUAN_EXPORT_PAGE_SIZE = '3';
    try {
      for (const format of ['csv', 'xlsx'] as const) {
        const res = await t.call('admin', 'GET', `/api/v1/cases/export?format=${format}&sort=replyDueAt`);
        expect(res.statusCode, res.body).toBe(200);
        let tracking: string[];
        if (format === 'csv') tracking = parseCsv(res.rawPayload.toString('utf8').slice(1)).slice(1).map((r) => r[0] ?? '');
        else {
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
          tracking = [];
          (wb.worksheets[0] as ExcelJS.Worksheet).eachRow((row, n) => {
            if (n > 1) tracking.push(String(row.getCell(1).value));
          });
        }
        expect(tracking, format).toEqual(expected.map((c) => c.trackingNo));
      }
    } finally {
      delete process.env.BIHUAN_EXPORT_PAGE_SIZE;
    }
  });

  it('is scoped like the list: a unit handler exports only the cases of their unit', async () => {
    const mine = await listAll('handler', 'sort=createdAt');
    const res = await t.call('handler', 'GET', '/api/v1/cases/export?format=csv&sort=createdAt&lang=en');
    expect(res.statusCode, res.body).toBe(200);
    const rows = parseCsv(res.rawPayload.toString('utf8').slice(1)).slice(1);
    expect(rows.map((r) => r[0])).toEqual(mine.map((c) => c.trackingNo));
    expect(rows.map((r) => r[0])).toContain(formulaCase.trackingNo);
    expect(rows.map((r) => r[0])).not.toContain(cityCase.trackingNo);
    const all = await listAll('admin', 'sort=createdAt');
    expect(rows.length).toBeLessThan(all.length);
  });

  it('escapes cells a spreadsheet would run as formulas, in CSV and xlsx; quotes commas and quotes', async () => {
    const csv = await t.call('admin', 'GET', `/api/v1/cases/export?format=csv&q=${encodeURIComponent('HYPERLINK')}&lang=en`);
    const rows = parseCsv(csv.rawPayload.toString('utf8').slice(1));
    expect(rows[1]?.[4]).toBe('\'=HYPERLINK("http://evil.example","点我")');
    const other = parseCsv((await t.call('admin', 'GET', `/api/v1/cases/export?format=csv&q=${encodeURIComponent('@SUM')}`)).rawPayload.toString('utf8').slice(1));
    expect(other[1]?.[4]).toBe("'+1-2 @SUM(A1) 工资");
    const quoted = (await t.call('admin', 'GET', `/api/v1/cases/export?format=csv&q=${encodeURIComponent('广场舞')}`)).rawPayload.toString('utf8');
    expect(quoted).toContain('"广场舞噪音 ""扰民"", 晚上"');
    const xlsx = await t.call('admin', 'GET', `/api/v1/cases/export?format=xlsx&q=${encodeURIComponent('HYPERLINK')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cell = (wb.worksheets[0] as ExcelJS.Worksheet).getRow(2).getCell(5);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('\'=HYPERLINK("http://evil.example","点我")');
  });

  it('masks names and phones for everyone; in full only on the route of its own, with its permission; audits every export', async () => {
    const exportCount = async () =>
      Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', 'export cases').executeTakeFirstOrThrow()).n);
    const before = await exportCount();
    const latestEntry = () => t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'export cases').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const rowOf = async (user: string, route: string) => {
      const res = await t.call(user, 'GET', `${route}?format=csv&q=HYPERLINK`);
      expect(res.statusCode, res.body).toBe(200);
      return parseCsv(res.rawPayload.toString('utf8').slice(1))[1] ?? [];
    };
    // The plain export carries the list's masks, for administrators too.
    expect((await rowOf('admin', '/api/v1/cases/export')).slice(13)).toEqual([maskName('王小明'), maskPhone('13812345678')]);
    expect(await latestEntry()).toMatchObject({ outcome: 'exported', data: { format: 'csv', rows: 1, personalData: 'masked', filters: { q: 'HYPERLINK' } } });
    // In full only on its own route, with case.export_personal_data (administrators).
    expect((await rowOf('admin', '/api/v1/cases/export/with-personal-data')).slice(13)).toEqual(['王小明', '13812345678']);
    expect(await latestEntry()).toMatchObject({ actor_name: 'admin', outcome: 'exported', data: { format: 'csv', rows: 1, personalData: 'full', filters: { q: 'HYPERLINK' } } });
    expect(await exportCount()).toBe(before + 2);
    for (const user of ['dispatcher', 'agent', 'supervisor', 'handler']) {
      const refused = await t.call(user, 'GET', '/api/v1/cases/export/with-personal-data?format=csv&q=HYPERLINK');
      expect(refused.statusCode, user).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'auth.forbidden', details: { permission: 'case.export_personal_data' } } });
    }
    expect(await exportCount()).toBe(before + 2);
  });

  it('asks for a recent sign-in before a file with names and phones in full; no API token can hold the permission', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const session = (login.json() as { token: string }).token;
    const asAdmin = (method: 'GET' | 'POST', url: string, body?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${session}` }, ...(body ? { payload: body } : {}) });
    // A token is made while the sign-in is recent; the permission is never given to one.
    const refusedToken = await asAdmin('POST', '/api/v1/api-tokens', { name: 'export', permissions: ['case.read', 'case.export_personal_data'], expiresInDays: 30 });
    expect(refusedToken.statusCode, refusedToken.body).toBe(400);
    expect(JSON.stringify(refusedToken.json())).toContain('not_delegable');

    // An hour later the sign-in no longer counts as recent: the plain export still answers, the full one asks first.
    await sql`UPDATE sessions SET verified_at = now() - interval '1 hour', created_at = now() - interval '1 hour' WHERE token_hash = ${sha256(session)}`.execute(t.database.db);
    const full = await asAdmin('GET', '/api/v1/cases/export/with-personal-data?format=csv&q=HYPERLINK');
    expect(full.statusCode, full.body).toBe(403);
    expect(full.json()).toMatchObject({ error: { code: 'auth.reauth_required' } });
    expect((await asAdmin('GET', '/api/v1/cases/export?format=csv&q=HYPERLINK')).statusCode).toBe(200);
    // Confirmed with the password, the file comes.
    expect((await asAdmin('POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    const again = await asAdmin('GET', '/api/v1/cases/export/with-personal-data?format=csv&q=HYPERLINK');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.rawPayload.toString('utf8')).toContain('13812345678');
  });

  it('refuses bad filters with a coded 400 and writes nothing to the audit log', async () => {
    const before = await auditCount();
    for (const query of ['format=csv&status=bogus', 'format=pdf', 'status=registered', 'format=csv&page=2', 'format=xlsx&unitId=not-a-uuid', 'format=csv&from=yesterday']) {
      const res = await t.call('admin', 'GET', `/api/v1/cases/export?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect((res.json() as { error: { code: string } }).error.code).toBe('validation.failed');
    }
    expect(await auditCount()).toBe(before);
    expect((await t.call(null, 'GET', '/api/v1/cases/export?format=csv')).statusCode).toBe(401);
  });
});

describe('periodic reports', () => {
  const queue = async (user: string, body: Record<string, unknown>): Promise<ReportView> => {
    const res = await t.call(user, 'POST', '/api/v1/reports', body);
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as ReportView;
  };
  /** The finished report's file, parsed as a workbook. */
  const workbookOf = async (user: string, done: ReportView): Promise<ExcelJS.Workbook> => {
    const file = await t.call(user, 'GET', done.downloadUrl as string);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    return wb;
  };
  const view = async (user: string, id: string): Promise<ReportView> => {
    const res = await t.call(user, 'GET', `/api/v1/reports/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ReportView;
  };

  it('queues a monthly PDF in Tibetan, reports progress, and serves a PDF with the Tibetan text only to its owner', async () => {
    const queued = await queue('supervisor', { kind: 'monthly', from: MONTH_START, format: 'pdf', lang: 'bo' });
    expect(queued).toMatchObject({ status: 'queued', progress: 0, error: null, downloadUrl: null });
    expect((await t.call('supervisor', 'GET', `/api/v1/reports/${queued.id}/download`)).statusCode).toBe(404);
    // One job at a time: the gather step commits its progress before the render step runs.
    expect(await runDueJobs(t.database.db, jobHandlers, () => new Date(), { maxJobs: 1 })).toBe(1);
    expect(await view('supervisor', queued.id)).toMatchObject({ status: 'running', progress: 50, downloadUrl: null });
    await t.runBackground();
    const done = await view('supervisor', queued.id);
    expect(done).toMatchObject({ status: 'done', progress: 100, error: null, downloadUrl: `/api/v1/reports/${queued.id}/download` });
    expect(done.fileName).toMatch(/^bihuan-report-lhasa-\d{4}-\d{2}\.pdf$/);
    const file = await t.call('supervisor', 'GET', done.downloadUrl as string);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(file.rawPayload);
    expect(text).toContain('རེ་ཞུ་ཐག་གཅོད་ཀྱི་གྲངས་ཐོའི་སྙན་ཞུ།');
    expect(text).toContain('ལན་འདེབས་བརྒྱ་ཆ།');
    expect(text).toContain(MONTH_START);
    // Another user (even an administrator) cannot see or download it, nor find it in their list.
    expect((await t.call('admin', 'GET', `/api/v1/reports/${queued.id}`)).statusCode).toBe(404);
    expect((await t.call('admin', 'GET', `/api/v1/reports/${queued.id}/download`)).statusCode).toBe(404);
    const theirs = (await t.call('admin', 'GET', '/api/v1/reports')).json() as { items: ReportView[] };
    expect(theirs.items.map((r) => r.id)).not.toContain(queued.id);
    const mine = (await t.call('supervisor', 'GET', '/api/v1/reports')).json() as { items: ReportView[] };
    expect(mine.items.map((r) => r.id)).toContain(queued.id);
  });

  it('a Chinese PDF carries Chinese text; a custom-period xlsx holds the figures of the statistics API as numbers', async () => {
    const zh = await queue('supervisor', { kind: 'custom', from: MONTH_START, to: TODAY, format: 'pdf', lang: 'zh-Hans' });
    const xlsx = await queue('supervisor', { kind: 'custom', from: MONTH_START, to: TODAY, format: 'xlsx', lang: 'en' });
    await t.runBackground();
    const pdf = await t.call('supervisor', 'GET', `/api/v1/reports/${zh.id}/download`);
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('诉求办理统计报告');
    expect(text).toContain('回复率');
    const file = await t.call('supervisor', 'GET', `/api/v1/reports/${xlsx.id}/download`);
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Trend', 'By unit', 'By category', 'Hotspots', 'Backlog', 'Notable cases']);
    const summary = (await t.call('supervisor', 'GET', `/api/v1/stats/summary?from=${MONTH_START}&to=${TODAY}`)).json() as { counts: { registered: number } };
    let registered: unknown = null;
    (wb.getWorksheet('Summary') as ExcelJS.Worksheet).eachRow((row) => {
      if (row.getCell(1).value === 'Cases registered') registered = row.getCell(2).value;
    });
    expect(summary.counts.registered).toBeGreaterThan(0);
    expect(registered).toBe(summary.counts.registered);
  });

  it('fails with report.font_missing when a font cannot be found, without crashing the job loop', async () => {
    process.env.BIHUAN_REPORT_FONT_TIBETAN = '/nonexistent/TibetanMachineUni.ttf';
    try {
      const queued = await queue('supervisor', { kind: 'monthly', from: MONTH_START, format: 'pdf', lang: 'bo' });
      await t.runBackground();
      const failed = await view('supervisor', queued.id);
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'report.font_missing' }, downloadUrl: null });
      expect(failed.error?.message).toContain('BIHUAN_REPORT_FONT_TIBETAN');
      expect((await t.call('supervisor', 'GET', `/api/v1/reports/${queued.id}/download`)).statusCode).toBe(404);
    } finally {
      delete process.env.BIHUAN_REPORT_FONT_TIBETAN;
    }
  });

  it('refuses bad requests with coded errors and queues nothing', async () => {
    const count = async () => Number((await t.database.db.selectFrom('reports').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const bad: [Record<string, unknown>, number, string][] = [
      [{ kind: 'monthly', from: `${TODAY.slice(0, 7)}-02`, format: 'pdf' }, 400, 'validation.failed'],
      [{ kind: 'custom', from: MONTH_START, format: 'pdf' }, 400, 'validation.failed'],
      [{ kind: 'custom', from: TODAY, to: MONTH_START === TODAY ? '2000-01-01' : MONTH_START, format: 'xlsx' }, 400, 'validation.failed'],
      [{ kind: 'monthly', from: MONTH_START, format: 'docx' }, 400, 'validation.failed'],
      [{ kind: 'weekly', from: MONTH_START, format: 'pdf' }, 400, 'validation.failed'],
      // A unit outside the caller's scope answers as missing.
      [{ kind: 'monthly', from: MONTH_START, format: 'pdf', unitId: units.get('cityman') }, 404, 'unit.not_found'],
    ];
    for (const [body, status, code] of bad) {
      const res = await t.call('handler', 'POST', '/api/v1/reports', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect((res.json() as { error: { code: string } }).error.code).toBe(code);
    }
    expect(await count()).toBe(before);
  });

  const YEAR = TODAY.slice(0, 4);

  it('yearly xlsx: 12 monthly trend rows, the figures of /stats for the year, notable cases in scope with an overdue one', async () => {
    // Both cases open and past their reply limit: the hrss one must be listed, the city one (outside the
    // handler's scope) never.
    const past = new Date(Date.now() - 3 * 86_400_000);
    await t.database.db.updateTable('cases').set({ reply_due_at: past }).where('id', 'in', [formulaCase.id, cityCase.id]).execute();
    const queued = await queue('handler', { kind: 'yearly', from: `${YEAR}-01-01`, format: 'xlsx', lang: 'en' });
    await t.runBackground();
    const done = await view('handler', queued.id);
    expect(done).toMatchObject({ status: 'done', error: null });
    expect(done.fileName).toBe(`bihuan-report-hrss-${YEAR}.xlsx`);
    const wb = await workbookOf('handler', done);
    const summarySheet = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(String(summarySheet.getRow(1).getCell(1).value)).toContain('yearly statistical report');
    const trend = wb.getWorksheet('Trend') as ExcelJS.Worksheet;
    const months = trend.getSheetValues().slice(2).map((row) => (row as unknown[])[1]);
    expect(months).toHaveLength(12);
    const stats = (await t.call('handler', 'GET', `/api/v1/stats/summary?from=${YEAR}-01-01&to=${YEAR}-12-31`)).json() as { counts: Record<string, number> };
    const figures = new Map<unknown, unknown>();
    summarySheet.eachRow((row) => figures.set(row.getCell(1).value, row.getCell(2).value));
    expect(stats.counts.registered).toBeGreaterThan(0);
    expect(figures.get('Cases registered')).toBe(stats.counts.registered);
    expect(figures.get('Cases awaiting a reply')).toBe(stats.counts.open);
    expect(figures.get('of which overdue')).toBe(stats.counts.openOverdue);
    expect(figures.get('Cases replied')).toBe(stats.counts.replied);
    const notable = wb.getWorksheet('Notable cases') as ExcelJS.Worksheet;
    const rows = notable.getSheetValues().slice(2).map((row) => (row as unknown[]).slice(1));
    const overdue = rows.find((r) => r[0] === formulaCase.trackingNo);
    expect(overdue, JSON.stringify(rows)).toBeDefined();
    expect(String(overdue?.[4])).toContain('Past its reply limit');
    expect(rows.map((r) => r[0])).not.toContain(cityCase.trackingNo);
    // No requester data in the section.
    expect(JSON.stringify(rows)).not.toContain('王小明');
    expect(JSON.stringify(rows)).not.toContain('13812345678');
  });

  it('a yearly PDF in Tibetan says it is a yearly report', async () => {
    const queued = await queue('supervisor', { kind: 'yearly', from: `${YEAR}-01-01`, format: 'pdf', lang: 'bo' });
    await t.runBackground();
    const done = await view('supervisor', queued.id);
    expect(done).toMatchObject({ status: 'done', fileName: `bihuan-report-lhasa-${YEAR}.pdf` });
    const text = pdfText((await t.call('supervisor', 'GET', done.downloadUrl as string)).rawPayload);
    expect(text).toContain('རེ་ཞུ་ཐག་གཅོད་ཀྱི་ལོ་འཁོར་གྲངས་ཐོའི་སྙན་ཞུ།');
    expect(text).toContain('དོ་སྣང་དགོས་པའི་རེ་ཞུ།');
  });

  it('refuses a bad year with a coded 400 and queues nothing', async () => {
    const count = async () => Number((await t.database.db.selectFrom('reports').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const jobs = async () => Number((await t.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).where('kind', 'like', 'reports.%').executeTakeFirstOrThrow()).n);
    const [reportsBefore, jobsBefore] = [await count(), await jobs()];
    for (const body of [
      { kind: 'yearly', from: `${YEAR}-02-01`, format: 'xlsx' },
      { kind: 'yearly', from: `${YEAR}-01-01`, to: `${YEAR}-06-30`, format: 'xlsx' },
      { kind: 'yearly', from: `${Number(YEAR) + 1}-01-01`, format: 'pdf' },
      { kind: 'yearly', from: `${YEAR}-13-01`, format: 'pdf' },
      { kind: 'yearly', from: YEAR, format: 'pdf' },
    ]) {
      const res = await t.call('handler', 'POST', '/api/v1/reports', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect((res.json() as { error: { code: string } }).error.code).toBe('validation.failed');
    }
    expect([await count(), await jobs()]).toEqual([reportsBefore, jobsBefore]);
  });

  const QUARTER_START = `${YEAR}-${String(Math.floor((Number(TODAY.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;

  it('quarterly xlsx: the calendar quarter, three monthly trend rows, compared with the quarter before', async () => {
    const queued = await queue('handler', { kind: 'quarterly', from: QUARTER_START, format: 'xlsx', lang: 'en' });
    const quarterEnd = addDays(addMonths(QUARTER_START, 3), -1);
    expect(queued).toMatchObject({ kind: 'quarterly', from: QUARTER_START, to: quarterEnd });
    await t.runBackground();
    const done = await view('handler', queued.id);
    const quarter = Math.floor((Number(QUARTER_START.slice(5, 7)) - 1) / 3) + 1;
    expect(done).toMatchObject({ status: 'done', error: null, fileName: `bihuan-report-hrss-${YEAR}-Q${quarter}.xlsx` });
    const wb = await workbookOf('handler', done);
    const summarySheet = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(String(summarySheet.getRow(1).getCell(1).value)).toContain('quarterly statistical report');
    const trend = wb.getWorksheet('Trend') as ExcelJS.Worksheet;
    expect(trend.getSheetValues().slice(2)).toHaveLength(3);
    const stats = (await t.call('handler', 'GET', `/api/v1/stats/summary?from=${QUARTER_START}&to=${quarterEnd}`)).json() as { counts: Record<string, number> };
    const figures = new Map<unknown, unknown>();
    summarySheet.eachRow((row) => figures.set(row.getCell(1).value, row.getCell(2).value));
    expect(figures.get('Previous period')).toBe(`${addMonths(QUARTER_START, -3)} – ${addDays(QUARTER_START, -1)}`);
    expect(stats.counts.registered).toBeGreaterThan(0);
    expect(figures.get('Cases registered')).toBe(stats.counts.registered);
  });

  it('a second quarter is compared with the first, day for day, not with as many days back', async () => {
    // Q2 has 91 days, Q1 90 (91 in a leap year): "as many days back" would start on 31 December (or 1 January of a
    // leap year), so last year's and the year before's second quarters between them tell the two rules apart.
    for (const year of [Number(YEAR) - 1, Number(YEAR) - 2]) {
      const queued = await queue('handler', { kind: 'quarterly', from: `${year}-04-01`, format: 'xlsx', lang: 'en' });
      await t.runBackground();
      const done = await view('handler', queued.id);
      const wb = await workbookOf('handler', done);
      const figures = new Map<unknown, unknown>();
      (wb.getWorksheet('Summary') as ExcelJS.Worksheet).eachRow((row) => figures.set(row.getCell(1).value, row.getCell(2).value));
      expect(figures.get('Period')).toBe(`${year}-04-01 – ${year}-06-30`);
      expect(figures.get('Previous period')).toBe(`${year}-01-01 – ${year}-03-31`);
    }
  });

  it('a quarterly PDF in Chinese says it is a quarterly report', async () => {
    const queued = await queue('supervisor', { kind: 'quarterly', from: QUARTER_START, format: 'pdf', lang: 'zh-Hans' });
    await t.runBackground();
    const done = await view('supervisor', queued.id);
    expect(done.status).toBe('done');
    expect(pdfText((await t.call('supervisor', 'GET', done.downloadUrl as string)).rawPayload)).toContain('诉求办理季度统计报告');
  });

  it('refuses a bad quarter with a coded 400 and queues nothing', async () => {
    const count = async () => Number((await t.database.db.selectFrom('reports').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    for (const body of [
      { kind: 'quarterly', from: `${YEAR}-02-01`, format: 'xlsx' },
      { kind: 'quarterly', from: `${YEAR}-04-02`, format: 'xlsx' },
      { kind: 'quarterly', from: `${YEAR}-01-01`, to: `${YEAR}-06-30`, format: 'pdf' },
      { kind: 'quarterly', from: `${Number(YEAR) + 1}-01-01`, format: 'pdf' },
      { kind: 'quarterly', from: `${YEAR}-Q1`, format: 'pdf' },
    ]) {
      const res = await t.call('handler', 'POST', '/api/v1/reports', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect((res.json() as { error: { code: string } }).error.code).toBe('validation.failed');
    }
    expect(await count()).toBe(before);
  });

  it('expires: after the retention the file is gone and the download answers 404', async () => {
    const queued = await queue('handler', { kind: 'monthly', from: MONTH_START, format: 'xlsx', lang: 'zh-Hans' });
    await t.runBackground();
    expect((await view('handler', queued.id)).status).toBe('done');
    await t.database.db.updateTable('reports').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', queued.id).execute();
    await t.database.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('dedupe_key', '=', `reports.expire:${queued.id}`).execute();
    expect((await view('handler', queued.id)).status).toBe('expired');
    await t.runBackground();
    const row = await t.database.db.selectFrom('reports').select(['status', 'file']).where('id', '=', queued.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'expired', file: null });
    expect((await t.call('handler', 'GET', `/api/v1/reports/${queued.id}/download`)).statusCode).toBe(404);
  });
});
