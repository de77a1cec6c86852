// Messages of identity protection (the requester is withheld from the units that handle the case), in every
// language (keys prefixed 'identity.', plus the action, its event and its error). Terms follow bo.ts: རེ་ཞུ་བ for
// 诉求人, འགན་ལེན་ལས་ཁུངས for 承办单位, ཐོ་འགོད for 受理登记. The Tibetan wording awaits a native speaker's review
// (docs/API.md, "Identity protection").
import { defineMessages } from './define';

export const identityMessages = defineMessages({
  'zh-Hans': {
    'identity.protectedBadge': '身份保密：承办单位看不到诉求人的姓名、电话、证件号和电子邮箱。',
    'identity.withheld': '诉求人身份保密，只有受理单位及其上级可以查看。需要联系诉求人时，请通过受理单位。',
    'identity.intakeLabel': '诉求人要求对承办单位保密身份',
    'identity.intakeHint': '勾选后，承办单位看不到诉求人的姓名、电话和证件号，只有受理单位及其上级可以看到。',
    'identity.reportAlways': '举报件一律对承办单位保密诉求人身份（举报人保护），无需勾选。',
    'identity.publicLabel': '不让办理的单位知道我是谁',
    'identity.publicHint': '勾选后，只有受理您诉求的单位能看到您的姓名和电话，办理的单位只看到诉求内容。',
    'identity.publicReportAlways': '举报一律保密：办理的单位看不到您的姓名和电话，无需勾选。',
    'identity.trackProtected': '您的身份已对办理单位保密，他们只看到诉求内容。',
    'identity.listTag': '身份保密',
    'identity.listHint': '诉求人身份对承办单位保密',
    'action.protect-identity': '对承办单位保密身份',
    'actionField.protect-identity.hint': '诉求人要求不让承办单位知道是谁反映的。保密后，承办单位只看到诉求内容，看不到姓名、电话和证件号。保密不能撤销。请不要在备注或描述中写诉求人的身份信息：承办单位能看到它们。',
    'event.case.identity_protected': '已对承办单位保密诉求人身份',
    'errors.case.identity_protected': '诉求人身份已保密，本单位不能查看。',
  },
  bo: {
    'identity.protectedBadge': 'གསང་རྒྱ། འགན་ལེན་ལས་ཁུངས་ཀྱིས་རེ་ཞུ་བའི་མིང་དང་ཁ་པར། ལག་ཁྱེར་ཨང་གྲངས། གློག་འཕྲིན་ཁ་བྱང་བཅས་མཐོང་མི་ཐུབ།',
    'identity.withheld': 'རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ་བྱས་ཡོད། ཐོ་འགོད་ལས་ཁུངས་དང་དེའི་གོང་རིམ་ཁོ་ནས་མཐོང་ཐུབ། རེ་ཞུ་བ་ལ་འབྲེལ་བ་བྱེད་དགོས་ན་ཐོ་འགོད་ལས་ཁུངས་བརྒྱུད་རོགས།',
    'identity.intakeLabel': 'རེ་ཞུ་བས་འགན་ལེན་ལས་ཁུངས་ལ་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ་ཞུས།',
    'identity.intakeHint': 'འདེམས་ན། འགན་ལེན་ལས་ཁུངས་ཀྱིས་རེ་ཞུ་བའི་མིང་དང་ཁ་པར། ལག་ཁྱེར་ཨང་གྲངས་མཐོང་མི་ཐུབ། ཐོ་འགོད་ལས་ཁུངས་དང་དེའི་གོང་རིམ་ཁོ་ནས་མཐོང་ཐུབ།',
    'identity.reportAlways': 'གསལ་སྙན་ཚང་མར་རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་འགན་ལེན་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱེད། འདེམས་མི་དགོས།',
    'identity.publicLabel': 'འགན་ལེན་ལས་ཁུངས་ལ་ང་སུ་ཡིན་མི་ཤེས་པ་བྱེད།',
    'identity.publicHint': 'འདེམས་ན། ཁྱེད་ཀྱི་རེ་ཞུ་ཐོ་འགོད་བྱེད་མཁན་ལས་ཁུངས་ཁོ་ནས་ཁྱེད་ཀྱི་མིང་དང་ཁ་པར་མཐོང་ཐུབ། འགན་ལེན་ལས་ཁུངས་ཀྱིས་རེ་ཞུའི་ནང་དོན་ཁོ་ན་མཐོང་ཐུབ།',
    'identity.publicReportAlways': 'གསལ་སྙན་ཚང་མ་གསང་རྒྱ་བྱེད། འགན་ལེན་ལས་ཁུངས་ཀྱིས་ཁྱེད་ཀྱི་མིང་དང་ཁ་པར་མཐོང་མི་ཐུབ། འདེམས་མི་དགོས།',
    'identity.trackProtected': 'ཁྱེད་ཀྱི་མི་སྒེར་ཆ་འཕྲིན་འགན་ལེན་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱས་ཡོད། ཁོང་ཚོས་རེ་ཞུའི་ནང་དོན་ཁོ་ན་མཐོང་།',
    'identity.listTag': 'གསང་རྒྱ།',
    'identity.listHint': 'རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་འགན་ལེན་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱས་ཡོད།',
    'action.protect-identity': 'རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ།',
    'actionField.protect-identity.hint': 'རེ་ཞུ་བས་འགན་ལེན་ལས་ཁུངས་ལ་རང་གི་མིང་མི་ཤེས་པ་ཞུས་ཡོད། གསང་རྒྱ་བྱས་རྗེས་འགན་ལེན་ལས་ཁུངས་ཀྱིས་རེ་ཞུའི་ནང་དོན་ཁོ་ན་མཐོང་ཐུབ། གསང་རྒྱ་ཕྱིར་འཐེན་བྱེད་མི་ཐུབ། མཆན་དང་ནང་དོན་ནང་རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་མ་འབྲི་རོགས།',
    'event.case.identity_protected': 'རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་འགན་ལེན་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱས།',
    'errors.case.identity_protected': 'རེ་ཞུ་བའི་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ་བྱས་ཡོད། ལས་ཁུངས་འདིས་ལྟ་མི་ཆོག',
  },
  en: {
    'identity.protectedBadge': 'Identity protected: the handling units cannot see the requester’s name, phone, ID number or e-mail.',
    'identity.withheld': 'The requester’s identity is protected: only the intake unit and the units above it can see it. To reach the requester, go through the intake unit.',
    'identity.intakeLabel': 'The requester asks that the handling units not learn who they are',
    'identity.intakeHint': 'If ticked, the handling units cannot see the requester’s name, phone or ID number; only the intake unit and the units above it can.',
    'identity.reportAlways': 'The requester of a report of wrongdoing is always protected from the handling units (whistle-blower protection); nothing to tick.',
    'identity.publicLabel': 'Do not tell the office that handles this who I am',
    'identity.publicHint': 'If ticked, only the office that receives your request sees your name and phone; the office that handles it sees only what you wrote.',
    'identity.publicReportAlways': 'Reports of wrongdoing are always protected: the office that handles it cannot see your name or phone. Nothing to tick.',
    'identity.trackProtected': 'Your identity is kept from the office that handles this; they see only what you wrote.',
    'identity.listTag': 'Protected',
    'identity.listHint': 'The requester’s identity is withheld from the handling units',
    'action.protect-identity': 'Protect the requester’s identity',
    'actionField.protect-identity.hint': 'The requester asks that the handling units not learn who they are. Once protected, those units see what the case is about but not the name, phone or ID number. Protection cannot be lifted. Do not write who the requester is in notes or the description: the handling units read them.',
    'event.case.identity_protected': 'Requester’s identity protected from the handling units',
    'errors.case.identity_protected': 'The requester’s identity is protected: your unit cannot see it.',
  },
});
