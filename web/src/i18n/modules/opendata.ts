// Messages of the opendata pages, in every language (keys prefixed 'opendata.').
import { defineMessages } from './define';

export const opendataMessages = defineMessages({
  'zh-Hans': {
    'opendata.title': '数据公开',
  },
  bo: {
    'opendata.title': 'གཞི་གྲངས་སྤྱི་ཁྱབ།',
  },
  en: {
    'opendata.title': 'Open data',
  },
});
