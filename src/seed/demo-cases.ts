import type { Channel, Kind, Language, PublicationConsent } from '../core/case/case.types.js';

export type CaseTemplate = {
  language: Language;
  channel: Channel;
  kind: Kind;
  category: string;
  title: string;
  description: string;
  address?: string;
  requester: { name: string; phone: string };
  amountClaimedFen?: number;
  replyText: string;
  /** The requester's answer to "may this be published?"; absent: not asked (an old phone intake). */
  publicationConsent?: PublicationConsent;
};

/** Requests of the kinds our first users receive, in Chinese and in Tibetan. Names and numbers are invented. */
export const DEMO_CASES: CaseTemplate[] = [
  {
    language: 'zh-Hans', channel: 'phone', kind: 'complaint', category: 'wage_arrears',
    title: '建筑工地拖欠农民工工资三个月',
    description: '我在柳梧新区某住宅项目做钢筋工，包工头已经三个月没有发工资，共欠我和另外五名工友约四万八千元，多次讨要无果。',
    address: '拉萨市柳梧新区某住宅项目工地', requester: { name: '张建国', phone: '13800891234' }, amountClaimedFen: 4_800_000,
    replyText: '经劳动保障监察支队调查，施工单位已于本月12日足额支付拖欠的工资48000元。如仍有问题，可拨打12351或12333反映。',
  },
  {
    language: 'bo', channel: 'phone', kind: 'help', category: 'wage_arrears',
    title: 'ཟླ་བ་གཉིས་ཀྱི་གླ་ཕོགས་ད་དུང་ཐོབ་མེད།',
    description: 'ང་ཟ་ཁང་ཞིག་ནང་ལས་ཀ་བྱས་ནས་ཟླ་བ་གཉིས་སོང་། ཚོང་དཔོན་གྱིས་གླ་ཕོགས་སྒོར་མོ་ཁྲི་གཅིག་སྟོང་གཉིས་སྤྲད་མེད། རོགས་རམ་གནང་རོགས།',
    address: 'ལྷ་ས་བར་སྐོར།', requester: { name: 'བསོད་ནམས་སྒྲོལ་མ།', phone: '13908901122' }, amountClaimedFen: 1_200_000,
    replyText: 'ལས་ཀའི་འགན་ལེན་ལྟ་ཞིབ་དཔུང་ཚན་གྱིས་ཞིབ་བཤེར་བྱས་རྗེས། ཚོང་དཔོན་གྱིས་གླ་ཕོགས་ཆ་ཚང་སྤྲད་ཟིན།',
  },
  {
    language: 'zh-Hans', channel: 'web', kind: 'complaint', category: 'noise',
    title: '小区楼下烧烤店深夜噪音扰民',
    description: '北京中路某小区楼下的烧烤店每天营业到凌晨两点，音响声和喧哗声很大，老人孩子无法休息，希望有关部门管一管。',
    address: '拉萨市城关区北京中路', requester: { name: '李淑芬', phone: '13618905566' }, publicationConsent: 'granted',
    replyText: '城管执法人员已于夜间两次到场检查，责令该店晚上十一点后停止室外经营并关闭音响，将持续巡查。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'help', category: 'heating_water',
    title: '整栋楼停水两天无人处理',
    description: '金珠西路某小区7号楼从前天早上开始停水，物业说是管道冻裂，一直没有修好，家里有两位八十多岁的老人。',
    address: '拉萨市城关区金珠西路', requester: { name: '王德明', phone: '13989001234' }, publicationConsent: 'refused',
    replyText: '供水公司已于当天下午更换冻裂管段并恢复供水，并为该楼加装保温层防止再次冻裂。',
  },
  {
    language: 'bo', channel: 'visit', kind: 'complaint', category: 'sanitation',
    title: 'ལམ་ཁའི་གད་སྙིགས་ཉིན་ལྔ་རིང་བསྐྱལ་མེད།',
    description: 'སྐྱིད་རིང་ཁྲོམ་གཞུང་གི་ལམ་ཁར་གད་སྙིགས་ཉིན་ལྔ་རིང་བསྐྱལ་མེད་པས་དྲི་མ་ངན་པ་ལྡང་གི་འདུག',
    address: 'ལྷ་ས་སྐྱིད་རིང་ཁྲོམ་གཞུང་།', requester: { name: 'ཚེ་རིང་རྡོ་རྗེ།', phone: '13889007788' },
    replyText: 'གྲོང་ཁྱེར་དོ་དམ་ཅུས་ཀྱིས་གད་སྙིགས་བསྐྱལ་ཟིན། ཉིན་རེར་ཐེངས་གཉིས་བསྐྱལ་རྒྱུ་གཏན་འཁེལ་བྱས།',
  },
  {
    language: 'zh-Hans', channel: 'miniprogram', kind: 'complaint', category: 'food_safety',
    title: '餐馆使用过期食材',
    description: '在江苏路一家川菜馆吃饭后全家腹泻，后厨员工透露经常使用过期的肉类，请市场监管部门检查。',
    address: '拉萨市城关区江苏路', requester: { name: '陈晓', phone: '15308905678' },
    replyText: '执法人员已对该餐馆进行现场检查，查扣过期食材12公斤，依法立案处罚并责令整改。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'complaint', category: 'consumer',
    title: '健身房关门跑路拒不退费',
    description: '我在某健身房办了三年的年卡，交了6800元，现在健身房突然关门，老板电话打不通，有几十名会员受骗。',
    address: '拉萨市城关区太阳岛', requester: { name: '刘洋', phone: '18708901234' }, amountClaimedFen: 680_000,
    replyText: '已联系经营者，经调解同意分期退还会员剩余费用，首批退款已到账。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'enquiry', category: 'policy_enquiry',
    title: '灵活就业人员如何缴纳养老保险',
    description: '我是个体户，想咨询灵活就业人员在拉萨如何参加职工养老保险，缴费基数和档次怎么选。',
    requester: { name: '赵丽', phone: '13518904321' },
    replyText: '灵活就业人员可持身份证到户籍所在地社保经办机构或通过“西藏社保”App办理参保，缴费基数可在全区平均工资的60%至300%之间选择。',
  },
  {
    language: 'bo', channel: 'phone', kind: 'enquiry', category: 'schooling',
    title: 'ཕྲུ་གུ་སློབ་ཆུང་དུ་འཛུལ་བའི་ལག་ལེན།',
    description: 'ངའི་ཕྲུ་གུ་ལོ་དྲུག་ལོན་པས་སློབ་ཆུང་དུ་འཛུལ་དགོས། ཡིག་ཆ་ག་རེ་དགོས་སམ། ཐོ་འགོད་ནམ་བྱེད་དམ།',
    requester: { name: 'པདྨ་ཡང་འཛོམས།', phone: '13659003344' },
    replyText: 'ཐོ་འགོད་ནི་ཟླ་བ་དྲུག་པའི་ནང་བྱེད་ཀྱི་ཡོད། ཐོ་འགོད་དེབ་དང་ཕྲུ་གུའི་སྐྱེས་ཚེས་ལག་ཁྱེར་ཁྱེར་ནས་སློབ་ཁུལ་གྱི་སློབ་གྲྭར་ཕེབས་རོགས།',
  },
  {
    language: 'zh-Hans', channel: 'letter', kind: 'report', category: 'road_traffic',
    title: '学校门口路段缺少减速带和斑马线',
    description: '堆龙德庆区东嘎街道某小学门口车流量大，车速快，没有减速带和人行横道，学生上下学很危险。',
    address: '拉萨市堆龙德庆区东嘎街道', requester: { name: '格桑', phone: '13989012345' },
    replyText: '交通运输局已会同交警部门在该路段施划斑马线、设置减速带和警示标志，上下学时段安排交警值守。',
  },
  {
    language: 'zh-Hans', channel: 'visit', kind: 'complaint', category: 'labour_dispute',
    title: '公司未签劳动合同被辞退要求赔偿',
    description: '我在一家物流公司工作一年多，公司一直没有签劳动合同，上周突然口头辞退，不给任何补偿。',
    requester: { name: '旦增', phone: '13398905678' }, amountClaimedFen: 2_400_000,
    replyText: '经工会调解，公司同意支付未签劳动合同的二倍工资差额及经济补偿共计24000元，双方已签订调解协议。',
  },
  {
    language: 'bo', channel: 'phone', kind: 'complaint', category: 'labour_dispute',
    title: 'ལས་ཀའི་གན་རྒྱ་མ་བཞག་པར་ལས་ཀ་ནས་ཕྱིར་བསྐྲད།',
    description: 'ང་ཁང་པ་བཟོ་སྐྲུན་ཀུང་སི་ཞིག་ཏུ་ལོ་གཅིག་ལས་ཀ་བྱས་ཀྱང་གན་རྒྱ་བཞག་མེད། ད་ལྟ་རྒྱུ་མཚན་མེད་པར་ཕྱིར་བསྐྲད་བཏང་།',
    requester: { name: 'བཀྲ་ཤིས་དོན་གྲུབ།', phone: '13308906677' },
    replyText: 'ལས་མིའི་མཉམ་འབྲེལ་ལྷན་ཚོགས་ཀྱིས་བར་འདུམ་བྱས་རྗེས། ཀུང་སིས་གུན་གསབ་སྤྲོད་རྒྱུ་ཁས་བླངས།',
  },
  {
    language: 'zh-Hans', channel: 'app', kind: 'suggestion', category: 'sanitation',
    title: '建议在八廓街增设公共厕所指示牌',
    description: '八廓街游客和转经群众很多，但公共厕所位置不好找，建议增加藏汉英三语指示牌。',
    address: '拉萨市城关区八廓街', requester: { name: '周敏', phone: '13708909876' },
    replyText: '感谢您的建议。我局已在八廓街沿线增设藏汉英三语公厕指示牌16块。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'help', category: 'health_care',
    title: '异地就医备案不会操作',
    description: '我母亲在成都住院，想办理异地就医备案，手机上操作不来，社区也说不清楚，希望有人指导。',
    requester: { name: '杨华', phone: '15908907777' },
    replyText: '已安排医保经办人员电话指导，帮助您完成了异地就医备案，出院可直接结算。',
  },
  {
    language: 'bo', channel: 'visit', kind: 'help', category: 'heating_water',
    title: 'ཁང་པར་དྲོད་སྤྲོད་མེད་པས་རྒན་པ་འཁྱག་གི་འདུག',
    description: 'ང་ཚོའི་ཁང་ཁྱིམ་ལ་ཉིན་གསུམ་རིང་དྲོད་སྤྲོད་མེད། ཁྱིམ་དུ་ལོ་བརྒྱད་ཅུ་ལྷག་གི་རྒན་པ་ཡོད།',
    address: 'ལྷ་ས་ཁྲིན་ཀོན་ཆུས།', requester: { name: 'ལྷ་སྒྲོན།', phone: '13989005544' },
    replyText: 'དྲོད་སྤྲོད་ཀུང་སིས་ཆུ་དོང་བཟོ་བཅོས་བྱས་ནས་དྲོད་སྤྲོད་སླར་གསོ་བྱས་ཟིན།',
  },
  {
    language: 'zh-Hans', channel: 'petition', kind: 'complaint', category: 'petition_matter',
    title: '征地补偿款未足额发放',
    description: '我村2023年被征收耕地12亩，合同约定的补偿款至今只发放了一半，多次向乡里反映没有结果。',
    address: '拉萨市堆龙德庆区', requester: { name: '次旦', phone: '13908909090' }, amountClaimedFen: 18_000_000,
    replyText: '经调查核实，剩余补偿款已列入本年度预算，将于下月底前发放到位。如对处理意见不服，可在收到本意见之日起30日内申请复查。',
  },
  {
    language: 'zh-Hans', channel: 'web', kind: 'complaint', category: 'wage_arrears',
    title: '装修公司拖欠工人工资',
    description: '我们六个人给一家装修公司干了两个月活，公司以甲方未结款为由拒付工资共计5.6万元。',
    requester: { name: '马强', phone: '18989001111' }, amountClaimedFen: 5_600_000,
    replyText: '经约谈，装修公司已支付全部拖欠工资56000元。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'complaint', category: 'noise',
    title: '工地夜间施工噪音',
    description: '纳金路一处工地每天晚上十点以后还在打桩，严重影响周边居民休息。',
    address: '拉萨市城关区纳金路', requester: { name: '黄丽', phone: '13708902222' },
    replyText: '已责令施工单位停止夜间施工，确需连续作业的须办理夜间施工许可并公示。',
  },
  {
    language: 'bo', channel: 'phone', kind: 'complaint', category: 'consumer',
    title: 'ཉོས་པའི་ཁ་པར་སྐྱོན་ཅན་ཡིན་ཀྱང་བརྗེ་རྒྱུ་མི་འདུག',
    description: 'ཚོང་ཁང་ཞིག་ནས་ཁ་པར་ཉོས་ཏེ་ཉིན་གསུམ་ནང་ཆག་སོང་། ཚོང་ཁང་གིས་བརྗེ་རྒྱུ་དང་ཕྱིར་སྤྲོད་གཉིས་ཀ་བྱེད་མི་འདུག',
    requester: { name: 'རྡོ་རྗེ་རྒྱལ་པོ།', phone: '13618908888' }, amountClaimedFen: 259_900,
    replyText: 'ཚོང་ར་ལྟ་རྟོག་ཅུས་ཀྱིས་བར་འདུམ་བྱས་ཏེ་ཚོང་ཁང་གིས་ཁ་པར་གསར་པ་བརྗེས་ཟིན།',
  },
  {
    language: 'zh-Hans', channel: 'api', kind: 'report', category: 'food_safety',
    title: '流动摊贩售卖无标签散装食品',
    description: '夺底路菜市场门口有多家流动摊贩售卖没有生产日期和标签的散装糕点，很多老人小孩购买。',
    address: '拉萨市城关区夺底路', requester: { name: '罗布', phone: '13398903333' },
    replyText: '执法人员已对相关摊贩进行清理和宣传教育，没收无标签食品，并将该区域纳入日常巡查。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'help', category: 'wage_arrears',
    title: '保安公司克扣工资和加班费',
    description: '我在一家保安公司做保安，公司每月无故扣发500元，加班也没有加班费，要求补发。',
    requester: { name: '扎西顿珠', phone: '13908904444' }, amountClaimedFen: 600_000,
    replyText: '经监察，公司已补发克扣工资和加班费共6000元，并规范了工资发放制度。',
  },
  {
    language: 'bo', channel: 'app', kind: 'suggestion', category: 'road_traffic',
    title: 'རྒན་པ་ཚོའི་ཆེད་དུ་སྤྱི་སྤྱོད་རླངས་འཁོར་གྱི་སྒྲ་སྐད་བོད་ཡིག་ཏུ་བྱེད་རོགས།',
    description: 'སྤྱི་སྤྱོད་རླངས་འཁོར་ནང་གི་འབབ་ས་སྒྲོག་པ་རྒྱ་ཡིག་ཁོ་ན་ཡིན་པས་རྒན་པ་ཚོས་གོ་མི་ཐུབ། བོད་སྐད་ཁ་སྣོན་གནང་རོགས།',
    requester: { name: 'ཡེ་ཤེས་ལྷ་མོ།', phone: '13889009999' },
    replyText: 'འགྲིམ་འགྲུལ་ཅུས་ཀྱིས་རླངས་འཁོར་ལམ་ཐིག་ཚང་མར་བོད་རྒྱ་སྐད་གཉིས་ཀྱི་སྒྲོག་སྒྲ་ཁ་སྣོན་བྱེད་རྒྱུ་ཡིན།',
  },
  {
    language: 'zh-Hans', channel: 'visit', kind: 'complaint', category: 'schooling',
    title: '学校违规收取资料费',
    description: '孩子所在的初中要求每名学生交300元资料费，没有收据，家长们有意见。',
    requester: { name: '孙静', phone: '15308905555' },
    replyText: '经教育局核查，该校已全额退还违规收取的资料费，并对相关责任人进行了通报批评。',
  },
  {
    language: 'zh-Hans', channel: 'phone', kind: 'complaint', category: 'heating_water',
    title: '供暖温度不达标',
    description: '小区供暖室温只有十二三度，远低于规定的18度，已向热力公司反映多次。',
    address: '拉萨市城关区江苏路', requester: { name: '吴刚', phone: '13518906666' },
    replyText: '热力公司已对该小区管网进行排气和调压，复测室温达到19度。',
  },
];

/** The states the demo cases are driven to, in turn, so that every state is on show. */
export const DEMO_TARGETS = [
  'registered', 'dispatched', 'accepted', 'replied', 'callback_done', 'closed', 'returned', 'rejected', 'merged',
  'accepted_supervised', 'accepted_extension', 'dispatched_joint', 'resolved_on_intake', 'closed', 'accepted', 'dispatched',
] as const;
export type DemoTarget = (typeof DEMO_TARGETS)[number];
