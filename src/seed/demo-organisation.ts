import type { LocalizedText } from '../core/directory/directory.types.js';

export type UnitSeed = { code: string; type: string; parent: string | null; name: LocalizedText };
export type CategorySeed = { code: string; parent: string | null; name: LocalizedText; unit: string | null; acceptHours: number; replyDays: number };

const n = (zh: string, bo: string, en: string): LocalizedText => ({ 'zh-Hans': zh, bo, en });

/** A small but living Lhasa: one city, its districts, the departments people complain to, the union. */
export const DEMO_UNITS: UnitSeed[] = [
  { code: 'lhasa', type: 'region', parent: null, name: n('拉萨市', 'ལྷ་ས་གྲོང་ཁྱེར།', 'Lhasa City') },
  { code: 'chengguan', type: 'district', parent: 'lhasa', name: n('城关区', 'ཁྲིན་ཀོན་ཆུས།', 'Chengguan District') },
  { code: 'chengguan_barkhor', type: 'township', parent: 'chengguan', name: n('八廓街道', 'བར་སྐོར་ཁྲོམ་གཞུང་།', 'Barkhor Subdistrict') },
  { code: 'barkhor_chongsaikang', type: 'community', parent: 'chengguan_barkhor', name: n('冲赛康社区', 'ཚོང་འདུས་ཁང་སྡོད་ཁུལ།', 'Chongsaikang Community') },
  { code: 'chengguan_jiri', type: 'township', parent: 'chengguan', name: n('吉日街道', 'སྐྱིད་རིང་ཁྲོམ་གཞུང་།', 'Jiri Subdistrict') },
  { code: 'jiri_grid_01', type: 'grid', parent: 'chengguan_jiri', name: n('吉日第一网格', 'སྐྱིད་རིང་དྲ་མིག་དང་པོ།', 'Jiri Grid 1') },
  { code: 'doilungdeqen', type: 'district', parent: 'lhasa', name: n('堆龙德庆区', 'སྟོད་ལུང་བདེ་ཆེན་ཆུས།', 'Doilungdêqên District') },
  { code: 'doilung_dongga', type: 'township', parent: 'doilungdeqen', name: n('东嘎街道', 'གདོང་དཀར་ཁྲོམ་གཞུང་།', 'Dongga Subdistrict') },
  { code: 'petition', type: 'department', parent: 'lhasa', name: n('市信访局', 'གྲོང་ཁྱེར་མི་མང་ཞུ་གཏུག་ཅུས།', 'Municipal Petition Bureau') },
  { code: 'hrss', type: 'department', parent: 'lhasa', name: n('市人力资源和社会保障局', 'གྲོང་ཁྱེར་མི་ཤུགས་ཐོན་ཁུངས་དང་སྤྱི་ཚོགས་འགན་ལེན་ཅུས།', 'Human Resources and Social Security Bureau') },
  { code: 'hrss_inspection', type: 'office', parent: 'hrss', name: n('劳动保障监察支队', 'ལས་ཀའི་འགན་ལེན་ལྟ་ཞིབ་དཔུང་ཚན།', 'Labour Inspection Brigade') },
  { code: 'cityman', type: 'department', parent: 'lhasa', name: n('市城市管理局', 'གྲོང་ཁྱེར་དོ་དམ་ཅུས།', 'City Management Bureau') },
  { code: 'ecoenv', type: 'department', parent: 'lhasa', name: n('市生态环境局', 'གྲོང་ཁྱེར་སྐྱེ་ཁམས་ཁོར་ཡུག་ཅུས།', 'Ecology and Environment Bureau') },
  { code: 'transport', type: 'department', parent: 'lhasa', name: n('市交通运输局', 'གྲོང་ཁྱེར་འགྲིམ་འགྲུལ་སྐྱེལ་འདྲེན་ཅུས།', 'Transport Bureau') },
  { code: 'market', type: 'department', parent: 'lhasa', name: n('市市场监督管理局', 'གྲོང་ཁྱེར་ཚོང་ར་ལྟ་རྟོག་དོ་དམ་ཅུས།', 'Market Regulation Bureau') },
  { code: 'health', type: 'department', parent: 'lhasa', name: n('市卫生健康委员会', 'གྲོང་ཁྱེར་འཕྲོད་བསྟེན་ཨུ་ཡོན་ལྷན་ཁང་།', 'Health Commission') },
  { code: 'education', type: 'department', parent: 'lhasa', name: n('市教育局', 'གྲོང་ཁྱེར་སློབ་གསོ་ཅུས།', 'Education Bureau') },
  { code: 'union', type: 'union', parent: 'lhasa', name: n('市总工会（12351）', 'གྲོང་ཁྱེར་ལས་མིའི་མཉམ་འབྲེལ་ལྷན་ཚོགས། (12351)', 'City Federation of Trade Unions (12351)') },
  { code: 'union_chengguan', type: 'branch', parent: 'union', name: n('城关区总工会', 'ཁྲིན་ཀོན་ཆུས་ལས་མིའི་མཉམ་འབྲེལ་ལྷན་ཚོགས།', 'Chengguan District Trade Union') },
];

export const DEMO_CATEGORIES: CategorySeed[] = [
  { code: 'labour', parent: null, name: n('劳动保障', 'ལས་ཀའི་འགན་ལེན།', 'Labour and social security'), unit: 'hrss', acceptHours: 24, replyDays: 7 },
  { code: 'wage_arrears', parent: 'labour', name: n('拖欠工资', 'གླ་ཕོགས་འཕྲོ་ལུས།', 'Wage arrears'), unit: 'hrss', acceptHours: 24, replyDays: 7 },
  { code: 'labour_dispute', parent: 'labour', name: n('劳动争议', 'ལས་ཀའི་རྩོད་གཞི།', 'Labour dispute'), unit: 'union', acceptHours: 24, replyDays: 15 },
  { code: 'city', parent: null, name: n('城市管理', 'གྲོང་ཁྱེར་དོ་དམ།', 'City management'), unit: 'cityman', acceptHours: 24, replyDays: 7 },
  { code: 'noise', parent: 'city', name: n('噪音扰民', 'སྒྲ་གྲགས་ཀྱི་གནོད་འཚེ།', 'Noise nuisance'), unit: 'cityman', acceptHours: 12, replyDays: 7 },
  { code: 'sanitation', parent: 'city', name: n('环境卫生', 'ཁོར་ཡུག་གཙང་སྦྲ།', 'Sanitation'), unit: 'cityman', acceptHours: 24, replyDays: 7 },
  { code: 'road_traffic', parent: 'city', name: n('道路交通', 'ལམ་དང་འགྲིམ་འགྲུལ།', 'Roads and traffic'), unit: 'transport', acceptHours: 24, replyDays: 7 },
  { code: 'heating_water', parent: 'city', name: n('供暖供水', 'དྲོད་སྤྲོད་དང་ཆུ་མཁོ་སྤྲོད།', 'Heating and water supply'), unit: 'cityman', acceptHours: 2, replyDays: 1 },
  { code: 'market_affairs', parent: null, name: n('市场监管', 'ཚོང་ར་ལྟ་རྟོག', 'Market regulation'), unit: 'market', acceptHours: 24, replyDays: 7 },
  { code: 'food_safety', parent: 'market_affairs', name: n('食品安全', 'ཟས་རིགས་བདེ་འཇགས།', 'Food safety'), unit: 'market', acceptHours: 12, replyDays: 7 },
  { code: 'consumer', parent: 'market_affairs', name: n('消费投诉', 'ཉོ་མཁན་གྱི་སྐྱོན་བརྗོད།', 'Consumer complaint'), unit: 'market', acceptHours: 24, replyDays: 7 },
  { code: 'public_services', parent: null, name: n('公共服务', 'སྤྱི་པའི་ཞབས་ཞུ།', 'Public services'), unit: null, acceptHours: 24, replyDays: 7 },
  { code: 'policy_enquiry', parent: 'public_services', name: n('政策咨询', 'སྲིད་ཇུས་འདྲི་རྩད།', 'Policy enquiry'), unit: 'hrss', acceptHours: 24, replyDays: 5 },
  { code: 'health_care', parent: 'public_services', name: n('医疗卫生', 'སྨན་བཅོས་འཕྲོད་བསྟེན།', 'Health care'), unit: 'health', acceptHours: 24, replyDays: 7 },
  { code: 'schooling', parent: 'public_services', name: n('教育入学', 'སློབ་གསོ་དང་སློབ་འཇུག', 'Schooling'), unit: 'education', acceptHours: 24, replyDays: 7 },
  { code: 'petition_matter', parent: null, name: n('信访事项', 'མི་མང་ཞུ་གཏུག', 'Petition matter'), unit: 'petition', acceptHours: 72, replyDays: 60 },
];

export type UserSeed = { username: string; displayName: string; roles: string[]; unit: string };

export const DEMO_USERS: UserSeed[] = [
  { username: 'admin', displayName: '系统管理员 Admin', roles: ['admin'], unit: 'lhasa' },
  { username: 'agent', displayName: '热线坐席 卓玛', roles: ['agent'], unit: 'lhasa' },
  { username: 'dispatcher', displayName: '派单员 王芳', roles: ['dispatcher'], unit: 'lhasa' },
  { username: 'supervisor', displayName: '督办员 次仁', roles: ['supervisor'], unit: 'lhasa' },
  { username: 'handler', displayName: '人社局承办人 李明', roles: ['unit_handler'], unit: 'hrss' },
  { username: 'leader', displayName: '人社局负责人 扎西', roles: ['unit_leader'], unit: 'hrss' },
  { username: 'handler_union', displayName: '总工会承办人 央金', roles: ['unit_handler'], unit: 'union' },
  { username: 'handler_city', displayName: '城管局承办人 张伟', roles: ['unit_handler'], unit: 'cityman' },
  { username: 'handler_market', displayName: '市场监管局承办人 德吉', roles: ['unit_handler'], unit: 'market' },
];
