import type { CaseStatus, Language, Satisfaction } from '../case/case.types.js';
import type { NotableKind } from './stats.ports.js';

export type Labels = {
  sheetSummary: string;
  sheetCategory: string;
  sheetUnit: string;
  generatedAt: string;
  periodFrom: string;
  measure: string;
  value: string;
  numerator: string;
  denominator: string;
  previous: string;
  change: string;
  rank: string;
  unit: string;
  category: string;
  parentCategory: string;
  noCategory: string;
  trackingNo: string;
  caseTitle: string;
  registeredAt: string;
  status: string;
  satisfaction: string;
  notes: string;
  measures: Record<
    | 'registered' | 'replied' | 'repliedOnIntake' | 'rejected' | 'merged' | 'open' | 'openOverdue' | 'dispatched' | 'evaluated'
    | 'amountRecovered' | 'responseRate' | 'onTimeRate' | 'replyRate' | 'resolutionRate' | 'satisfactionRate' | 'settlementRate' | 'score',
    string
  >;
  reasons: Record<NotableKind, string>;
  statuses: Record<CaseStatus, string>;
  satisfactions: Record<Satisfaction, string>;
};

// The Tibetan labels reuse the web app's terms (ཐོ་འགོད, ལན་བཏབ, རྗེས་འདྲི, ཐག་ཆོད, ཡིད་ཚིམ); a native reviewer should read them.
export const REPORT_LABELS: Record<Language, Labels> = {
  'zh-Hans': {
    sheetSummary: '概况',
    sheetCategory: '分类统计',
    sheetUnit: '单位统计',
    generatedAt: '生成时间',
    periodFrom: '统计期间（按登记日期）',
    measure: '指标',
    value: '数值',
    numerator: '分子',
    denominator: '分母',
    previous: '上期',
    change: '变化',
    rank: '排名',
    unit: '单位',
    category: '分类',
    parentCategory: '上级分类',
    noCategory: '（未分类）',
    trackingNo: '编号',
    caseTitle: '标题',
    registeredAt: '登记时间',
    status: '状态',
    satisfaction: '满意度',
    notes: '各项比率的定义见 docs/statistics.md；金额单位为元。',
    measures: {
      registered: '登记件数',
      replied: '已答复件数',
      repliedOnIntake: '其中直接办结',
      rejected: '不予受理',
      merged: '合并重复件',
      open: '未答复件数',
      openOverdue: '其中超期',
      dispatched: '派单次数',
      evaluated: '回访/评价件数',
      amountRecovered: '追回金额（元）',
      responseRate: '响应率',
      onTimeRate: '按期办结率',
      replyRate: '回复率',
      resolutionRate: '解决率',
      satisfactionRate: '满意率',
      settlementRate: '化解率',
      score: '综合得分',
    },
    reasons: {
      longest_open: '长期未答复',
      overdue_reply: '超期未答复',
      dissatisfied: '不满意',
      largest_recovery: '追回金额较大',
      reopened: '重办',
    },
    statuses: {
      registered: '已受理', dispatched: '已派单', accepted: '已签收', replied: '已答复', callback_done: '已回访',
      closed: '已办结归档', returned: '已退单', rejected: '不予受理', merged: '已合并', on_hold: '待群众补充',
    },
    satisfactions: { satisfied: '满意', fairly_satisfied: '基本满意', dissatisfied: '不满意' },
  },
  bo: {
    sheetSummary: 'སྤྱི་བསྡོམས།',
    sheetCategory: 'རིགས་སོ་སོ།',
    sheetUnit: 'ལས་ཁུངས་སོ་སོ།',
    generatedAt: 'བཟོས་པའི་དུས་ཚོད།',
    periodFrom: 'གྲངས་ཐོའི་དུས་ཡུན། (ཐོ་འགོད་ཚེས་གྲངས་ལྟར།)',
    measure: 'ཚད་གཞི།',
    value: 'གྲངས།',
    numerator: 'ཆ་བགོས་ཀྱི་སྟེང་གྲངས།',
    denominator: 'ཆ་བགོས་ཀྱི་འོག་གྲངས།',
    previous: 'སྔོན་མའི་དུས་ཡུན།',
    change: 'འགྱུར་བ།',
    rank: 'གོ་རིམ།',
    unit: 'ལས་ཁུངས།',
    category: 'གནད་དོན་གྱི་རིགས།',
    parentCategory: 'རིགས་ཆེན།',
    noCategory: '(རིགས་མེད།)',
    trackingNo: 'ཐོ་འགོད་ཨང་གྲངས།',
    caseTitle: 'ཁ་བྱང་།',
    registeredAt: 'ཐོ་འགོད་དུས་ཚོད།',
    status: 'གནས་སྟངས།',
    satisfaction: 'ཡིད་ཚིམ་ཚད།',
    notes: 'བརྒྱ་ཆའི་ངེས་ཚིག་ docs/statistics.md ལ་གཟིགས། དངུལ་འབོར་སྒོར་མོའི་ཚད་ལྟར།',
    measures: {
      registered: 'ཐོ་འགོད་གྲངས།',
      replied: 'ལན་བཏབ་ཟིན་པའི་གྲངས།',
      repliedOnIntake: 'ཐོ་འགོད་སྐབས་ཐད་ཀར་མཇུག་སྒྲིལ།',
      rejected: 'དང་ལེན་མ་བྱས།',
      merged: 'མཉམ་སྡེབ་བྱས་ཟིན།',
      open: 'ལན་མ་བཏབ་པའི་གྲངས།',
      openOverdue: 'དུས་ཚོད་ལས་བརྒལ།',
      dispatched: 'བགོ་འགྲེམས་ཐེངས་གྲངས།',
      evaluated: 'རྗེས་འདྲི་དང་དཔྱད་བརྗོད་གྲངས།',
      amountRecovered: 'ཕྱིར་བླངས་པའི་དངུལ་འབོར། (སྒོར་མོ།)',
      responseRate: 'དུས་ཐོག་ཁས་ལེན་བརྒྱ་ཆ།',
      onTimeRate: 'དུས་ཐོག་ལན་འདེབས་བརྒྱ་ཆ།',
      replyRate: 'ལན་འདེབས་བརྒྱ་ཆ།',
      resolutionRate: 'ཐག་ཆོད་བརྒྱ་ཆ།',
      satisfactionRate: 'ཡིད་ཚིམ་བརྒྱ་ཆ།',
      settlementRate: 'རྩོད་གཞི་བར་འདུམ་ཐག་ཆོད་བརྒྱ་ཆ།',
      score: 'སྤྱིའི་སྐར་གྲངས།',
    },
    reasons: {
      longest_open: 'ཡུན་རིང་ལན་མ་བཏབ།',
      overdue_reply: 'དུས་ཚོད་ལས་བརྒལ་ཡང་ལན་མ་བཏབ།',
      dissatisfied: 'ཡིད་མ་ཚིམ།',
      largest_recovery: 'ཕྱིར་བླངས་པའི་དངུལ་འབོར་ཆེ།',
      reopened: 'བསྐྱར་སྒྲུབ།',
    },
    statuses: {
      registered: 'ཐོ་འགོད་བྱས་ཟིན།', dispatched: 'བགོ་འགྲེམས་བྱས་ཟིན།', accepted: 'ཁས་ལེན་བྱས་ཟིན།', replied: 'ལན་བཏབ་ཟིན།',
      callback_done: 'རྗེས་འདྲི་བྱས་ཟིན།', closed: 'མཇུག་སྒྲིལ་ནས་ཡིག་ཚགས་སུ་བཅུག་ཟིན།', returned: 'ཕྱིར་སྤྲོད་བྱས་ཟིན།',
      rejected: 'དང་ལེན་མ་བྱས།', merged: 'མཉམ་སྡེབ་བྱས་ཟིན།', on_hold: 'མི་མང་གིས་ཁ་སྣོན་བྱེད་པར་སྒུག་བཞིན།',
    },
    satisfactions: { satisfied: 'ཡིད་ཚིམ།', fairly_satisfied: 'ཕལ་ཆེར་ཡིད་ཚིམ།', dissatisfied: 'ཡིད་མ་ཚིམ།' },
  },
  en: {
    sheetSummary: 'Summary',
    sheetCategory: 'By category',
    sheetUnit: 'By unit',
    generatedAt: 'Generated at',
    periodFrom: 'Period (by registration date)',
    measure: 'Measure',
    value: 'Value',
    numerator: 'Numerator',
    denominator: 'Denominator',
    previous: 'Previous period',
    change: 'Change',
    rank: 'Rank',
    unit: 'Unit',
    category: 'Category',
    parentCategory: 'Parent category',
    noCategory: '(no category)',
    trackingNo: 'Tracking no.',
    caseTitle: 'Title',
    registeredAt: 'Registered at',
    status: 'Status',
    satisfaction: 'Satisfaction',
    notes: 'Rates are defined in docs/statistics.md; amounts in CNY.',
    measures: {
      registered: 'Cases registered',
      replied: 'Cases replied',
      repliedOnIntake: 'of which resolved on intake',
      rejected: 'Rejected at intake',
      merged: 'Merged duplicates',
      open: 'Cases awaiting a reply',
      openOverdue: 'of which overdue',
      dispatched: 'Dispatches',
      evaluated: 'Cases evaluated (callback or rating)',
      amountRecovered: 'Amount recovered (CNY)',
      responseRate: 'Response rate',
      onTimeRate: 'On-time rate',
      replyRate: 'Reply rate',
      resolutionRate: 'Resolution rate',
      satisfactionRate: 'Satisfaction rate',
      settlementRate: 'Settlement rate',
      score: 'Composite score',
    },
    reasons: {
      longest_open: 'Longest without a reply',
      overdue_reply: 'Past its reply limit',
      dissatisfied: 'Dissatisfied',
      largest_recovery: 'Large amount recovered',
      reopened: 'Reopened',
    },
    statuses: {
      registered: 'Registered', dispatched: 'Dispatched', accepted: 'Accepted by unit', replied: 'Replied', callback_done: 'Followed up',
      closed: 'Closed', returned: 'Returned by unit', rejected: 'Not accepted', merged: 'Merged', on_hold: 'Waiting for the requester',
    },
    satisfactions: { satisfied: 'Satisfied', fairly_satisfied: 'Fairly satisfied', dissatisfied: 'Dissatisfied' },
  },
};
