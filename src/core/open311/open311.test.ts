import { describe, expect, it } from 'vitest';
import { contentHashOf, hashApiKey, newApiKey, signWebhook, verifyWebhookSignature } from './api-key-secrets.js';
import { checkAttributes } from './attributes.js';
import { listField, paramsFromEntries, parseFormBody } from './form-params.js';
import { GeoReportError } from './georeport-error.js';
import type { AttributeDefinition } from './open311.types.js';
import { parseRequestQuery } from './request-query.js';
import { REDACTED, roundCoordinate, scrubText } from './scrub.js';
import { caseStatusesOf, extendedStatusOf, openClosedOf, statusOfOutcome } from './status-map.js';
import { formatW3, parseW3 } from './w3-datetime.js';

describe('W3C dates', () => {
  it('go out in China time with +08:00', () => {
    expect(formatW3(new Date('2026-11-22T05:06:07.890Z'))).toBe('2026-11-22T13:06:07+08:00');
    expect(formatW3(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01T04:00:00+08:00');
  });

  it.each([
    ['2026-11-22T00:00:00Z', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T08:00:00+08:00', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T08:00:00+0800', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T08:00:00 08:00', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T03:00-05:00', '2026-11-22T08:00:00.000Z'],
    ['2026-11-22T00:00:00.5Z', '2026-11-22T00:00:00.500Z'],
    ['2026-11-22', '2026-11-21T16:00:00.000Z'],
  ])('read %s', (raw, iso) => {
    expect(parseW3(raw)?.toISOString()).toBe(iso);
  });

  it.each(['2026-11-22T10:00:00', '2026-02-30', '2026-02-30T00:00:00Z', '2026-11-22T24:00:00Z', '22/11/2026', 'yesterday', ''])('refuse %j', (raw) => {
    expect(parseW3(raw)).toBeNull();
  });
});

describe('parameters', () => {
  it('drop empty values, keep repeats, collect attributes and lists', () => {
    const p = parseFormBody('service_code=noise&lat=&status=open&status=closed&attribute%5BA%5D=1&attribute[B][]=x&attribute[B][]=y&attribute[C]=&attribute[]=z');
    expect([...p.fields.keys()]).toEqual(['service_code', 'status']);
    expect(listField(p, 'status')).toEqual(['open', 'closed']);
    expect(Object.fromEntries(p.attributes)).toEqual({ A: ['1'], B: ['x', 'y'] });
    expect([...p.listAttributes]).toEqual(['B']);
  });

  it('service_request_id overrides everything else, even invalid values', () => {
    const q = parseRequestQuery(paramsFromEntries([['service_request_id', '1, 2,2'], ['status', 'nope'], ['start_date', 'bad']]), new Date());
    expect(q).toEqual({ kind: 'ids', ids: ['1', '2'] });
  });

  it('a start date alone opens 90 days from it; nothing means the last 90 days', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    const alone = parseRequestQuery(paramsFromEntries([['start_date', '2026-01-01T00:00:00Z']]), now);
    expect(alone.kind === 'search' && alone.window.end.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    const none = parseRequestQuery(paramsFromEntries([]), now);
    expect(none.kind === 'search' && [none.window.start.toISOString(), none.paging]).toEqual(['2026-08-24T00:00:00.000Z', { page: 1, pageSize: 1000 }]);
  });

  it('collects every problem of a search', () => {
    try {
      parseRequestQuery(paramsFromEntries([['start_date', 'x'], ['status', 'pending'], ['page_size', '0']]), new Date());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GeoReportError);
      expect((error as GeoReportError).issues.map((i) => i.reason)).toEqual(['date_invalid', 'status_invalid', 'paging_invalid']);
    }
  });
});

const def = (a: Partial<AttributeDefinition> & Pick<AttributeDefinition, 'code' | 'datatype'>): AttributeDefinition => ({
  isVariable: true, isRequired: false, datatypeDescription: null, description: { 'zh-Hans': a.code }, order: 1, values: [], mapsTo: null, ...a,
});
const list = [{ key: 'a', name: { 'zh-Hans': 'A' } }, { key: 'b', name: { 'zh-Hans': 'B' } }];

describe('attributes', () => {
  it('typed values, amounts onto the case, information-only attributes ignored', () => {
    const checked = checkAttributes(
      [
        def({ code: 'name', datatype: 'string', isRequired: true }),
        def({ code: 'owed', datatype: 'number', order: 2, mapsTo: 'amount_claimed_yuan' }),
        def({ code: 'when', datatype: 'datetime', order: 3 }),
        def({ code: 'one', datatype: 'singlevaluelist', order: 4, values: list }),
        def({ code: 'many', datatype: 'multivaluelist', order: 5, values: list }),
        def({ code: 'info', datatype: 'string', order: 6, isVariable: false }),
      ],
      new Map([['name', ['第一行\n第二行']], ['owed', ['1234.565']], ['when', ['2026-11-01']], ['one', ['b']], ['many', ['a', 'b', 'a']], ['info', ['ignored']], ['unknown', ['x']]]),
    );
    expect(checked.issues).toEqual([]);
    expect(checked.values).toEqual({ name: '第一行 第二行', owed: 1234.565, when: '2026-11-01T00:00:00+08:00', one: 'b', many: ['a', 'b'] });
    expect(checked.amountClaimedFen).toBe(123457);
  });

  it('every problem, never the value', () => {
    const checked = checkAttributes(
      [def({ code: 'name', datatype: 'string', isRequired: true }), def({ code: 'n', datatype: 'number', order: 2 }), def({ code: 'one', datatype: 'singlevaluelist', order: 3, values: list })],
      new Map([['n', ['13912345678x']], ['one', ['a', 'b']]]),
    );
    expect(checked.issues).toEqual([
      { reason: 'attribute_missing', description: 'attribute[name] is required for this service' },
      { reason: 'attribute_invalid', description: 'attribute[n] must be a number' },
      { reason: 'attribute_invalid', description: 'attribute[one] takes a single value' },
    ]);
  });
});

describe('the consent attribute', () => {
  const answers = [{ key: 'granted', name: { 'zh-Hans': '同意' } }, { key: 'refused', name: { 'zh-Hans': '不同意' } }];
  const consent = (over: Partial<AttributeDefinition> = {}) => def({ code: 'consent', datatype: 'singlevaluelist', values: answers, mapsTo: 'publication_consent', ...over });

  it('carries granted or refused onto the case; no answer is "not asked"', () => {
    expect(checkAttributes([consent()], new Map([['consent', ['refused']]])).publicationConsent).toBe('refused');
    expect(checkAttributes([consent()], new Map([['consent', ['granted']]])).publicationConsent).toBe('granted');
    expect(checkAttributes([consent()], new Map()).publicationConsent).toBeNull();
  });

  it('fails closed on a definition saved around the admin route: an answer that is not a consent key is refused, not dropped', () => {
    const yesNo = consent({ values: [{ key: 'yes', name: { 'zh-Hans': '是' } }, { key: 'no', name: { 'zh-Hans': '否' } }] });
    const checked = checkAttributes([yesNo], new Map([['consent', ['no']]]));
    expect(checked.issues).toEqual([{ reason: 'attribute_invalid', description: 'attribute[consent] must be one of the consent answers granted, refused' }]);
    expect(checked.publicationConsent).toBeNull();
  });

  it('a refusal in one consent attribute is never overruled by another', () => {
    const second = consent({ code: 'consent2', order: 2 });
    expect(checkAttributes([consent(), second], new Map([['consent', ['refused']], ['consent2', ['granted']]])).publicationConsent).toBe('refused');
    expect(checkAttributes([consent(), second], new Map([['consent', ['granted']], ['consent2', ['refused']]])).publicationConsent).toBe('refused');
  });
});

describe('scrubbing free text', () => {
  it('takes out the requester\'s own name, phone, e-mail and ID, however written', () => {
    const text = '我是欧珠拉姆，欧珠 拉姆也行；电话 139-0891-2345 或 +86 13908912345；身份证 54010219880715662X；邮件 Lhamo@Example.cn。';
    expect(scrubText(text, { names: ['欧珠 拉姆'], phones: ['13908912345'], emails: ['lhamo@example.cn'], idNumbers: ['54010219880715662x'] })).toBe(
      `我是${REDACTED}，${REDACTED}也行；电话 ${REDACTED} 或 ${REDACTED}；身份证 ${REDACTED}；邮件 ${REDACTED}。`,
    );
  });

  it('takes out anything shaped like a phone, ID card number or e-mail, even unknown ones', () => {
    expect(scrubText('邻居 0891-6812345 和 18889990000，a.b@c.org')).toBe(`邻居 ${REDACTED} 和 ${REDACTED}，${REDACTED}`);
  });

  it('leaves dates, amounts, short numbers and one-character surnames alone', () => {
    const text = '2026-11-22 起拖欠 12000 元，王师傅说 3 号楼。';
    expect(scrubText(text, { names: ['王五'] })).toBe(text);
    expect(scrubText('Tashi Dorje and tashi', { names: ['Tashi Dorje'] })).toBe(`${REDACTED} and ${REDACTED}`);
  });
});

describe('status mapping', () => {
  it('open until answered; closed once replied, refused or merged', () => {
    expect(['registered', 'dispatched', 'accepted', 'returned'].map((s) => openClosedOf(s as never))).toEqual(['open', 'open', 'open', 'open']);
    expect(['replied', 'callback_done', 'closed', 'rejected', 'merged'].map((s) => openClosedOf(s as never))).toEqual(['closed', 'closed', 'closed', 'closed', 'closed']);
    expect(caseStatusesOf('open')).not.toContain('replied');
  });

  it('closed is not fixed: only a resolved answer reads FIXED', () => {
    expect(statusOfOutcome('resolved')).toBe('FIXED');
    expect(statusOfOutcome('partly_resolved')).toBe('CLOSED');
    expect(statusOfOutcome('explained')).toBe('CLOSED');
    expect(statusOfOutcome('not_accepted')).toBe('NO_FURTHER_ACTION');
    expect(statusOfOutcome('referred')).toBe('NOT_COUNCILS_RESPONSIBILITY');
    expect(extendedStatusOf('case.closed', 'resolved')).toBe('FIXED');
    expect(extendedStatusOf('case.merged', null)).toBe('DUPLICATE');
    expect(extendedStatusOf('case.transferred', null)).toBe('INTERNAL_REFERRAL');
    expect(extendedStatusOf('case.reopened', 'resolved')).toBe('REOPEN');
  });
});

describe('keys and signatures', () => {
  it('keys are random, hashed the same way every time', () => {
    const key = newApiKey();
    expect(key).not.toBe(newApiKey());
    expect(hashApiKey(key)).toBe(hashApiKey(` ${key} `));
  });

  it('the content digest ignores parameter order', () => {
    expect(contentHashOf({ a: 1, b: { c: [1, 2], d: null } })).toBe(contentHashOf({ b: { d: null, c: [1, 2] }, a: 1 }));
    expect(contentHashOf({ a: 1 })).not.toBe(contentHashOf({ a: 2 }));
  });

  it('a signature holds for its body and time only', () => {
    const header = signWebhook('whsec_x', 1_800_000_000, '{"a":1}');
    expect(verifyWebhookSignature('whsec_x', header, '{"a":1}', 1_800_000_100)).toBe(true);
    expect(verifyWebhookSignature('whsec_x', header, '{"a":2}', 1_800_000_100)).toBe(false);
    expect(verifyWebhookSignature('whsec_y', header, '{"a":1}', 1_800_000_100)).toBe(false);
    expect(verifyWebhookSignature('whsec_x', header, '{"a":1}', 1_800_001_000)).toBe(false);
  });

  it('coordinates are rounded', () => {
    expect(roundCoordinate(29.6523871, 3)).toBe(29.652);
    expect(roundCoordinate(-0.0005, 3)).toBe(-0);
    expect(roundCoordinate(null, 3)).toBeNull();
  });
});
