// Messages of the callbacks pages, in every language (keys prefixed 'callbacks.').
import { defineMessages } from './define';

export const callbacksMessages = defineMessages({
  'zh-Hans': {
    'callbacks.title': '回访任务',
  },
  bo: {
    'callbacks.title': 'ཕྱིར་འདྲིའི་ལས་འགན།',
  },
  en: {
    'callbacks.title': 'Callbacks',
  },
});
