// Messages of the reply's internal summary (issue 7; keys prefixed 'reply.'). Tibetan wording follows the base
// catalogues (ནང་ཁུལ། internal, རེ་ཞུ་བ། requester, ལན། reply) and needs a native speaker's review.
import { defineMessages } from './define';

export const replyMessages = defineMessages({
  'zh-Hans': {
    'reply.internalSummary': '内部摘要（诉求人看不到）',
    'reply.internalSummaryHint': '写给本单位和上级看的办理情况，不会发给诉求人，也不会公开。最多 {max} 字。',
    'reply.internalSummaryTitle': '内部摘要',
    'reply.internalSummaryNote': '仅工作人员可见',
    'reply.check.title': '答复质量提示',
    'reply.check.hint': '系统按规则检查草稿，仅供参考，不影响提交。',
    'reply.check.checking': '正在检查…',
    'reply.check.ok': '没有发现问题。',
    'reply.check.count': '{n} 条提示，其中 {warnings} 条警示。',
    'reply.check.evidence': '原文：',
  },
  bo: {
    'reply.internalSummary': 'ནང་ཁུལ་གྱི་གནད་བསྡུས། (རེ་ཞུ་བས་མཐོང་མི་ཐུབ།)',
    'reply.internalSummaryHint': 'ལས་ཁུངས་རང་དང་གོང་རིམ་གྱིས་ལྟ་བའི་ཐག་གཅོད་གནས་ཚུལ། རེ་ཞུ་བར་མི་སྐུར་ཞིང་སྤྱི་ཁྱབ་ཏུ་མི་བསྒྲགས། ཡིག་འབྲུ་ {max} ལས་མི་མང་བ།',
    'reply.internalSummaryTitle': 'ནང་ཁུལ་གྱི་གནད་བསྡུས།',
    'reply.internalSummaryNote': 'ལས་བྱེད་པ་ཁོ་ནས་མཐོང་ཐུབ།',
    'reply.check.title': 'ལན་གྱི་སྤུས་ཚད་དྲན་སྐུལ།',
    'reply.check.hint': 'མ་ལག་གིས་སྒྲིག་གཞི་ལྟར་ཟིན་བྲིས་ཞིབ་བཤེར་བྱེད། དཔྱད་གཞི་ཙམ་ཡིན་པས་ཕུལ་བར་ཤུགས་རྐྱེན་མེད།',
    'reply.check.checking': 'ཞིབ་བཤེར་བྱེད་བཞིན་པ།',
    'reply.check.ok': 'གནད་དོན་མ་རྙེད།',
    'reply.check.count': 'དྲན་སྐུལ་ {n} ཡོད། དེའི་ནང་ཉེན་བརྡ་ {warnings}།',
    'reply.check.evidence': 'མ་ཡིག',
  },
  en: {
    'reply.internalSummary': 'Internal summary (not shown to the requester)',
    'reply.internalSummaryHint': 'How the case was handled, for your unit and supervisors. It is never sent to the requester or published. At most {max} characters.',
    'reply.internalSummaryTitle': 'Internal summary',
    'reply.internalSummaryNote': 'Staff only',
    'reply.check.title': 'Reply quality hints',
    'reply.check.hint': 'The draft is checked against the rules: advice only, it never stops you sending.',
    'reply.check.checking': 'Checking…',
    'reply.check.ok': 'No problem found.',
    'reply.check.count': '{n} hints, {warnings} of them warnings.',
    'reply.check.evidence': 'In the text:',
  },
});
