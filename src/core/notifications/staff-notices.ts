import { NEW_DEVICE_NOTICE_CODE } from '../auth/known-devices.js';
import type { Role } from '../auth/roles.js';
import type { Language } from '../case/case.types.js';
import type { LanguageText } from './notification.types.js';
import { fillTemplate, formatDate, shanghaiParts } from './render-template.js';
import type { TimelineEvent } from './requester-messages.js';

/**
 * Who hears about an event in the app. `unit`: staff of exactly these units (the unit that must act);
 * `covering`: staff whose unit covers the case's intake or lead unit (dispatchers, supervisors above it).
 */
export type Audience =
  | { scope: 'unit'; unitIds: string[]; roles: Role[] }
  | { scope: 'covering'; of: 'intake' | 'lead'; roles: Role[] };

const UNIT_STAFF: Role[] = ['unit_handler', 'unit_leader'];

const idOf = (value: unknown): string | null => {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
};

const ids = (...values: unknown[]): string[] => values.map(idOf).filter((v): v is string => v !== null);

const isBadOutcome = (d: Record<string, unknown>): boolean => d.resolved === 'no' || d.satisfaction === 'dissatisfied';

/** The in-app audiences of one event, given the case's current lead unit (events of older steps may lack it). */
export const staffAudiences = (event: TimelineEvent, leadUnitId: string | null): Audience[] => {
  const d = event.data;
  const lead = leadUnitId ? [leadUnitId] : [];
  switch (event.code) {
    case 'case.dispatched': {
      const assisting = Array.isArray(d.assistingUnits) ? ids(...d.assistingUnits) : [];
      return [{ scope: 'unit', unitIds: [...ids(d.unit), ...assisting], roles: UNIT_STAFF }];
    }
    case 'case.transferred':
      return [{ scope: 'unit', unitIds: ids(d.toUnit), roles: UNIT_STAFF }];
    case 'case.reopened':
      return idOf(d.unit)
        ? [{ scope: 'unit', unitIds: ids(d.unit), roles: UNIT_STAFF }]
        : [{ scope: 'covering', of: 'intake', roles: ['dispatcher'] }];
    case 'case.returned':
      return [{ scope: 'covering', of: 'intake', roles: ['dispatcher'] }];
    case 'case.reopen_requested':
      return [{ scope: 'covering', of: 'intake', roles: ['supervisor', 'dispatcher'] }];
    case 'case.information_added':
      return [{ scope: 'unit', unitIds: lead, roles: UNIT_STAFF }];
    case 'case.resumed':
      // Only the end of a wait nobody answered: whoever held the case must now go on with what it has. Staff who
      // resume a case did it themselves; a requester's information is announced by case.information_added.
      if (d.source !== 'system') return [];
      return lead.length > 0 && d.heldFrom !== 'registered' && d.heldFrom !== 'returned'
        ? [{ scope: 'unit', unitIds: lead, roles: UNIT_STAFF }]
        : [{ scope: 'covering', of: 'intake', roles: ['agent', 'dispatcher'] }];
    case 'case.extension_requested':
      return [{ scope: 'covering', of: 'lead', roles: ['supervisor'] }];
    case 'case.extension_decided':
    case 'case.supervised':
    case 'case.urged':
    case 'case.sla_warning':
    case 'case.overdue':
      return [{ scope: 'unit', unitIds: lead, roles: UNIT_STAFF }];
    case 'case.supervision_responded':
      return [{ scope: 'covering', of: 'lead', roles: ['supervisor'] }];
    case 'case.replied':
    case 'case.resolved_on_intake':
      // The reply opens the callback: the intake desk calls the requester back.
      return [{ scope: 'covering', of: 'intake', roles: ['agent', 'dispatcher'] }];
    case 'case.rated':
    case 'case.callback_recorded':
      // A "not solved" or "dissatisfied" answer waits for a supervisor's decision to reopen.
      return isBadOutcome(d) ? [{ scope: 'covering', of: 'intake', roles: ['supervisor', 'dispatcher'] }] : [];
    case 'notification.failed':
    case 'notification.unknown':
      // The requester may not know where the case stands: the intake desk should phone them.
      return [{ scope: 'covering', of: 'intake', roles: ['agent', 'dispatcher'] }];
    default:
      return [];
  }
};

/** Only what the text needs; names of people never enter a notice (the case itself is read live). */
export const noticeData = (event: TimelineEvent): Record<string, unknown> => {
  const d = event.data;
  const out: Record<string, unknown> = {};
  if (typeof d.days === 'number') out.days = d.days;
  if (typeof d.isApproved === 'boolean') out.isApproved = d.isApproved;
  if (typeof d.channel === 'string') out.channel = d.channel;
  if (typeof d.kind === 'string') out.messageKind = d.kind;
  if (typeof d.target === 'string') out.target = d.target;
  return out;
};

const NOTICE_TEXTS: Record<string, LanguageText> = {
  'case.dispatched': { 'zh-Hans': '新派单：{trackingNo} {title}', bo: 'ལས་འགན་གསར་པ། {trackingNo} {title}', en: 'New case for your unit: {trackingNo} {title}' },
  'case.transferred': { 'zh-Hans': '转办至本单位：{trackingNo} {title}', bo: 'ལས་ཁུངས་འདིར་སྤོས། {trackingNo} {title}', en: 'Case transferred to your unit: {trackingNo} {title}' },
  'case.reopen_requested': { 'zh-Hans': '群众申请重办，待审核：{trackingNo} {title}', bo: 'མི་མང་གིས་བསྐྱར་སྒྲུབ་ཞུས། ཐག་གཅོད་དགོས། {trackingNo} {title}', en: 'Reopening requested, to decide: {trackingNo} {title}' },
  'case.information_added': { 'zh-Hans': '群众补充了材料：{trackingNo} {title}', bo: 'མི་མང་གིས་ཡིག་ཆ་ཁ་སྣོན་བྱས། {trackingNo} {title}', en: 'The requester added information: {trackingNo} {title}' },
  'case.resumed': { 'zh-Hans': '群众未在期限内补充材料，请按现有材料继续办理：{trackingNo} {title}', bo: 'མི་མང་གིས་དུས་ཚད་ནང་ཡིག་ཆ་ཁ་སྣོན་མ་བྱས། ཡོད་པའི་ཡིག་ཆ་ལྟར་མུ་མཐུད་སྒྲུབ་རོགས། {trackingNo} {title}', en: 'The requester added nothing by the deadline; go on with what you have: {trackingNo} {title}' },
  'case.reopened': { 'zh-Hans': '重办：{trackingNo} {title}', bo: 'བསྐྱར་སྒྲུབ། {trackingNo} {title}', en: 'Case reopened: {trackingNo} {title}' },
  'case.returned': { 'zh-Hans': '承办单位退单，待重新派单：{trackingNo} {title}', bo: 'འགན་ལེན་ལས་ཁུངས་ཀྱིས་ཕྱིར་སྤྲོད་བྱས། {trackingNo} {title}', en: 'Returned by the unit, to dispatch again: {trackingNo} {title}' },
  'case.extension_requested': { 'zh-Hans': '延期申请（{days}天）待审批：{trackingNo} {title}', bo: 'དུས་ཡུན་རྒྱ་བསྐྱེད་རེ་ཞུ། (ཉིན་ {days}) {trackingNo} {title}', en: 'Extension request ({days} days) to decide: {trackingNo} {title}' },
  'case.extension_decided': { 'zh-Hans': '延期申请已审批：{trackingNo} {title}', bo: 'དུས་ཡུན་རྒྱ་བསྐྱེད་ཐག་བཅད། {trackingNo} {title}', en: 'Extension request decided: {trackingNo} {title}' },
  'case.supervised': { 'zh-Hans': '督办：{trackingNo} {title}', bo: 'ལྟ་སྐུལ། {trackingNo} {title}', en: 'Case under supervision: {trackingNo} {title}' },
  'case.urged': { 'zh-Hans': '催办：{trackingNo} {title}', bo: 'སྐུལ་འདེད། {trackingNo} {title}', en: 'Reminder: {trackingNo} {title}' },
  'case.sla_warning': { 'zh-Hans': '即将超期：{trackingNo} {title}', bo: 'དུས་ཚད་ཉེ་བའི་ཉེན་བརྡ། {trackingNo} {title}', en: 'Due soon: {trackingNo} {title}' },
  'case.overdue': { 'zh-Hans': '已超期：{trackingNo} {title}', bo: 'དུས་ཡོལ། {trackingNo} {title}', en: 'Overdue: {trackingNo} {title}' },
  'case.supervision_responded': { 'zh-Hans': '督办已反馈：{trackingNo} {title}', bo: 'ལྟ་སྐུལ་ལ་ལན་བཏབ། {trackingNo} {title}', en: 'Supervision answered: {trackingNo} {title}' },
  'case.replied': { 'zh-Hans': '已答复，待回访：{trackingNo} {title}', bo: 'ལན་བཏབ་ཟིན། རྗེས་འདྲི་བྱ་དགོས། {trackingNo} {title}', en: 'Replied, to call back: {trackingNo} {title}' },
  'case.resolved_on_intake': { 'zh-Hans': '已直接办结，待回访：{trackingNo} {title}', bo: 'ཐད་ཀར་མཇུག་སྒྲིལ། རྗེས་འདྲི་བྱ་དགོས། {trackingNo} {title}', en: 'Answered at intake, to call back: {trackingNo} {title}' },
  'case.rated': { 'zh-Hans': '诉求人评价未解决或不满意，待审核是否重办：{trackingNo} {title}', bo: 'རེ་ཞུ་བས་ཐག་མ་ཆོད་པའམ་ཡིད་མ་ཚིམ་པའི་དཔྱད་བརྗོད་བྱས། {trackingNo} {title}', en: 'The requester says not solved or dissatisfied; review for reopening: {trackingNo} {title}' },
  'case.callback_recorded': { 'zh-Hans': '回访结果为未解决或不满意，待审核是否重办：{trackingNo} {title}', bo: 'རྗེས་འདྲིའི་མཇུག་འབྲས་ཐག་མ་ཆོད་པའམ་ཡིད་མ་ཚིམ། {trackingNo} {title}', en: 'Callback: not solved or dissatisfied; review for reopening: {trackingNo} {title}' },
  'notification.failed': { 'zh-Hans': '通知诉求人失败，请电话联系：{trackingNo} {title}', bo: 'རེ་ཞུ་བར་བརྡ་ཁྱབ་མ་ཐུབ། ཁ་པར་བརྒྱུད་འབྲེལ་བ་གནང་རོགས། {trackingNo} {title}', en: 'The requester could not be notified; please phone them: {trackingNo} {title}' },
  'notification.unknown': { 'zh-Hans': '通知诉求人结果不明，请核实：{trackingNo} {title}', bo: 'རེ་ཞུ་བར་བརྡ་ཁྱབ་ཐོབ་མིན་གསལ་པོ་མེད། {trackingNo} {title}', en: 'Unclear whether the requester was notified; please check: {trackingNo} {title}' },
};

/**
 * Notices about the reader's own account, not about a case: no event of a case brings them (they are not in
 * NOTICE_CODES), and they link to an account page. Tibetan wording as in the sessions page (web/src/i18n/modules/
 * sessions.ts), awaiting the same native speaker's review.
 */
const ACCOUNT_NOTICE_TEXTS: Record<string, LanguageText> = {
  [NEW_DEVICE_NOTICE_CODE]: {
    'zh-Hans': '新设备登录了您的账号：{time}，{device}，网络地址 {ip}。如果不是您本人，请在“登录设备”页让它退出登录，并立即修改密码。',
    bo: 'སྒྲིག་ཆས་གསར་པ་ཞིག་ནས་ཁྱེད་ཀྱི་ཐོ་ཁོངས་སུ་ནང་འཛུལ་བྱས། {time} {device} དྲ་རྒྱའི་གནས་ཡུལ། {ip} ཁྱེད་རང་མིན་ན། "ནང་འཛུལ་བྱས་པའི་སྒྲིག་ཆས།" ཤོག་ངོས་སུ་དེ་ཕྱིར་ཐོན་བཅུག་སྟེ་འཕྲལ་མར་གསང་གྲངས་བསྒྱུར་རོགས།',
    en: 'A new device signed in to your account: {time}, {device}, network address {ip}. If this was not you, sign it out on the "Signed-in devices" page and change your password at once.',
  },
};

const UNKNOWN_DEVICE: LanguageText = { 'zh-Hans': '未知设备', bo: 'མིང་མི་ཤེས་པའི་སྒྲིག་ཆས།', en: 'an unknown device' };
const UNKNOWN_IP: LanguageText = { 'zh-Hans': '未知', bo: 'མི་ཤེས།', en: 'unknown' };

const textOf = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** "Chrome on Windows" in the reader's language; product names stay as they are in every language. */
const deviceName = (data: Record<string, unknown>, language: Language): string => {
  const browser = textOf(data.browser);
  const os = textOf(data.os);
  if (browser && os) return language === 'en' ? `${browser} on ${os}` : language === 'bo' ? `${os} སྟེང་གི་ ${browser}` : `${os} 上的 ${browser}`;
  return browser ?? os ?? UNKNOWN_DEVICE[language];
};

/** Date and time in Asia/Shanghai, where every reader works. */
const signInTime = (data: Record<string, unknown>, language: Language): string => {
  const at = new Date(textOf(data.at) ?? '');
  if (Number.isNaN(at.getTime())) return '?';
  const { hour, minute } = shanghaiParts(at);
  return `${formatDate(at, language)} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
};

const accountNoticeText = (template: string, language: Language, data: Record<string, unknown>): string =>
  fillTemplate(template, { time: signInTime(data, language), device: deviceName(data, language), ip: textOf(data.ip) ?? UNKNOWN_IP[language] }).text;

/** The text of a notice in the reader's language, from live case facts (or, for an account notice, its data). */
export const noticeText = (code: string, language: Language, vars: { trackingNo: string; title: string; data: Record<string, unknown> }): string => {
  const accountTemplate = ACCOUNT_NOTICE_TEXTS[code]?.[language];
  if (accountTemplate) return accountNoticeText(accountTemplate, language, vars.data);
  const template = NOTICE_TEXTS[code]?.[language] ?? `${code}: {trackingNo} {title}`;
  const days = vars.data.days;
  return fillTemplate(template, { trackingNo: vars.trackingNo, title: vars.title, days: typeof days === 'number' ? String(days) : '?' }).text;
};

/** The event codes that may notify staff; the consumer skips every other event unread. */
export const NOTICE_CODES: ReadonlySet<string> = new Set(Object.keys(NOTICE_TEXTS));
