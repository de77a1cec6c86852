import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../case/case.types.js';
import { isEmailAddress, maskEmailAddress, maskPhoneNumber, smsNumberOf } from './contact.js';
import { MAX_DELIVERY_ATTEMPTS, nextStateAfter, redact, retryDelayMs } from './delivery-policy.js';
import { MESSAGE_TEMPLATES, renderRequesterMessage, SMS_TEMPLATE_PARAMS, type MessageFacts } from './message-templates.js';
import { MESSAGE_CHANNELS, MESSAGE_KINDS } from './notification.types.js';
import { isQuiet, nextSendableAt, parseQuietHours } from './quiet-hours.js';
import { fillTemplate, formatDate } from './render-template.js';
import { planRequesterMessage } from './requester-messages.js';
import { noticeText, staffAudiences } from './staff-notices.js';

const unit = { 'zh-Hans': '市人力资源和社会保障局', bo: 'གྲོང་ཁྱེར་མི་ཤུགས་ཐོན་ཁུངས་དང་སྤྱི་ཚོགས་འགན་ལེན་ཅུས།', en: 'Human Resources and Social Security Bureau' };
const full: MessageFacts = {
  trackingNo: '2026112200017',
  accessCode: '48213950',
  unitName: unit,
  replyDueAt: new Date('2026-11-30T09:30:00Z'),
  days: 5,
  reason: '需要现场核查',
  advice: '请向劳动仲裁委员会申请仲裁',
  replyText: '经核查，已责令企业于11月25日前支付全部工资。',
  outcome: 'resolved',
  resolved: 'no',
  satisfaction: 'dissatisfied',
  trackingUrl: 'https://bihuan.example/track',
};
const TIBETAN = /[\u0F40-\u0FBC]/;
const HAN = /[\u4e00-\u9fff]/;

describe('requester message templates', () => {
  it('render every kind on every channel in zh-Hans, bo and en with no placeholder left', () => {
    for (const kind of MESSAGE_KINDS) {
      for (const language of LANGUAGES) {
        for (const channel of MESSAGE_CHANNELS) {
          const m = renderRequesterMessage(kind, channel, language, full);
          expect(m.body, `${kind} ${language} ${channel}`).toContain(full.trackingNo);
          expect(m.body).not.toMatch(/\{[a-zA-Z]+\}/);
          if (channel === 'email') expect(m.subject).toContain(full.trackingNo);
          // The Tibetan text is Tibetan (only the unit's name, when it has no Tibetan name, may be Chinese).
          if (language === 'bo') expect(m.body).toMatch(TIBETAN);
          if (language === 'zh-Hans') expect(m.body).toMatch(HAN);
          if (language === 'en') expect(m.body).toMatch(/[A-Za-z]{4,}/);
        }
      }
    }
  });

  it('puts the access code, the unit, the reason and the due date where the kind needs them', () => {
    expect(renderRequesterMessage('registered', 'sms', 'zh-Hans', full).body).toBe(
      '您的诉求已受理，受理编号2026112200017，查询码48213950，请妥善保存。查询进度：https://bihuan.example/track',
    );
    expect(renderRequesterMessage('registered', 'sms', 'bo', full).body).toContain('བཤེར་འདྲིའི་གསང་གྲངས་ནི་ 48213950 ཡིན།');
    expect(renderRequesterMessage('dispatched', 'sms', 'bo', full).body).toContain(unit.bo);
    expect(renderRequesterMessage('dispatched', 'sms', 'zh-Hans', full).body).toBe('您的诉求（受理编号2026112200017）已交市人力资源和社会保障局办理，将于2026年11月30日前答复您。');
    expect(renderRequesterMessage('extended', 'sms', 'zh-Hans', full).body).toContain('延长5天，原因：需要现场核查');
    expect(renderRequesterMessage('extended', 'sms', 'bo', full).body).toContain('ཉིན་ 5');
    expect(renderRequesterMessage('replied', 'email', 'zh-Hans', full).body).toContain(full.replyText as string);
    expect(renderRequesterMessage('callback', 'sms', 'zh-Hans', full).body).toContain('督促承办单位重新办理');
    expect(renderRequesterMessage('callback', 'sms', 'zh-Hans', { ...full, resolved: 'yes', satisfaction: 'satisfied' }).body).not.toContain('重新办理');
  });

  it('drops what is not known instead of printing empty words', () => {
    const bare = { trackingNo: '2026112200017' };
    expect(renderRequesterMessage('registered', 'sms', 'zh-Hans', bare).body).toBe('您的诉求已受理，受理编号2026112200017，查询码已在受理时告知您。');
    expect(renderRequesterMessage('dispatched', 'sms', 'en', { ...bare, unitName: unit }).body).toBe(
      'Your request 2026112200017 has been sent to Human Resources and Social Security Bureau.',
    );
    expect(renderRequesterMessage('replied', 'sms', 'zh-Hans', { ...bare, outcome: 'explained' }).body).toBe(
      '您的诉求（受理编号2026112200017）已答复，办理结果：已解释说明。请凭查询码查看答复并评价。',
    );
    // A unit without a Tibetan name is named in Chinese rather than not at all.
    expect(renderRequesterMessage('dispatched', 'sms', 'bo', { ...bare, unitName: { 'zh-Hans': '某局' } }).body).toContain('某局');
  });

  it('hands providers the template variables in a fixed order', () => {
    const m = renderRequesterMessage('dispatched', 'sms', 'zh-Hans', full);
    expect(Object.keys(m.params)).toEqual(SMS_TEMPLATE_PARAMS.dispatched);
    expect(m.params).toEqual({ trackingNo: '2026112200017', unitName: unit['zh-Hans'], replyDueDate: '2026年11月30日' });
    expect(Object.keys(MESSAGE_TEMPLATES)).toEqual([...MESSAGE_KINDS]);
  });

  it('formats dates in Asia/Shanghai in each language', () => {
    const lateEvening = new Date('2026-11-29T17:30:00Z'); // 01:30 on the 30th in Lhasa's official time
    expect(formatDate(lateEvening, 'zh-Hans')).toBe('2026年11月30日');
    expect(formatDate(lateEvening, 'bo')).toBe('སྤྱི་ལོ་2026 ཟླ་11 ཚེས་30');
    expect(formatDate(lateEvening, 'en')).toBe('30 Nov 2026');
    expect(fillTemplate('{a} {b}', { a: 'x' })).toEqual({ text: 'x {b}', missing: ['b'] });
  });
});

describe('which events tell the requester what', () => {
  it('maps the loop to message kinds and stays silent on internal steps and imports', () => {
    const kinds = [
      ['case.registered', {}], ['case.dispatched', { unit: { id: 'u', code: 'hrss', name: unit } }], ['case.accepted', {}],
      ['case.extension_decided', { isApproved: true, days: 5, reason: 'r', replyDueAt: '2026-12-01T00:00:00Z' }],
      ['case.extension_decided', { isApproved: false, days: 5 }], ['case.replied', { outcome: 'resolved', text: 't' }],
      ['case.noted', { text: 'internal' }], ['case.callback_recorded', { resolved: 'yes', satisfaction: 'satisfied' }],
      ['case.rejected', { reason: 'r' }], ['case.reopened', { reason: 'r' }], ['case.transferred', { toUnit: { id: 'u', name: unit } }],
    ] as const;
    expect(kinds.map(([code, data]) => planRequesterMessage({ code, data }, 'phone')?.kind ?? null)).toEqual([
      'registered', 'dispatched', null, 'extended', null, 'replied', null, 'callback', 'rejected', 'reopened', 'dispatched',
    ]);
    expect(planRequesterMessage({ code: 'case.dispatched', data: { unit: { name: unit } } }, 'phone')?.facts.unitName).toEqual(unit);
    expect(planRequesterMessage({ code: 'case.registered', data: {} }, 'import')).toBeNull();
  });

  it('asks the requester for what a hold waits on, by its end date, and reminds them; no reason, no message', () => {
    const held = planRequesterMessage({ code: 'case.put_on_hold', data: { reason: '请补充合同', endsAt: '2026-12-08T02:00:00.000Z' } }, 'phone');
    expect(held).toEqual({ kind: 'held', facts: { reason: '请补充合同', holdEndsAt: new Date('2026-12-08T02:00:00.000Z') } });
    expect(planRequesterMessage({ code: 'case.hold_reminded', data: { reason: '请补充合同', endsAt: null } }, 'phone')).toEqual({
      kind: 'hold_reminder', facts: { reason: '请补充合同', holdEndsAt: null },
    });
    expect(planRequesterMessage({ code: 'case.put_on_hold', data: { reason: '  ' } }, 'phone')).toBeNull();
    for (const language of LANGUAGES) {
      const withDate = renderRequesterMessage('hold_reminder', 'sms', language, { trackingNo: '1', reason: 'R', holdEndsAt: new Date('2026-12-08T02:00:00Z'), trackingUrl: 'https://t' });
      expect(withDate.body).toContain(formatDate(new Date('2026-12-08T02:00:00Z'), language));
      expect(withDate.body).not.toMatch(/[{}]/);
      expect(withDate.params).toEqual({ trackingNo: '1', reason: 'R', holdEndsDate: formatDate(new Date('2026-12-08T02:00:00Z'), language) });
      // Without an end date the sentence about it drops out, and the form asks for it soon instead.
      const open = renderRequesterMessage('held', 'sms', language, { trackingNo: '1', reason: 'R' });
      expect(open.body).not.toMatch(/[{}]/);
      expect(open.body).not.toContain('2026');
    }
  });

  it('tells the unit when a wait nobody answered ends, and nobody when staff or the requester resumed', () => {
    const ended = { code: 'case.resumed', data: { source: 'system', reason: 'hold_expired', heldFrom: 'accepted' } };
    expect(staffAudiences(ended, 'lead')).toEqual([{ scope: 'unit', unitIds: ['lead'], roles: ['unit_handler', 'unit_leader'] }]);
    expect(staffAudiences({ ...ended, data: { ...ended.data, heldFrom: 'registered' } }, 'lead')).toEqual([{ scope: 'covering', of: 'intake', roles: ['agent', 'dispatcher'] }]);
    expect(staffAudiences({ code: 'case.resumed', data: { source: 'staff' } }, 'lead')).toEqual([]);
    expect(staffAudiences({ code: 'case.resumed', data: { source: 'requester' } }, 'lead')).toEqual([]);
  });

  it('tells staff in the app who must act, in their language', () => {
    expect(staffAudiences({ code: 'case.dispatched', data: { unit: { id: 'lead' }, assistingUnits: [{ id: 'a1' }] } }, 'lead')).toEqual([
      { scope: 'unit', unitIds: ['lead', 'a1'], roles: ['unit_handler', 'unit_leader'] },
    ]);
    expect(staffAudiences({ code: 'case.callback_recorded', data: { resolved: 'yes', satisfaction: 'satisfied' } }, 'lead')).toEqual([]);
    expect(staffAudiences({ code: 'case.callback_recorded', data: { resolved: 'no', satisfaction: 'satisfied' } }, 'lead')[0]).toMatchObject({ of: 'intake', roles: ['supervisor', 'dispatcher'] });
    expect(noticeText('case.extension_requested', 'en', { trackingNo: '1', title: 'T', data: { days: 5 } })).toBe('Extension request (5 days) to decide: 1 T');
    expect(noticeText('case.dispatched', 'bo', { trackingNo: '1', title: 'T', data: {} })).toMatch(TIBETAN);
  });

  it('words the new-device notice from its data, in Asia/Shanghai time', () => {
    const data = { browser: 'Firefox', os: 'Linux', kind: 'desktop', ip: '203.0.113.7', at: '2026-11-26T02:03:04.000Z' };
    expect(noticeText('auth.new_device_sign_in', 'en', { trackingNo: '', title: '', data })).toBe(
      'A new device signed in to your account: 26 Nov 2026 10:03, Firefox on Linux, network address 203.0.113.7. If this was not you, sign it out on the "Signed-in devices" page and change your password at once.',
    );
    expect(noticeText('auth.new_device_sign_in', 'zh-Hans', { trackingNo: '', title: '', data })).toContain('2026年11月26日 10:03，Linux 上的 Firefox，网络地址 203.0.113.7');
    expect(noticeText('auth.new_device_sign_in', 'bo', { trackingNo: '', title: '', data })).toMatch(TIBETAN);
    expect(noticeText('auth.new_device_sign_in', 'en', { trackingNo: '', title: '', data: { at: data.at } })).toContain('an unknown device, network address unknown');
  });
});

describe('quiet hours', () => {
  const quiet = parseQuietHours('21:00-08:00');
  const shanghai = (local: string) => new Date(`${local}+08:00`);

  it('holds SMS from 21:00 to 08:00 Asia/Shanghai', () => {
    expect(isQuiet(shanghai('2026-11-23T20:59:00'), quiet)).toBe(false);
    expect(isQuiet(shanghai('2026-11-23T21:00:00'), quiet)).toBe(true);
    expect(isQuiet(shanghai('2026-11-24T07:59:00'), quiet)).toBe(true);
    expect(isQuiet(shanghai('2026-11-24T08:00:00'), quiet)).toBe(false);
    expect(nextSendableAt(shanghai('2026-11-23T23:10:42'), quiet)).toEqual(shanghai('2026-11-24T08:00:00'));
    expect(nextSendableAt(shanghai('2026-11-24T03:00:00'), quiet)).toEqual(shanghai('2026-11-24T08:00:00'));
    expect(nextSendableAt(shanghai('2026-11-24T10:00:00'), quiet)).toEqual(shanghai('2026-11-24T10:00:00'));
  });

  it('parses windows that do not wrap, and off', () => {
    const lunch = parseQuietHours('12:00-14:30');
    expect(isQuiet(shanghai('2026-11-23T13:00:00'), lunch)).toBe(true);
    expect(isQuiet(shanghai('2026-11-23T15:00:00'), lunch)).toBe(false);
    expect(parseQuietHours('off')).toBeNull();
    expect(() => parseQuietHours('9pm-8am')).toThrow(/21:00-08:00/);
  });
});

describe('contacts', () => {
  it('sends SMS to mobiles only, in national and E.164 forms', () => {
    expect(smsNumberOf('138-0000-0001')).toEqual({ national: '13800000001', e164: '+8613800000001' });
    expect(smsNumberOf('+86 138 0000 0001')).toEqual({ national: '13800000001', e164: '+8613800000001' });
    expect(smsNumberOf('0891-6321234')).toBeNull();
    expect(smsNumberOf('+977 9812345678')).toEqual({ national: '+9779812345678', e164: '+9779812345678' });
    expect(maskPhoneNumber('13800000001')).toBe('138****0001');
    expect(maskEmailAddress('zhuoma@example.com')).toBe('z***@example.com');
    expect(isEmailAddress('not an address')).toBe(false);
  });
});

describe('delivery policy', () => {
  const base = { attempts: 1, channel: 'sms' as const, isIdempotent: false, now: new Date('2026-11-23T02:00:00Z'), quietHours: null };

  it('retries with growing delays, then gives up', () => {
    expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000]);
    expect(nextStateAfter({ status: 'retry', error: 'HTTP 500' }, base)).toMatchObject({ status: 'queued', notBefore: new Date('2026-11-23T02:00:30Z'), event: null });
    expect(nextStateAfter({ status: 'retry', error: 'HTTP 500' }, { ...base, attempts: MAX_DELIVERY_ATTEMPTS })).toMatchObject({ status: 'failed', event: 'notification.failed' });
    expect(nextStateAfter({ status: 'rejected', error: 'bad number' }, base)).toMatchObject({ status: 'failed', event: 'notification.failed' });
  });

  it('never repeats an unknown outcome unless the provider deduplicates', () => {
    expect(nextStateAfter({ status: 'unknown', error: 'timeout' }, base)).toMatchObject({ status: 'unknown', event: 'notification.unknown' });
    expect(nextStateAfter({ status: 'unknown', error: 'timeout' }, { ...base, isIdempotent: true })).toMatchObject({ status: 'queued' });
  });

  it('moves an SMS retry that would fall in the night to the morning', () => {
    const evening = new Date('2026-11-23T20:59:50+08:00');
    const next = nextStateAfter({ status: 'retry', error: 'x' }, { ...base, now: evening, quietHours: parseQuietHours('21:00-08:00') });
    expect(next.notBefore).toEqual(new Date('2026-11-24T08:00:00+08:00'));
  });

  it('redacts the access code', () => {
    expect(redact('查询码48213950，请妥善保存', '48213950')).toBe('查询码********，请妥善保存');
    expect(redact('no code', null)).toBe('no code');
  });
});
