// Messages of the search pages, in every language (keys prefixed 'search.').
import { defineMessages } from './define';

export const searchMessages = defineMessages({
  'zh-Hans': {
    'search.title': '工单查询',
  },
  bo: {
    'search.title': 'ལས་ཐོ་འཚོལ་ཞིབ།',
  },
  en: {
    'search.title': 'Case search',
  },
});
