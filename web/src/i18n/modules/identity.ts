// Messages of identity protection (举报人保护: the requester is withheld from the units that handle the case), in
// every language (keys prefixed 'identity.', plus the action, its event and its error). The Tibetan wording awaits
// a native speaker's review (docs/i18n.md).
import { defineMessages } from './define';

export const identityMessages = defineMessages({
  'zh-Hans': {
    'identity.protectedBadge': '身份保密：承办单位看不到诉求人的姓名、电话和证件号。',
    'identity.withheld': '诉求人身份保密（举报人保护），只有受理单位可以查看。需要联系诉求人时，请通过受理单位。',
    'identity.intakeLabel': '诉求人要求对承办单位保密身份',
    'identity.intakeHint': '勾选后，承办单位看不到诉求人的姓名、电话和证件号，只有受理单位和上级可以看到。',
    'identity.reportAlways': '举报件一律对承办单位保密诉求人身份。',
    'identity.publicLabel': '不让办理的单位知道我是谁',
    'identity.publicHint': '勾选后，只有受理您诉求的单位能看到您的姓名和电话，办理的单位只看到诉求内容。举报一律保密。',
    'identity.trackProtected': '您的身份已对办理单位保密，他们只看到诉求内容。',
    'action.protect-identity': '对承办单位保密身份',
    'actionField.protect-identity.note': '说明（仅内部可见）',
    'actionField.protect-identity.hint': '诉求人要求不让承办单位知道是谁反映的。保密后，承办单位只看到诉求内容，看不到姓名、电话和证件号。保密不能撤销。',
    'event.case.identity_protected': '已对承办单位保密诉求人身份',
    'errors.case.identity_protected': '诉求人身份已保密，本单位不能查看。',
  },
  bo: {
    'identity.protectedBadge': 'གསང་རྒྱ། གཙོ་འགན་ལས་ཁུངས་ཀྱིས་ཞུ་མཁན་གྱི་མིང་དང་ཁ་པར། ལག་ཁྱེར་ཨང་གྲངས་མཐོང་མི་ཐུབ།',
    'identity.withheld': 'ཞུ་མཁན་གྱི་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ་བྱས་ཡོད། ཐོ་འགོད་ལས་ཁུངས་ཁོ་ནས་མཐོང་ཐུབ། ཞུ་མཁན་ལ་འབྲེལ་བ་བྱེད་དགོས་ན་ཐོ་འགོད་ལས་ཁུངས་བརྒྱུད་རོགས།',
    'identity.intakeLabel': 'ཞུ་མཁན་གྱིས་གཙོ་འགན་ལས་ཁུངས་ལ་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ་ཞུས།',
    'identity.intakeHint': 'འདེམས་ན། གཙོ་འགན་ལས་ཁུངས་ཀྱིས་ཞུ་མཁན་གྱི་མིང་དང་ཁ་པར། ལག་ཁྱེར་ཨང་གྲངས་མཐོང་མི་ཐུབ། ཐོ་འགོད་ལས་ཁུངས་དང་གོང་རིམ་ཁོ་ནས་མཐོང་ཐུབ།',
    'identity.reportAlways': 'གསལ་སྙན་ཚང་མར་ཞུ་མཁན་གྱི་མི་སྒེར་ཆ་འཕྲིན་གཙོ་འགན་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱེད།',
    'identity.publicLabel': 'ལས་སྒྲུབ་ལས་ཁུངས་ལ་ང་སུ་ཡིན་མི་ཤེས་པ་བྱེད།',
    'identity.publicHint': 'འདེམས་ན། ཁྱེད་ཀྱི་རེ་ཞུ་ལེན་མཁན་ལས་ཁུངས་ཁོ་ནས་ཁྱེད་ཀྱི་མིང་དང་ཁ་པར་མཐོང་ཐུབ། ལས་སྒྲུབ་ལས་ཁུངས་ཀྱིས་རེ་ཞུའི་ནང་དོན་ཁོ་ན་མཐོང་ཐུབ། གསལ་སྙན་ཚང་མ་གསང་རྒྱ་བྱེད།',
    'identity.trackProtected': 'ཁྱེད་ཀྱི་མི་སྒེར་ཆ་འཕྲིན་ལས་སྒྲུབ་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱས་ཡོད། ཁོང་ཚོས་རེ་ཞུའི་ནང་དོན་ཁོ་ན་མཐོང་།',
    'action.protect-identity': 'ཞུ་མཁན་གྱི་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ།',
    'actionField.protect-identity.note': 'མཆན། (ནང་ཁུལ་ཁོ་ན།)',
    'actionField.protect-identity.hint': 'ཞུ་མཁན་གྱིས་གཙོ་འགན་ལས་ཁུངས་ལ་རང་གི་མིང་མི་ཤེས་པ་ཞུས་ཡོད། གསང་རྒྱ་བྱས་རྗེས་གཙོ་འགན་ལས་ཁུངས་ཀྱིས་རེ་ཞུའི་ནང་དོན་ཁོ་ན་མཐོང་ཐུབ། གསང་རྒྱ་ཕྱིར་འཐེན་བྱེད་མི་ཐུབ།',
    'event.case.identity_protected': 'ཞུ་མཁན་གྱི་མི་སྒེར་ཆ་འཕྲིན་གཙོ་འགན་ལས་ཁུངས་ལ་གསང་རྒྱ་བྱས།',
    'errors.case.identity_protected': 'ཞུ་མཁན་གྱི་མི་སྒེར་ཆ་འཕྲིན་གསང་རྒྱ་བྱས་ཡོད། ལས་ཁུངས་འདིས་ལྟ་མི་ཆོག',
  },
  en: {
    'identity.protectedBadge': 'Identity protected: the handling units cannot see the requester’s name, phone or ID number.',
    'identity.withheld': 'The requester’s identity is protected (whistle-blower protection) and only the intake unit can see it. To reach the requester, go through the intake unit.',
    'identity.intakeLabel': 'The requester asks that the handling units not learn who they are',
    'identity.intakeHint': 'If ticked, the handling units cannot see the requester’s name, phone or ID number; only the intake unit and the units above it can.',
    'identity.reportAlways': 'The requester of a report of wrongdoing is always protected from the handling units.',
    'identity.publicLabel': 'Do not tell the office that handles this who I am',
    'identity.publicHint': 'If ticked, only the office that receives your request sees your name and phone; the office that handles it sees only what you wrote. Reports of wrongdoing are always protected.',
    'identity.trackProtected': 'Your identity is kept from the office that handles this; they see only what you wrote.',
    'action.protect-identity': 'Protect the requester’s identity',
    'actionField.protect-identity.note': 'Note (internal)',
    'actionField.protect-identity.hint': 'The requester asks that the handling units not learn who they are. Once protected, those units see what the case is about but not the name, phone or ID number. Protection cannot be lifted.',
    'event.case.identity_protected': 'Requester’s identity protected from the handling units',
    'errors.case.identity_protected': 'The requester’s identity is protected: your unit cannot see it.',
  },
});
