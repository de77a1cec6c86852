// Messages of the staff notification bell (issue 7; keys prefixed 'notices.'). The notices' own texts come
// from the server in the reader's language; a sign-in from a new device links to the signed-in devices page.
// Tibetan wording (བརྡ་ཐོ། notice, བཀླགས། read; the devices page named as in sessions.ts) needs a native
// speaker's review.
import { defineMessages } from './define';

export const noticesMessages = defineMessages({
  'zh-Hans': {
    'notices.bell': '通知',
    'notices.bellUnread': '通知，{count} 条未读',
    'notices.title': '我的通知',
    'notices.markAllRead': '全部标为已读',
    'notices.empty': '暂无通知。',
    'notices.loading': '正在加载通知…',
    'notices.loadFailed': '通知加载失败，请稍后再试。',
    'notices.unread': '未读',
    'notices.close': '关闭',
    'notices.markRead': '标为已读',
    'notices.reviewDevices': '查看登录设备',
  },
  bo: {
    'notices.bell': 'བརྡ་ཐོ།',
    'notices.bellUnread': 'བརྡ་ཐོ། མ་བཀླགས་པ་ {count}',
    'notices.title': 'ངའི་བརྡ་ཐོ།',
    'notices.markAllRead': 'ཚང་མ་བཀླགས་ཟིན་པར་རྟགས་རྒྱག',
    'notices.empty': 'ད་ལྟ་བརྡ་ཐོ་མེད།',
    'notices.loading': 'བརྡ་ཐོ་ནང་འཇུག་བྱེད་བཞིན་པ།',
    'notices.loadFailed': 'བརྡ་ཐོ་ནང་འཇུག་མ་ཐུབ། ཅུང་ཙམ་ནས་ཡང་བསྐྱར་ཚོད་ལྟ་གནང་རོགས།',
    'notices.unread': 'མ་བཀླགས་པ།',
    'notices.close': 'ཁ་རྒྱག',
    'notices.markRead': 'བཀླགས་ཟིན་པར་རྟགས་རྒྱག',
    'notices.reviewDevices': 'ནང་འཛུལ་བྱས་པའི་སྒྲིག་ཆས་ལ་ལྟ།',
  },
  en: {
    'notices.bell': 'Notifications',
    'notices.bellUnread': 'Notifications, {count} unread',
    'notices.title': 'My notifications',
    'notices.markAllRead': 'Mark all as read',
    'notices.empty': 'No notifications.',
    'notices.loading': 'Loading notifications…',
    'notices.loadFailed': 'The notifications could not be loaded. Please try again later.',
    'notices.unread': 'Unread',
    'notices.close': 'Close',
    'notices.markRead': 'Mark as read',
    'notices.reviewDevices': 'See signed-in devices',
  },
});
