import type { Language } from '../case/case.types.js';
import type { LanguageTexts } from './callback.types.js';

/**
 * The message kind of the callback SMS in the notifications outbox. It must be one of the outbox's kinds
 * (MESSAGE_KINDS, the CHECK on notification_messages.kind, SMS_TEMPLATE_PARAMS): until the notifications
 * module lists it, nothing is queued (see docs/callbacks.md, "Wiring").
 */
export const CALLBACK_SMS_KIND = 'callback_request';

/** Variables of a provider template for this kind, in order (Tencent's are positional). */
export const CALLBACK_SMS_PARAMS = ['trackingNo'] as const;

const TEXTS: LanguageTexts = {
  'zh-Hans': '您的诉求（受理编号{trackingNo}）已答复。请回复数字评价：1满意，2基本满意，3不满意，4问题没有解决。',
  bo: 'ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ལ་ལན་བཏབ་ཟིན། ཨང་ཀི་ཞིག་ལན་དུ་སྐུར་རོགས། 1 ཡིད་ཚིམ། 2 ཕལ་ཆེར་ཡིད་ཚིམ། 3 ཡིད་མ་ཚིམ། 4 དཀའ་ངལ་ཐག་མ་ཆོད།',
  en: 'Your request {trackingNo} has been answered. Reply with a number: 1 satisfied, 2 fairly satisfied, 3 not satisfied, 4 not solved.',
};

/** The callback SMS in the requester's language: the four reply codes, the same digits in every language. */
export const renderCallbackSms = (language: Language, trackingNo: string): { body: string; params: Record<string, string> } => ({
  body: TEXTS[language].replace('{trackingNo}', trackingNo),
  params: { trackingNo },
});
