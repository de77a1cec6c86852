// Messages of the stats pages, in every language (keys prefixed 'stats.').
import { defineMessages } from './define';

export const statsMessages = defineMessages({
  'zh-Hans': {
    'stats.title': '统计分析',
  },
  bo: {
    'stats.title': 'སྡོམ་རྩིས་དབྱེ་ཞིབ།',
  },
  en: {
    'stats.title': 'Statistics',
  },
});
