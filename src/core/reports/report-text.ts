import type { Language } from '../case/case.types.js';
import { REPORT_LABELS } from '../stats/report-labels.js';
import type { RateName } from '../stats/stats.types.js';
import type { NotableReason } from './notable-cases.js';

type ReportText = {
  documentTitle: string;
  /** the title of a quarterly report (a calendar quarter) */
  quarterlyTitle: string;
  /** the title of a yearly report (a calendar year) */
  yearlyTitle: string;
  notableTitle: string;
  notableIntro: string;
  notableReasons: string;
  notableSupervised: string;
  sheetNotable: string;
  period: string;
  unit: string;
  generatedAt: string;
  previousPeriod: string;
  sections: {
    headline: string;
    definitions: string;
    trend: string;
    ranking: string;
    categories: string;
    hotspots: string;
    backlog: string;
    recovered: string;
  };
  trendLegendCases: string;
  trendLegendRate: string;
  rateDefinitions: Record<RateName, string>;
  scoreDefinition: string;
  noData: string;
  place: string;
  cases: string;
  previousCases: string;
  trend: string;
  trends: Record<string, string>;
  keywords: string;
  backlogTotal: (minAgeDays: number) => string;
  backlogOverdue: string;
  ageBand: string;
  days: string;
  ageDays: string;
  overdueDays: string;
  owner: string;
  recoveredTotal: string;
  recoveredTopCategories: string;
  sheetTrend: string;
  sheetHotspots: string;
  sheetBacklog: string;
  periodLabel: string;
  cohortNote: string;
};

// Definitions condensed from docs/statistics.md, where each is stated in full. Tibetan terms follow the web app
// (ཐོ་འགོད, ལན་བཏབ, རྗེས་འདྲི, ཐག་ཆོད, ཡིད་ཚིམ); a native reviewer should read them.
export const REPORT_TEXT: Record<Language, ReportText> = {
  'zh-Hans': {
    documentTitle: '诉求办理统计报告',
    quarterlyTitle: '诉求办理季度统计报告',
    yearlyTitle: '诉求办理年度统计报告',
    notableTitle: '重点关注诉求',
    notableIntro: '本期登记、值得领导关注的诉求：超期最久、被重新办理、被督办、追回金额最大等（不含诉求人个人信息）。',
    notableReasons: '列入原因',
    notableSupervised: '已督办',
    sheetNotable: '重点诉求',
    period: '统计期间',
    unit: '单位',
    generatedAt: '生成时间',
    previousPeriod: '上期',
    sections: {
      headline: '主要指标',
      definitions: '指标定义',
      trend: '趋势',
      ranking: '单位排名（综合得分）',
      categories: '分类统计',
      hotspots: '热点问题',
      backlog: '积案与超期',
      recovered: '追回金额',
    },
    trendLegendCases: '登记件数',
    trendLegendRate: '回复率',
    rateDefinitions: {
      responseRate: '响应率 = 在签收时限内签收的派单数 ÷（派单数 − 仍在签收时限内的派单 − 撤回的派单）。',
      onTimeRate: '按期办结率 = 在（延期后的）答复期限内答复的件数 ÷ 已答复件数。',
      replyRate: '回复率 =（已答复件数 + 不予受理件数）÷（登记件数 − 合并的重复件）。',
      resolutionRate: '解决率 = 回访或评价为“已解决”的件数 ÷ 已评价件数。',
      satisfactionRate: '满意率 =（满意 + 基本满意）÷ 已评价件数。',
      settlementRate: '化解率 = 以“已解决”答复的纠纷件 ÷ 已答复的纠纷件。',
    },
    scoreDefinition: '综合得分 = 100 × 各比率按权重加权平均（默认响应率 30、解决率 35、满意率 35）；无数据的比率不计。',
    noData: '无数据',
    place: '地点',
    cases: '件数',
    previousCases: '上期件数',
    trend: '趋势',
    trends: { new: '新出现', rising: '上升', steady: '持平', falling: '下降' },
    keywords: '关键词',
    backlogTotal: (d) => `登记超过 ${d} 天仍未答复`,
    backlogOverdue: '其中已超过答复期限',
    ageBand: '已登记天数',
    days: '天',
    ageDays: '天数',
    overdueDays: '超期天数',
    owner: '责任单位',
    recoveredTotal: '本期追回金额合计（元）',
    recoveredTopCategories: '追回金额最多的分类',
    sheetTrend: '趋势',
    sheetHotspots: '热点',
    sheetBacklog: '积案',
    periodLabel: '期间',
    cohortNote: '各项数字统计本期登记的诉求（按登记日期，北京时间）；近期数字会随办理进展变化。',
  },
  bo: {
    documentTitle: 'རེ་ཞུ་ཐག་གཅོད་ཀྱི་གྲངས་ཐོའི་སྙན་ཞུ།',
    quarterlyTitle: 'རེ་ཞུ་ཐག་གཅོད་ཀྱི་དུས་ཚིགས་གྲངས་ཐོའི་སྙན་ཞུ།',
    yearlyTitle: 'རེ་ཞུ་ཐག་གཅོད་ཀྱི་ལོ་འཁོར་གྲངས་ཐོའི་སྙན་ཞུ།',
    notableTitle: 'དོ་སྣང་དགོས་པའི་རེ་ཞུ།',
    notableIntro: 'དུས་ཡུན་འདིར་ཐོ་འགོད་བྱས་པའི་རེ་ཞུའི་ནང་འགོ་ཁྲིད་ཀྱིས་དོ་སྣང་དགོས་པ། དུས་བརྒལ་ཆེ་ཤོས། བསྐྱར་དུ་ཐག་གཅོད་བྱས་པ། ལྟ་རྟོག་བྱས་པ། ཕྱིར་བླངས་དངུལ་འབོར་ཆེ་ཤོས། (རེ་ཞུ་བའི་སྒེར་གྱི་ཆ་འཕྲིན་མེད།)',
    notableReasons: 'ཐོ་འགོད་བྱས་པའི་རྒྱུ་མཚན།',
    notableSupervised: 'ལྟ་རྟོག་བྱས་ཟིན།',
    sheetNotable: 'དོ་སྣང་དགོས་པ།',
    period: 'གྲངས་ཐོའི་དུས་ཡུན།',
    unit: 'ལས་ཁུངས།',
    generatedAt: 'བཟོས་པའི་དུས་ཚོད།',
    previousPeriod: 'སྔོན་མའི་དུས་ཡུན།',
    sections: {
      headline: 'གཙོ་བོའི་ཚད་གཞི།',
      definitions: 'ཚད་གཞིའི་ངེས་ཚིག',
      trend: 'འགྱུར་ཕྱོགས།',
      ranking: 'ལས་ཁུངས་ཀྱི་གོ་རིམ། (སྤྱིའི་སྐར་གྲངས།)',
      categories: 'རིགས་སོ་སོའི་གྲངས་ཐོ།',
      hotspots: 'ཚ་བའི་གནད་དོན།',
      backlog: 'ཡུན་རིང་ལན་མ་བཏབ་པ་དང་དུས་ལས་བརྒལ་བ།',
      recovered: 'ཕྱིར་བླངས་པའི་དངུལ་འབོར།',
    },
    trendLegendCases: 'ཐོ་འགོད་གྲངས།',
    trendLegendRate: 'ལན་འདེབས་བརྒྱ་ཆ།',
    rateDefinitions: {
      responseRate: 'དུས་ཐོག་ཁས་ལེན་བརྒྱ་ཆ། = ཁས་ལེན་དུས་བཀག་ནང་ཁས་བླངས་པའི་བགོ་འགྲེམས་གྲངས་ ÷ (བགོ་འགྲེམས་གྲངས་ − དུས་བཀག་ནང་ད་དུང་སྒུག་བཞིན་པ་ − ཕྱིར་བསྡུས་པ།)',
      onTimeRate: 'དུས་ཐོག་ལན་འདེབས་བརྒྱ་ཆ། = ལན་འདེབས་དུས་བཀག་ནང་ལན་བཏབ་པའི་གྲངས་ ÷ ལན་བཏབ་ཟིན་པའི་གྲངས།',
      replyRate: 'ལན་འདེབས་བརྒྱ་ཆ། = (ལན་བཏབ་ཟིན་པ་ + དང་ལེན་མ་བྱས་པ།) ÷ (ཐོ་འགོད་གྲངས་ − མཉམ་སྡེབ་བྱས་པ།)',
      resolutionRate: 'ཐག་ཆོད་བརྒྱ་ཆ། = རྗེས་འདྲི་ནང་ཐག་ཆོད་ཟེར་བའི་གྲངས་ ÷ དཔྱད་བརྗོད་བྱས་པའི་གྲངས།',
      satisfactionRate: 'ཡིད་ཚིམ་བརྒྱ་ཆ། = (ཡིད་ཚིམ་ + ཕལ་ཆེར་ཡིད་ཚིམ།) ÷ དཔྱད་བརྗོད་བྱས་པའི་གྲངས།',
      settlementRate: 'རྩོད་གཞི་བར་འདུམ་ཐག་ཆོད་བརྒྱ་ཆ། = ཐག་ཆོད་པའི་ལན་བཏབ་པའི་རྩོད་གཞི་ ÷ ལན་བཏབ་ཟིན་པའི་རྩོད་གཞི།',
    },
    scoreDefinition: 'སྤྱིའི་སྐར་གྲངས། = ༡༠༠ × བརྒྱ་ཆ་སོ་སོའི་ལྗིད་ཚད་ལྡན་པའི་ཆ་སྙོམས། (སྔོན་སྒྲིག ཁས་ལེན་ ༣༠ ཐག་ཆོད་ ༣༥ ཡིད་ཚིམ་ ༣༥)',
    noData: 'གྲངས་ཀ་མེད།',
    place: 'ས་གནས།',
    cases: 'གྲངས།',
    previousCases: 'སྔོན་མའི་གྲངས།',
    trend: 'འགྱུར་ཕྱོགས།',
    trends: { new: 'གསར་དུ་བྱུང་།', rising: 'མཐོ་རུ་ཕྱིན།', steady: 'བརྟན་པོ།', falling: 'དམའ་རུ་ཕྱིན།' },
    keywords: 'གནད་ཚིག',
    backlogTotal: (d) => `ཐོ་འགོད་བྱས་ནས་ཉིན་ ${d} ལས་བརྒལ་ཡང་ལན་མ་བཏབ་པ།`,
    backlogOverdue: 'དེའི་ནང་ལན་འདེབས་དུས་བཀག་ལས་བརྒལ་བ།',
    ageBand: 'ཐོ་འགོད་བྱས་རྗེས་ཀྱི་ཉིན་གྲངས།',
    days: 'ཉིན།',
    ageDays: 'ཉིན་གྲངས།',
    overdueDays: 'དུས་བརྒལ་ཉིན་གྲངས།',
    owner: 'འགན་འཁུར་ལས་ཁུངས།',
    recoveredTotal: 'དུས་ཡུན་འདིར་ཕྱིར་བླངས་པའི་དངུལ་འབོར་བསྡོམས། (སྒོར་མོ།)',
    recoveredTopCategories: 'ཕྱིར་བླངས་དངུལ་འབོར་ཆེ་ཤོས་ཀྱི་རིགས།',
    sheetTrend: 'འགྱུར་ཕྱོགས།',
    sheetHotspots: 'ཚ་བའི་གནད་དོན།',
    sheetBacklog: 'ཡུན་རིང་ལན་མ་བཏབ།',
    periodLabel: 'དུས་ཡུན།',
    cohortNote: 'གྲངས་ཀ་ཚང་མ་དུས་ཡུན་འདིའི་ནང་ཐོ་འགོད་བྱས་པའི་རེ་ཞུ་ལ་རྩིས་པ་ཡིན། (ཐོ་འགོད་ཚེས་གྲངས་ལྟར། པེ་ཅིང་དུས་ཚོད།)',
  },
  en: {
    documentTitle: 'Requests handled: statistical report',
    quarterlyTitle: 'Requests handled: quarterly statistical report',
    yearlyTitle: 'Requests handled: yearly statistical report',
    notableTitle: 'Notable cases',
    notableIntro: 'Cases registered in the period that a leader should look at: the most overdue, reopened, supervised, the largest amounts recovered (no personal data of requesters).',
    notableReasons: 'Why listed',
    notableSupervised: 'Supervised',
    sheetNotable: 'Notable cases',
    period: 'Period',
    unit: 'Unit',
    generatedAt: 'Generated at',
    previousPeriod: 'Previous period',
    sections: {
      headline: 'Headline figures',
      definitions: 'Definitions',
      trend: 'Trend',
      ranking: 'Unit ranking (composite score)',
      categories: 'By category',
      hotspots: 'Hotspots',
      backlog: 'Backlog and overdue cases',
      recovered: 'Amounts recovered',
    },
    trendLegendCases: 'Cases registered',
    trendLegendRate: 'Reply rate',
    rateDefinitions: {
      responseRate: 'Response rate = dispatches accepted within the acceptance limit ÷ (dispatches − those still inside their window − those withdrawn).',
      onTimeRate: 'On-time rate = cases replied within their (extended) reply limit ÷ cases replied.',
      replyRate: 'Reply rate = (cases replied + cases formally rejected) ÷ (cases registered − merged duplicates).',
      resolutionRate: 'Resolution rate = evaluations saying resolved ÷ cases evaluated (callback, else the requester\'s rating).',
      satisfactionRate: 'Satisfaction rate = (satisfied + fairly satisfied) ÷ cases evaluated.',
      settlementRate: 'Settlement rate = disputes replied with the outcome resolved ÷ disputes replied.',
    },
    scoreDefinition: 'Composite score = 100 × the weighted mean of the rates (default response 30, resolution 35, satisfaction 35); rates without data drop out.',
    noData: 'no data',
    place: 'Place',
    cases: 'Cases',
    previousCases: 'Previous',
    trend: 'Trend',
    trends: { new: 'new', rising: 'rising', steady: 'steady', falling: 'falling' },
    keywords: 'Keywords',
    backlogTotal: (d) => `Registered more than ${d} days ago and still without a reply`,
    backlogOverdue: 'of which past the reply limit',
    ageBand: 'Days since registration',
    days: 'days',
    ageDays: 'Age (days)',
    overdueDays: 'Days overdue',
    owner: 'Responsible unit',
    recoveredTotal: 'Total recovered in the period (CNY)',
    recoveredTopCategories: 'Categories with the largest recoveries',
    sheetTrend: 'Trend',
    sheetHotspots: 'Hotspots',
    sheetBacklog: 'Backlog',
    periodLabel: 'Period',
    cohortNote: 'All figures count the cases registered in the period (by registration date, China time); recent figures move while cases are handled.',
  },
};

/** The title of a report of this kind in the reader's language (a quarterly or yearly report says so). */
export const reportTitleOf = (kind: string | undefined, language: Language): string =>
  kind === 'yearly' ? REPORT_TEXT[language].yearlyTitle : kind === 'quarterly' ? REPORT_TEXT[language].quarterlyTitle : REPORT_TEXT[language].documentTitle;

const yuanText = (fen: number): string => (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Why a notable case is listed, in the reader's language (the amount for a recovery). */
export const notableReasonText = (n: { reasons: readonly NotableReason[]; amountRecoveredFen: number | null }, language: Language): string =>
  n.reasons
    .map((r) => {
      if (r === 'supervised') return REPORT_TEXT[language].notableSupervised;
      const label = REPORT_LABELS[language].reasons[r];
      return r === 'largest_recovery' && n.amountRecoveredFen !== null ? `${label} ${yuanText(n.amountRecoveredFen)}` : label;
    })
    .join(language === 'bo' ? ' ' : language === 'zh-Hans' ? '、' : ', ');
