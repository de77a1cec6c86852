import { describe, expect, it } from 'vitest';
import { buildPublicSnapshot, type CaseForPublication } from './build-public-snapshot.js';
import { csvField, toCsv } from './csv.js';
import { coarsenLocation, districtOf } from './districts.js';
import { MASK, maskPersonalData } from './mask-personal-data.js';
import type { OpenDataSettings, PublicationRule } from './open-data.types.js';
import { afterRefresh, decidePolicy } from './publication-policy.js';
import { reviewPublicCase, type OpenDataReviewStore, type ReviewedRow } from './review-public-case.js';
import type { UserActor } from '../auth/actor.js';
import { publicStatsRow, suppressCount } from './statistics.js';

describe('maskPersonalData: Chinese', () => {
  it.each([
    ['电话13988887777请回电', '电话[***]请回电'],
    ['手机 139-8888-7777', '手机 [***]'],
    ['座机（0891）6331234', '座机（[***]'],
    ['身份证540102199001011234', '身份证[***]'],
    ['身份证号54010219900101123X。', '身份证号[***]。'],
    ['邮箱 tashi@example.cn', '邮箱 [***]'],
    ['车牌藏A·12345违停', '车牌[***]违停'],
    ['藏AD12345 新能源车', '[***] 新能源车'],
    ['川A 8B888 乱停', '[***] 乱停'],
    ['车牌号 A12345', '车牌号 [***]'],
    ['住北京中路9号3栋2单元501室', '住北京中路[***]'],
    ['金珠西路158号院', '金珠西路[***]'],
    ['门牌号：吉日二巷12号', '门牌号：[***]'],
    ['我叫次仁卓嘎', '我叫[***]'],
    ['次仁卓嘎反映', '[***]反映'],
    ['联系人：扎西', '联系人：[***]'],
    ['投诉人张三想反映楼道堆物', '投诉人[***]想反映楼道堆物'],
    ['王先生来电', '[***]先生来电'],
    ['多吉啦说', '[***]啦说'],
  ])('%s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it('keeps what is not personal: dates, amounts, greetings, road and place names', () => {
    const text = '2026-11-22 晚上，北京中路噪音，被拖欠12000元，扎西德勒！城关区八廓街道。';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('removes what the requester gave, in any order and spacing', () => {
    const known = { names: ['王 建国'], phones: ['13988887777'], emails: ['w@x.cn'], idNumbers: ['540102199001011234'] };
    expect(maskPersonalData('建国王说：请联系王建国，1 3988 887 777', known)).toBe('[***]说：请联系[***]，[***]');
  });
});

describe('maskPersonalData: Tibetan', () => {
  it.each([
    ['ངའི་མིང་ལ་བཀྲ་ཤིས་ཟེར།', `ངའི་མིང་ལ་${MASK}་ཟེར།`],
    ['ཚེ་རིང་སྒྲོལ་མས་སྐད་ཆ་བཏང་།', `${MASK}ས་སྐད་ཆ་བཏང་།`],
    ['རྡོ་རྗེ་ཚེ་བརྟན་གྱིས་ཞུ་གཏུག་བྱས།', `${MASK}་གྱིས་ཞུ་གཏུག་བྱས།`],
    ['སྒྲོལ་མ་ལགས། ཐུགས་རྗེ་ཆེ།', `${MASK}་ལགས། ཐུགས་རྗེ་ཆེ།`],
    ['ཁ་པར་༡༣༩༨༨༨༨༧༧༧༧ ཡིན།', `ཁ་པར་${MASK} ཡིན།`],
    ['ཁ་པར་ 139 8888 7777', `ཁ་པར་ ${MASK}`],
    ['ཐོབ་ཐང་ལག་ཁྱེར་༥༤༠༡༠༢༡༩༩༠༠༡༠༡༡༢༣༤', `ཐོབ་ཐང་ལག་ཁྱེར་${MASK}`],
    ['ཁྱིམ་ཨང་༡༢ ནང་སྡོད།', `ཁྱིམ་ཨང་${MASK} ནང་སྡོད།`],
    ['ཁང་མིག་ཨང་ 501', `ཁང་མིག་ཨང་ ${MASK}`],
    ['རླངས་འཁོར་ཨང་ བོད་A12345', `རླངས་འཁོར་ཨང་ ${MASK}`],
  ])('%s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it('keeps greetings, words that contain name syllables, dates and place names', () => {
    const text = 'བཀྲ་ཤིས་བདེ་ལེགས། ལྷ་ས་གྲོང་ཁྱེར་ཁྲིན་ཀོན་ཆུས། ༢༠༢༦-༡༡-༢༢ ཉིན་མོ། སྒྲ་གྲགས་ཆེ།';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('removes the Tibetan name the requester gave, with its case particle left in place', () => {
    expect(maskPersonalData('ཕུན་ཚོགས་དབང་འདུས་ཀྱིས་ཞུས།', { names: ['ཕུན་ཚོགས་དབང་འདུས'] })).toBe(`${MASK}་ཀྱིས་ཞུས།`);
    expect(maskPersonalData('དབང་འདུས་ཀྱིས་ཞུས།', { names: ['ཕུན་ཚོགས་དབང་འདུས'] })).toBe(`${MASK}་ཀྱིས་ཞུས།`);
    expect(maskPersonalData('卓嘎说，建国也说', { names: ['次仁卓嘎', '王建国'] })).toBe('[***]说，[***]也说');
  });
});

describe('maskPersonalData: English', () => {
  it.each([
    ['My name is John Smith and', 'My name is [***] and'],
    ['Mr. Wang called', 'Mr. [***] called'],
    ['I live at 12 Beijing Middle Road', 'I live at [***] Beijing Middle Road'],
    ['Room 501, call +86 139 8888 7777', '[***], call [***]'],
  ])('%s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });
});

const settings: OpenDataSettings = { defaultPolicy: 'auto', isReviewRequired: false, minCell: 3, gridMetres: 200 };
const rules: PublicationRule[] = [
  { scope: 'channel', code: 'petition', policy: 'never' },
  { scope: 'category', code: 'wage_arrears', policy: 'never' },
  { scope: 'unit', code: 'procuratorate', policy: 'never' },
  { scope: 'kind', code: 'complaint', policy: 'review' },
];

describe('publication policy', () => {
  const subject = { channel: 'web', kind: 'report', categoryCodes: ['noise', 'city'], unitCodes: ['cityman', 'lhasa'], isPrivate: false, consent: 'not_asked' as const };
  it('the strictest matching rule wins; no rule means the default', () => {
    expect(decidePolicy(rules, subject, 'auto')).toBe('auto');
    expect(decidePolicy(rules, subject, 'review')).toBe('review');
    expect(decidePolicy(rules, { ...subject, kind: 'complaint' }, 'auto')).toBe('review');
    expect(decidePolicy(rules, { ...subject, kind: 'complaint', channel: 'petition' }, 'auto')).toBe('never');
    expect(decidePolicy(rules, { ...subject, unitCodes: ['procuratorate', 'lhasa'] }, 'auto')).toBe('never');
    expect(decidePolicy(rules, { ...subject, categoryCodes: ['wage_arrears', 'labour'] }, 'auto')).toBe('never');
    expect(decidePolicy(rules, { ...subject, isPrivate: true }, 'auto')).toBe('never');
  });

  it('a refusal keeps any case off the portal; consent never loosens a rule', () => {
    expect(decidePolicy(rules, { ...subject, consent: 'refused' }, 'auto')).toBe('never');
    expect(decidePolicy([], { ...subject, consent: 'refused' }, 'auto')).toBe('never');
    expect(decidePolicy(rules, { ...subject, consent: 'granted' }, 'auto')).toBe('auto');
    expect(decidePolicy(rules, { ...subject, consent: 'granted', kind: 'complaint' }, 'auto')).toBe('review');
    expect(decidePolicy(rules, { ...subject, consent: 'granted', channel: 'petition' }, 'auto')).toBe('never');
    expect(decidePolicy(rules, { ...subject, consent: 'granted' }, 'never')).toBe('never');
  });

  it('review keeps the reviewed text served and flags newer text; no review serves the latest', () => {
    const candidate = { title: 'T2', text: 'X2', reply: 'R' };
    const served = { title: 'T1', text: 'X1', reply: null };
    expect(afterRefresh({ policy: 'auto', isReviewRequired: false, state: null, candidate, served: null })).toEqual({ state: 'published', served: candidate, hasUnreviewedChanges: false });
    expect(afterRefresh({ policy: 'auto', isReviewRequired: true, state: 'published', candidate, served })).toEqual({ state: 'published', served, hasUnreviewedChanges: true });
    expect(afterRefresh({ policy: 'review', isReviewRequired: false, state: null, candidate, served: null })).toEqual({ state: 'pending', served: null, hasUnreviewedChanges: true });
    expect(afterRefresh({ policy: 'review', isReviewRequired: false, state: 'published', candidate, served: candidate })).toEqual({ state: 'published', served: candidate, hasUnreviewedChanges: false });
    expect(afterRefresh({ policy: 'auto', isReviewRequired: false, state: 'withdrawn', candidate, served })).toMatchObject({ state: 'withdrawn' });
  });
});

describe('places', () => {
  it('finds the district from the address, the unit, or the coordinates', () => {
    expect(districtOf({ address: '拉萨市堆龙德庆区东嘎街道', unitCodes: ['chengguan'], lat: null, lng: null })).toBe('doilungdeqen');
    expect(districtOf({ address: 'ལྷ་ས་ཁྲིན་ཀོན་ཆུས།', unitCodes: [], lat: null, lng: null })).toBe('chengguan');
    expect(districtOf({ address: '北京中路', unitCodes: ['chengguan_barkhor', 'chengguan', 'lhasa'], lat: null, lng: null })).toBe('chengguan');
    expect(districtOf({ address: null, unitCodes: [], lat: 29.35, lng: 90.74 })).toBe('quxu');
    expect(districtOf({ address: null, unitCodes: [], lat: 39.9, lng: 116.4 })).toBeNull();
  });

  it('snaps points to the centre of a ~200 m cell: nearby points share it, the exact point is gone', () => {
    const a = coarsenLocation({ lat: 29.652_345, lng: 91.132_111, districtCode: null }, 200);
    const b = coarsenLocation({ lat: 29.652_901, lng: 91.132_555, districtCode: null }, 200);
    expect(a).toEqual(b);
    expect(a?.lat).not.toBe(29.652_345);
    const metres = (Math.abs((a?.lat ?? 0) - 29.652_345) * 111_320);
    expect(metres).toBeLessThan(200);
    expect(coarsenLocation({ lat: null, lng: null, districtCode: 'chengguan' }, 200)).toEqual({ lat: 29.654, lng: 91.132 });
    expect(coarsenLocation({ lat: null, lng: null, districtCode: null }, 200)).toBeNull();
  });
});

describe('statistics and export', () => {
  it('suppresses small cells and the rates computed from them', () => {
    expect(suppressCount(0, 3)).toBe(0);
    expect(suppressCount(2, 3)).toBe('<3');
    expect(suppressCount(3, 3)).toBe(3);
    expect(publicStatsRow({ cases: 2, replied: 2, repliedOnTime: 1 }, 3)).toEqual({ cases: '<3', replied: '<3', replyRate: null, onTimeRate: null });
    expect(publicStatsRow({ cases: 10, replied: 4, repliedOnTime: 3 }, 3)).toEqual({ cases: 10, replied: 4, replyRate: 0.4, onTimeRate: 0.75 });
    expect(publicStatsRow({ cases: 10, replied: 1, repliedOnTime: 1 }, 3)).toEqual({ cases: 10, replied: '<3', replyRate: 0.1, onTimeRate: null });
  });

  it('writes CSV with a BOM, quoted fields, and formulas defused', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe('"\'+1"');
    expect(csvField('@SUM(A1)')).toBe('"\'@SUM(A1)"');
    expect(csvField(-3)).toBe('"-3"');
    expect(csvField(null)).toBe('""');
    const csv = toCsv(['a', 'b'], [['噪音', 'ཁྲིན་ཀོན']]);
    expect(csv.startsWith('\uFEFF"a","b"\r\n')).toBe(true);
    expect(csv.endsWith('"噪音","ཁྲིན་ཀོན"\r\n')).toBe(true);
  });
});

describe('buildPublicSnapshot', () => {
  const base: CaseForPublication = {
    channel: 'web', kind: 'report', status: 'replied', title: '次仁卓嘎反映北京中路9号噪音', description: '我叫次仁卓嘎，电话13988887777，住北京中路9号。',
    replyText: '已联系卓嘎（13988887777），已整改。', address: '城关区北京中路9号', lat: 29.652_345, lng: 91.132_111,
    categoryCodes: ['noise', 'city'], unitCodes: ['cityman', 'lhasa'], isPrivate: false, consent: 'granted',
    requester: { names: ['次仁卓嘎'], phones: ['13988887777'] },
  };
  it('keeps only anonymised text, the district and a coarse point', () => {
    const snapshot = buildPublicSnapshot(base, rules, settings);
    expect(snapshot).toMatchObject({ policy: 'auto', districtCode: 'chengguan', status: 'replied' });
    const all = JSON.stringify(snapshot);
    for (const secret of ['次仁', '卓嘎', '13988887777', '9号', '29.652345', '91.132111']) expect(all).not.toContain(secret);
    expect(snapshot?.reply).toBe('已联系[***]（[***]），已整改。');
  });
  it('is null for what may never be published', () => {
    expect(buildPublicSnapshot({ ...base, channel: 'petition' }, rules, settings)).toBeNull();
    expect(buildPublicSnapshot({ ...base, isPrivate: true }, rules, settings)).toBeNull();
    expect(buildPublicSnapshot({ ...base, consent: 'refused' }, rules, settings)).toBeNull();
  });
});

describe('reviewPublicCase', () => {
  const row: ReviewedRow = {
    state: 'pending', auto_title: '噪音', auto_text: '夜间噪音', auto_reply: null, edited_title: null, edited_text: null, edited_reply: null,
    served_title: null, served_text: null, served_reply: null,
  };
  const actorAt = (unitPath: string) => ({ userId: 'u1', username: 'reviewer', unitPath }) as unknown as UserActor;
  const storeOf = (paths: { intakePath: string; leadPath: string | null } | null, snapshot: ReviewedRow | null) => {
    const writes: unknown[] = [];
    const store: OpenDataReviewStore = {
      findCaseUnitPaths: async () => paths,
      findSnapshotForUpdate: async () => snapshot,
      updateSnapshot: async (_id, patch) => void writes.push(patch),
      audit: async (entry) => void writes.push(entry),
    };
    return { store, writes };
  };
  const now = () => new Date('2026-11-22T04:00:00Z');

  it('publishes a case of the reviewer\'s units, masked, with an audit entry of before and after', async () => {
    const { store, writes } = storeOf({ intakePath: 'lhasa', leadPath: 'lhasa.cityman' }, row);
    await reviewPublicCase({ store, now }, { actor: actorAt('lhasa.cityman'), caseId: 'c1', review: { action: 'publish', text: '请拨 13988887777' } });
    expect(writes[0]).toMatchObject({ state: 'published', served_text: '请拨 [***]', served_title: '噪音', edited_text: '请拨 [***]', reviewed_by: 'u1' });
    expect(writes[1]).toMatchObject({ action: 'open_data.publish', caseId: 'c1', data: { before: { state: 'pending', text: null }, after: { state: 'published', text: '请拨 [***]' } } });
  });

  it('reports a case out of scope, unknown or unpublishable as not found, and writes nothing', async () => {
    for (const [paths, snapshot] of [[{ intakePath: 'lhasa.hrss', leadPath: null }, row], [null, row], [{ intakePath: 'lhasa', leadPath: null }, null]] as const) {
      const { store, writes } = storeOf(paths, snapshot);
      await expect(reviewPublicCase({ store, now }, { actor: actorAt(paths?.intakePath === 'lhasa' ? 'lhasa' : 'lhasa.cityman'), caseId: 'c1', review: { action: 'publish' } })).rejects.toMatchObject({ code: 'resource.not_found' });
      expect(writes).toEqual([]);
    }
  });

  it('withdrawing keeps the served text for later and marks no review', async () => {
    const published: ReviewedRow = { ...row, state: 'published', served_title: 'T', served_text: 'X' };
    const { store, writes } = storeOf({ intakePath: 'lhasa', leadPath: null }, published);
    await reviewPublicCase({ store, now }, { actor: actorAt('lhasa'), caseId: 'c1', review: { action: 'withdraw' } });
    expect(writes[0]).toMatchObject({ state: 'withdrawn' });
    expect(writes[0]).not.toHaveProperty('served_text');
    expect(writes[0]).not.toHaveProperty('reviewed_at');
  });
});
