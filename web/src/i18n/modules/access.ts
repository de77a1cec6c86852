// Messages of the access pages, in every language (keys prefixed 'access.').
import { defineMessages } from './define';

export const accessMessages = defineMessages({
  'zh-Hans': {
    'access.title': '接口令牌',
  },
  bo: {
    'access.title': 'API ཡི་ལག་ཁྱེར།',
  },
  en: {
    'access.title': 'API tokens',
  },
});
