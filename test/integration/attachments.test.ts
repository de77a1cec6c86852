import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/db/backup.js';
import { createDb, type Db } from '../../src/db/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { adminQuery, withDatabase } from '../helpers/test-database.js';

// File uploads through the API and a real database: type by content, size and count limits, image
// re-encoding (EXIF GPS gone, appended payloads gone), scope, the requester's access code, download headers,
// audit entries, timeline events, deletion rules and the backup round trip of the stored bytes.

const SLOW = 120_000;
let t: TestApp;
let dir = '';
const restoredName = `bihuan_attach_restore_${process.pid}`;
let restored: Db | null = null;

type Attachment = { id: string; fileName: string; mediaType: string; byteSize: number; sha256: string; isPublic: boolean; isReencoded: boolean; width: number | null; height: number | null; canDelete: boolean };

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A JPEG of w×h pixels (a gradient) from jpeg-js, with an EXIF block inserted after SOI: orientation 6 and a GPS position. */
const jpegWithGps = (w: number, h: number): Buffer => {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i += 1) data.set([i % w * 8, Math.floor(i / w) * 8, 100, 255], i * 4);
  const plain = jpeg.encode({ data, width: w, height: h }, 90).data;
  // TIFF (little endian): IFD0 at 8 with Orientation=6 and the GPS IFD pointer; GPS IFD with LatitudeRef 'N' and Latitude 29/1 39/1 0/1.
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4 + 2 + 2 * 12 + 4 + 24);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  let o = 8;
  tiff.writeUInt16LE(2, o); o += 2;
  tiff.writeUInt16LE(0x0112, o); tiff.writeUInt16LE(3, o + 2); tiff.writeUInt32LE(1, o + 4); tiff.writeUInt16LE(6, o + 8); o += 12;
  const gpsIfd = 8 + 2 + 24 + 4;
  tiff.writeUInt16LE(0x8825, o); tiff.writeUInt16LE(4, o + 2); tiff.writeUInt32LE(1, o + 4); tiff.writeUInt32LE(gpsIfd, o + 8); o += 12;
  tiff.writeUInt32LE(0, o); o += 4;
  const rationals = gpsIfd + 2 + 24 + 4;
  tiff.writeUInt16LE(2, o); o += 2;
  tiff.writeUInt16LE(0x0001, o); tiff.writeUInt16LE(2, o + 2); tiff.writeUInt32LE(2, o + 4); tiff.write('N\0', o + 8, 'latin1'); o += 12;
  tiff.writeUInt16LE(0x0002, o); tiff.writeUInt16LE(5, o + 2); tiff.writeUInt32LE(3, o + 4); tiff.writeUInt32LE(rationals, o + 8); o += 12;
  tiff.writeUInt32LE(0, o); o += 4;
  [29, 1, 39, 1, 0, 1].forEach((v, i) => tiff.writeUInt32LE(v, rationals + i * 4));
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([plain.subarray(0, 2), app1, payload, plain.subarray(2)]);
};

/** The markers of a JPEG's header segments, up to the start of scan. */
const jpegMarkers = (b: Uint8Array): number[] => {
  const out: number[] = [];
  let o = 2;
  while (o + 4 <= b.length && b[o] === 0xff) {
    const marker = b[o + 1] ?? 0;
    out.push(marker);
    if (marker === 0xda) break;
    o += 2 + (((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0));
  }
  return out;
};

const pngChunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 0);
  return Buffer.concat([head, data, crc]);
};

/** A valid PNG with a tEXt chunk holding a script and an HTML page appended after IEND (a polyglot). */
const pngPolyglot = (): Buffer => {
  const png = new PNG({ width: 4, height: 3 });
  png.data.fill(200);
  const plain = PNG.sync.write(png);
  const text = pngChunk('tEXt', Buffer.from('Comment\0<script>alert(document.cookie)</script>', 'latin1'));
  return Buffer.concat([plain.subarray(0, 33), text, plain.subarray(33), Buffer.from('<html><body><script>alert(1)</script></body></html>')]);
};

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

const upload = async (user: string, caseId: string, bytes: Buffer, query = 'name=photo.jpg') =>
  t.app.inject({
    method: 'POST', url: `/api/v1/cases/${caseId}/attachments?${query}`, payload: bytes,
    headers: { authorization: `Bearer ${await t.tokenOf(user)}`, 'content-type': 'application/octet-stream' },
  });

const uploadPublic = (trackingNo: string, accessCode: string, bytes: Buffer, name = 'IMG_0001.JPG') =>
  t.app.inject({
    method: 'POST', url: `/api/v1/public/cases/${trackingNo}/attachments?name=${encodeURIComponent(name)}`, payload: bytes,
    headers: { 'x-access-code': accessCode, 'content-type': 'application/octet-stream' },
  });

const download = async (user: string, caseId: string, id: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/attachments/${id}/content`, headers: { authorization: `Bearer ${await t.tokenOf(user)}` } });

const storedCount = async (): Promise<number> =>
  Number((await t.database.db.selectFrom('case_attachments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

let caseId = '';
let publicCase = { trackingNo: '', accessCode: '', id: '' };

beforeAll(async () => {
  t = await createTestApp();
  dir = await mkdtemp(path.join(os.tmpdir(), 'bihuan-attach-'));
  const created = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: '路灯不亮', description: '小区门口的路灯坏了一个月。' });
  expect(created.statusCode, created.body).toBe(201);
  caseId = (created.json() as { id: string }).id;
  const submitted = await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'complaint', title: '工资被拖欠', description: '老板拖欠工资三个月，附上照片。' });
  expect(submitted.statusCode, submitted.body).toBe(201);
  const { trackingNo, accessCode } = submitted.json() as { trackingNo: string; accessCode: string };
  const row = await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow();
  publicCase = { trackingNo, accessCode, id: row.id };
}, SLOW);

afterAll(async () => {
  await restored?.destroy();
  await adminQuery(inject('pgAdminUrl'), `DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
  await rm(dir, { recursive: true, force: true });
  await t.close();
});

describe('attachments: content checks', () => {
  it('re-encodes a JPEG: the EXIF block with its GPS position is gone, the photo is turned upright', async () => {
    const original = jpegWithGps(32, 16);
    expect(jpegMarkers(original)).toContain(0xe1);
    expect(original.includes(Buffer.from('Exif'))).toBe(true);
    const res = await upload('agent', caseId, original, 'name=' + encodeURIComponent('../../etc/现场照片.JPG'));
    expect(res.statusCode, res.body).toBe(201);
    const meta = res.json() as Attachment;
    expect(meta).toMatchObject({ mediaType: 'image/jpeg', isReencoded: true, isPublic: false, fileName: '现场照片.jpg', width: 16, height: 32 });

    const got = await download('agent', caseId, meta.id);
    expect(got.statusCode).toBe(200);
    const bytes = got.rawPayload;
    expect(sha256(bytes)).toBe(meta.sha256);
    expect(jpegMarkers(bytes)).not.toContain(0xe1); // no APP1 (EXIF/XMP) segment
    expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    const decoded = jpeg.decode(bytes, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([16, 32]); // orientation 6 applied, then dropped
    // The original's hash is kept for the record, the original bytes are not.
    const row = await t.database.db.selectFrom('case_attachments').select(['original_sha256', 'content']).where('id', '=', meta.id).executeTakeFirstOrThrow();
    expect(row.original_sha256).toBe(sha256(original));
    expect(row.content?.includes(Buffer.from('Exif'))).toBe(false);
  });

  it('neutralises a PNG polyglot: text chunks and the HTML appended after IEND are gone', async () => {
    const res = await upload('agent', caseId, pngPolyglot(), 'name=chart.png');
    expect(res.statusCode, res.body).toBe(201);
    const meta = res.json() as Attachment;
    const bytes = (await download('agent', caseId, meta.id)).rawPayload;
    expect(bytes.includes(Buffer.from('<script'))).toBe(false);
    expect(bytes.includes(Buffer.from('<html'))).toBe(false);
    expect(bytes.subarray(-8, -4).toString('latin1')).toBe('IEND');
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height]).toEqual([4, 3]);
  });

  it('refuses HTML, SVG, WebP and GIF whatever the name says, with a coded 415, and stores nothing', async () => {
    const before = await storedCount();
    const bodies: [string, Buffer][] = [
      ['text/html', Buffer.from('<!doctype html><html><script>alert(1)</script></html>')],
      ['image/svg+xml', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
      ['image/webp', Buffer.concat([Buffer.from('RIFF\x10\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(16)])],
      ['image/gif', Buffer.from('GIF89a\x01\0\x01\0', 'latin1')],
    ];
    for (const [detected, body] of bodies) {
      const res = await upload('agent', caseId, body, 'name=photo.jpg');
      expect(res.statusCode, detected).toBe(415);
      expect(res.json()).toMatchObject({ error: { code: 'request.unsupported_media_type', details: { reason: 'attachment.type_not_allowed', detected } } });
    }
    // A JPEG header on garbage is not an image either.
    const fake = await upload('agent', caseId, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<html>not a jpeg</html>')]));
    expect(fake.statusCode).toBe(400);
    expect(fake.json()).toMatchObject({ error: { code: 'validation.failed', details: { reason: 'attachment.image_invalid' } } });
    // JSON is not a file body here.
    const json = await t.call('agent', 'POST', `/api/v1/cases/${caseId}/attachments`, { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(await storedCount()).toBe(before);
  });

  it('answers a file over the size limit with a coded 413 and stores nothing', async () => {
    const before = await storedCount();
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    big.set([0xff, 0xd8, 0xff], 0);
    const res = await upload('agent', caseId, big);
    expect(res.statusCode).toBe(413);
    expect((res.json() as { error: { code: string } }).error.code).toBe('request.too_large');
    expect(await storedCount()).toBe(before);
  });

  it('keeps a PDF as it is, and serves every file as a download with nosniff and a sandbox CSP', async () => {
    const res = await upload('agent', caseId, PDF, 'name=' + encodeURIComponent('判决书 "最终".pdf'));
    expect(res.statusCode, res.body).toBe(201);
    const meta = res.json() as Attachment;
    expect(meta).toMatchObject({ mediaType: 'application/pdf', isReencoded: false, byteSize: PDF.length, fileName: '判决书 _最终_.pdf' });
    const got = await download('agent', caseId, meta.id);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(PDF)).toBe(true);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="___ ____.pdf"; filename*=UTF-8''${encodeURIComponent('判决书 _最终_.pdf')}`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(got.headers['cache-control']).toBe('private, no-store');
    // A PDF without its end is refused.
    const truncated = await upload('agent', caseId, PDF.subarray(0, 40), 'name=a.pdf');
    expect(truncated.statusCode).toBe(400);
  });
});

describe('attachments: scope, requester, audit, timeline', () => {
  it('answers an out-of-scope case with 404 and stores nothing; reading it is refused alike', async () => {
    const before = await storedCount();
    const res = await upload('handler_union', caseId, PDF, 'name=x.pdf');
    expect(res.statusCode).toBe(404);
    expect((res.json() as { error: { code: string } }).error.code).toBe('case.not_found');
    expect(await storedCount()).toBe(before);
    expect((await t.call('handler_union', 'GET', `/api/v1/cases/${caseId}/attachments`)).statusCode).toBe(404);
    const [first] = ((await t.call('agent', 'GET', `/api/v1/cases/${caseId}/attachments`)).json() as { items: Attachment[] }).items;
    expect((await download('handler_union', caseId, first?.id ?? '')).statusCode).toBe(404);
    // Another case's id with this case's attachment: not found.
    expect((await download('agent', publicCase.id, first?.id ?? '')).statusCode).toBe(404);
  });

  it('lets the requester add files with the access code only, and shows them only the public files', async () => {
    const before = await storedCount();
    const wrong = await uploadPublic(publicCase.trackingNo, '00000000', jpegWithGps(8, 8));
    expect(wrong.statusCode).toBe(404);
    expect((wrong.json() as { error: { code: string } }).error.code).toBe('case.access_code_invalid');
    const noCode = await t.app.inject({ method: 'POST', url: `/api/v1/public/cases/${publicCase.trackingNo}/attachments`, payload: PDF, headers: { 'content-type': 'application/octet-stream' } });
    expect(noCode.statusCode).toBe(400);
    expect(await storedCount()).toBe(before);

    const own = await uploadPublic(publicCase.trackingNo, publicCase.accessCode, jpegWithGps(8, 8), 'ཚོད་ལྟ.jpg');
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ isPublic: true, uploaderKind: 'requester', uploadedBy: null, fileName: 'ཚོད་ལྟ.jpg' });
    // Staff add an internal note file and a file for the public reply (the dispatcher's desk can see this case).
    const internal = (await upload('agent', publicCase.id, PDF, 'name=internal.pdf')).json() as Attachment;
    const forReply = (await upload('agent', publicCase.id, PDF, 'name=reply.pdf&isPublic=true')).json() as Attachment;

    const list = await t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${publicCase.trackingNo}/attachments`, headers: { 'x-access-code': publicCase.accessCode } });
    expect(list.statusCode).toBe(200);
    const names = (list.json() as { items: Attachment[] }).items.map((a) => a.fileName);
    expect(names).toEqual(['ཚོད་ལྟ.jpg', 'reply.pdf']);
    const get = (id: string, code = publicCase.accessCode) =>
      t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${publicCase.trackingNo}/attachments/${id}/content`, headers: { 'x-access-code': code } });
    expect((await get(forReply.id)).statusCode).toBe(200);
    expect((await get(forReply.id)).headers['content-disposition']).toMatch(/^attachment;/);
    expect((await get(internal.id)).statusCode).toBe(404);
    expect((await get(forReply.id, '12345678')).statusCode).toBe(404);

    // Timeline: added events, the internal one flagged internal; the public view shows no internal file.
    const events = await t.database.db.selectFrom('work_item_events').select(['code', 'is_internal', 'actor_kind', 'data'])
      .where('item_id', '=', publicCase.id).where('code', '=', 'case.attachment_added').orderBy('seq').execute();
    expect(events.map((e) => [e.actor_kind, e.is_internal])).toEqual([['requester', false], ['user', true], ['user', false]]);
    const tracked = await t.call(null, 'GET', `/api/v1/public/cases/${publicCase.trackingNo}?accessCode=${publicCase.accessCode}`);
    expect(tracked.body).not.toContain('internal.pdf');
  });

  it('holds the requester to a count limit per case', async () => {
    const totals = await t.database.db.selectFrom('case_attachments').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('case_id', '=', publicCase.id).where('uploader_kind', '=', 'requester').where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    for (let i = Number(totals.n); i < 10; i += 1) expect((await uploadPublic(publicCase.trackingNo, publicCase.accessCode, PDF, `p${i}.pdf`)).statusCode).toBe(201);
    const before = await storedCount();
    const over = await uploadPublic(publicCase.trackingNo, publicCase.accessCode, PDF, 'one-more.pdf');
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ error: { code: 'request.too_large', details: { reason: 'attachment.count_limit' } } });
    expect(await storedCount()).toBe(before);
  });

  it('writes an audit entry for every upload, download and delete', async () => {
    const res = await upload('agent', caseId, PDF, 'name=audit.pdf');
    const meta = res.json() as Attachment;
    await download('agent', caseId, meta.id);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_name', 'outcome', 'ip', 'data']).where('subject_id', '=', meta.id).orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.actor_name, a.outcome])).toEqual([['attachment upload', 'agent', 'stored'], ['attachment download', 'agent', 'sent']]);
    expect(audit[0]?.data).toMatchObject({ caseId, sha256: meta.sha256 });
    expect(audit[0]?.ip).toBeTruthy();
  });

  it('lets the uploader delete within the window, refuses others (403), and keeps the record without the bytes', async () => {
    const meta = (await upload('agent', caseId, PDF, 'name=wrong-file.pdf')).json() as Attachment;
    expect(meta.canDelete).toBe(true);
    const byOther = await t.call('dispatcher', 'DELETE', `/api/v1/cases/${caseId}/attachments/${meta.id}`);
    expect(byOther.statusCode).toBe(403);
    expect((await download('agent', caseId, meta.id)).statusCode).toBe(200);
    const outOfScope = await t.call('handler_union', 'DELETE', `/api/v1/cases/${caseId}/attachments/${meta.id}`);
    expect(outOfScope.statusCode).toBe(404);
    const del = await t.call('agent', 'DELETE', `/api/v1/cases/${caseId}/attachments/${meta.id}`);
    expect(del.statusCode, del.body).toBe(204);
    expect((await download('agent', caseId, meta.id)).statusCode).toBe(404);
    const again = await t.call('agent', 'DELETE', `/api/v1/cases/${caseId}/attachments/${meta.id}`);
    expect(again.statusCode).toBe(404);
    const row = await t.database.db.selectFrom('case_attachments').select(['content', 'deleted_at', 'sha256']).where('id', '=', meta.id).executeTakeFirstOrThrow();
    expect(row.content).toBeNull();
    expect(row.deleted_at).not.toBeNull();
    const removed = await t.database.db.selectFrom('work_item_events').select(['data', 'is_internal']).where('item_id', '=', caseId).where('code', '=', 'case.attachment_removed').execute();
    expect(removed).toHaveLength(1);
    expect(removed[0]?.data).toMatchObject({ attachmentId: meta.id, fileName: 'wrong-file.pdf' });
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('subject_id', '=', meta.id).where('action', '=', 'attachment delete').execute();
    expect(audit).toHaveLength(1);
    // An admin may delete anyone's file.
    const other = (await upload('dispatcher', caseId, PDF, 'name=by-dispatcher.pdf')).json() as Attachment;
    expect((await t.call('admin', 'DELETE', `/api/v1/cases/${caseId}/attachments/${other.id}`)).statusCode).toBe(204);
  });
});

describe('attachments: backup', () => {
  it('keeps the stored bytes through backup and restore', async () => {
    const file = path.join(dir, 'attach.backup.gz');
    await backupDatabase(t.database.db, file);
    await adminQuery(inject('pgAdminUrl'), `CREATE DATABASE ${restoredName}`);
    restored = createDb(withDatabase(inject('pgAdminUrl'), restoredName), { max: 2, onIdleError: () => {} });
    await restoreDatabase(restored, file);
    const read = async (db: Db) =>
      (await db.selectFrom('case_attachments').select(['id', 'sha256', 'content']).orderBy('id').execute()).map((r) => [r.id, r.sha256, r.content ? sha256(r.content) : null]);
    const before = await read(t.database.db);
    expect(before.length).toBeGreaterThan(5);
    expect(await read(restored)).toEqual(before);
    for (const [, stored, actual] of before) if (actual !== null) expect(actual).toBe(stored);
  }, SLOW);
});
