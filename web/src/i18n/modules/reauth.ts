// Messages of the "confirm it's you" dialog (a recent sign-in before steps that change who can do what), in every
// language (keys prefixed 'reauth.'). Short sentences in plain words: the dialog interrupts a task, and many readers
// are elderly. Terms follow bo.ts: གསང་གྲངས for 密码, ར་སྤྲོད་ཨང for the verification code, སླར་གསོའི་ཨང་རྟགས for
// a recovery code, ཐུན་མོང་ཐོབ་ཐང་ར་སྤྲོད for single sign-on, ནང་འཛུལ for signing in.
// The Tibetan wording awaits a native speaker's review.
import { defineMessages } from './define';

export const reauthMessages = defineMessages({
  'zh-Hans': {
    'reauth.title': '请确认是您本人',
    'reauth.intro': '这一步涉及账号权限或个人信息，需要确认是您本人。请输入您的密码后继续。{minutes} 分钟内不会再问您。',
    'reauth.introSso':
      '这一步涉及账号权限或个人信息，需要确认是您本人。请通过统一身份认证重新登录。登录后会回到本页，请再做一次刚才的操作。',
    'reauth.password': '您的密码',
    'reauth.code': '动态验证码或恢复码',
    'reauth.codeHint': '请输入验证器应用中的6位数字，或一个恢复码。',
    'reauth.confirm': '确认',
    'reauth.cancel': '取消',
    'reauth.checking': '正在确认…',
    'reauth.sso': '通过统一身份认证重新登录',
    'reauth.orSso': '也可以：',
    'reauth.ssoAfter': '登录后会回到本页，请再做一次刚才的操作。',
    'reauth.wrongPassword': '密码不正确，请再输入一次。',
    'reauth.codeRequired': '请输入验证码。',
    'reauth.wrongCode': '验证码不正确或已经用过，请再输入一次。',
    'reauth.locked': '输错的次数太多了。请等 {minutes} 分钟后再试。',
    'reauth.lockedShort': '输错的次数太多了。请等一分钟后再试。',
    'reauth.noPassword': '您的账号没有密码，是通过统一身份认证登录的，所以也通过它确认身份。',
    'reauth.askAdministrator':
      '这一步需要确认是您本人，但您的账号没有密码，本系统现在也不能使用统一身份认证，所以无法确认。请联系管理员。',
  },
  bo: {
    'reauth.title': 'ཁྱེད་རང་ཡིན་པ་ར་སྤྲོད་གནང་རོགས།',
    'reauth.intro':
      'གོམ་པ་འདིས་སུས་ཅི་བྱེད་ཆོག་པ་བསྒྱུར་བའམ་མི་སྒེར་གྱི་ཆ་འཕྲིན་ཁ་ཕྱེ་གི་ཡོད། མུ་མཐུད་པར་ཁྱེད་ཀྱི་གསང་གྲངས་འབྲི་རོགས། སྐར་མ་ {minutes} ནང་ཡང་བསྐྱར་འདྲི་རྒྱུ་མེད།',
    'reauth.introSso':
      'གོམ་པ་འདིས་སུས་ཅི་བྱེད་ཆོག་པ་བསྒྱུར་བའམ་མི་སྒེར་གྱི་ཆ་འཕྲིན་ཁ་ཕྱེ་གི་ཡོད། ཐུན་མོང་ཐོབ་ཐང་ར་སྤྲོད་བརྒྱུད་ཡང་བསྐྱར་ནང་འཛུལ་གནང་རོགས། ནང་འཛུལ་རྗེས་ཤོག་ངོས་འདིར་ཕྱིར་ལོག་ཡོང་། དེ་ནས་བྱ་བ་དེ་ཡང་བསྐྱར་བྱེད་རོགས།',
    'reauth.password': 'ཁྱེད་ཀྱི་གསང་གྲངས།',
    'reauth.code': 'ར་སྤྲོད་ཨང་ངམ་སླར་གསོའི་ཨང་རྟགས།',
    'reauth.codeHint': 'ར་སྤྲོད་མཉེན་ཆས་ནང་གི་ཨང་གྲངས་དྲུག་གམ་སླར་གསོའི་ཨང་རྟགས་གཅིག་འབྲི་རོགས།',
    'reauth.confirm': 'གཏན་འཁེལ།',
    'reauth.cancel': 'རྩིས་མེད།',
    'reauth.checking': 'ར་སྤྲོད་བྱེད་བཞིན་པ…',
    'reauth.sso': 'ཐུན་མོང་ཐོབ་ཐང་ར་སྤྲོད་བརྒྱུད་ཡང་བསྐྱར་ནང་འཛུལ།',
    'reauth.orSso': 'ཡང་ན།',
    'reauth.ssoAfter': 'ནང་འཛུལ་རྗེས་ཤོག་ངོས་འདིར་ཕྱིར་ལོག་ཡོང་། དེ་ནས་བྱ་བ་དེ་ཡང་བསྐྱར་བྱེད་རོགས།',
    'reauth.wrongPassword': 'གསང་གྲངས་ནོར་འདུག ཡང་བསྐྱར་འབྲི་རོགས།',
    'reauth.codeRequired': 'ར་སྤྲོད་ཨང་འབྲི་རོགས།',
    'reauth.wrongCode': 'ར་སྤྲོད་ཨང་ནོར་འདུག་གམ་བེད་སྤྱོད་བྱས་ཟིན། ཡང་བསྐྱར་འབྲི་རོགས།',
    'reauth.locked': 'ནོར་ཐེངས་མང་དྲགས་སོང་། སྐར་མ་ {minutes} སྒུག་ནས་ཡང་བསྐྱར་ཚོད་ལྟ་གནང་རོགས།',
    'reauth.lockedShort': 'ནོར་ཐེངས་མང་དྲགས་སོང་། སྐར་མ་གཅིག་སྒུག་ནས་ཡང་བསྐྱར་ཚོད་ལྟ་གནང་རོགས།',
    'reauth.noPassword':
      'ཁྱེད་ཀྱི་ཐོ་ཁོངས་ལ་གསང་གྲངས་མེད། ཐུན་མོང་ཐོབ་ཐང་ར་སྤྲོད་བརྒྱུད་ནང་འཛུལ་བྱེད་པས། ཁྱེད་རང་ཡིན་པའང་དེ་བརྒྱུད་ར་སྤྲོད་གནང་རོགས།',
    'reauth.askAdministrator':
      'གོམ་པ་འདིར་ཁྱེད་རང་ཡིན་པ་ར་སྤྲོད་དགོས། འོན་ཀྱང་ཁྱེད་ཀྱི་ཐོ་ཁོངས་ལ་གསང་གྲངས་མེད་ལ། ད་ལྟ་ཐུན་མོང་ཐོབ་ཐང་ར་སྤྲོད་ཀྱང་བེད་སྤྱོད་བྱེད་མི་ཐུབ། དོ་དམ་པར་འབྲེལ་བ་གནང་རོགས།',
  },
  en: {
    'reauth.title': 'Confirm it’s you',
    'reauth.intro':
      'This step changes who can do what, or opens a person’s data. Enter your password to continue. You will not be asked again for {minutes} minutes.',
    'reauth.introSso':
      'This step changes who can do what, or opens a person’s data. Sign in again with single sign-on to continue. You will come back to this page; then do the step again.',
    'reauth.password': 'Your password',
    'reauth.code': 'Verification code or recovery code',
    'reauth.codeHint': 'The 6 digits from your authenticator app, or one recovery code.',
    'reauth.confirm': 'Confirm',
    'reauth.cancel': 'Cancel',
    'reauth.checking': 'Checking…',
    'reauth.sso': 'Sign in again with single sign-on',
    'reauth.orSso': 'Or:',
    'reauth.ssoAfter': 'You will come back to this page; then do the step again.',
    'reauth.wrongPassword': 'That password is not right. Please type it again.',
    'reauth.codeRequired': 'Please enter the code.',
    'reauth.wrongCode': 'That code is not right, or it was already used. Please type it again.',
    'reauth.locked': 'Too many wrong tries. Please wait {minutes} minutes, then try again.',
    'reauth.lockedShort': 'Too many wrong tries. Please wait a minute, then try again.',
    'reauth.noPassword': 'Your account has no password: you sign in with single sign-on, so you confirm with it too.',
    'reauth.askAdministrator':
      'This step needs you to confirm it’s you, but your account has no password and single sign-on is not available here now, so it cannot be confirmed. Please ask an administrator.',
  },
});
