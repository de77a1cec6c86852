import type { Kind } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { AttributeDefinition, ServiceType } from '../core/open311/open311.types.js';
import type { DbOrTrx } from './database.js';
import { replaceAttributeDefinitions, upsertServiceSettings } from './open311.repository.js';

type ServiceSeed = {
  kind: Kind;
  isPublic: boolean;
  isListed?: boolean;
  type?: ServiceType;
  keywords?: string[];
  description?: LocalizedText;
  notice?: LocalizedText;
  attributes?: AttributeDefinition[];
};

const t = (zh: string, en: string): LocalizedText => ({ 'zh-Hans': zh, en });

const attr = (a: Partial<AttributeDefinition> & Pick<AttributeDefinition, 'code' | 'datatype' | 'description' | 'order'>): AttributeDefinition => ({
  isVariable: true,
  isRequired: false,
  datatypeDescription: null,
  values: [],
  mapsTo: null,
  ...a,
});

/**
 * The requester's consent to anonymised publication, asked of partner systems as the web form asks it (the same
 * words: web/src/i18n/modules/consent.ts). Every listed service ends with it: whether a case reaches the open-data
 * portal is decided by the publication rules, not by the service being in the public Open311 feed.
 */
const publicationConsentAttribute = (order: number): AttributeDefinition =>
  attr({
    code: 'publication_consent', datatype: 'singlevaluelist', order, mapsTo: 'publication_consent',
    description: {
      'zh-Hans': '是否同意在数据公开页面上匿名公开本诉求及答复？',
      bo: 'ཁྱེད་ཀྱི་རེ་ཞུ་དང་དེའི་ལན་མིང་མེད་ཐོག་གཞི་གྲངས་སྤྱི་ཁྱབ་ཀྱི་ངོས་སུ་སྤྱི་ཁྱབ་བྱེད་པར་མོས་མཐུན་ཡོད་དམ།',
      en: 'May we publish your request and its answer, anonymised, on the open-data page?',
    },
    values: [
      { key: 'granted', name: { 'zh-Hans': '同意匿名公开', bo: 'མིང་མེད་ཐོག་སྤྱི་ཁྱབ་བྱེད་པར་མོས་མཐུན་ཡོད།', en: 'Yes, publish it anonymised' } },
      { key: 'refused', name: { 'zh-Hans': '不同意公开', bo: 'སྤྱི་ཁྱབ་བྱེད་པར་མོས་མཐུན་མེད།', en: 'No, do not publish it' } },
    ],
  });

/**
 * The requester's wish that the units handling the request not learn who they are (the web form's question, in
 * its words: web/src/i18n/modules/identity.ts). Not on services of kind `report`: those are protected anyway.
 */
const identityProtectionAttribute = (order: number): AttributeDefinition =>
  attr({
    code: 'identity_protection', datatype: 'singlevaluelist', order, mapsTo: 'identity_protection',
    description: {
      'zh-Hans': '是否不让办理的单位知道您是谁？',
      bo: 'འགན་ལེན་ལས་ཁུངས་ལ་ཁྱེད་སུ་ཡིན་མི་ཤེས་པ་བྱེད་དགོས་སམ།',
      en: 'Should the office that handles this not be told who you are?',
    },
    values: [
      { key: 'requested', name: { 'zh-Hans': '不让办理的单位知道我是谁', bo: 'འགན་ལེན་ལས་ཁུངས་ལ་ང་སུ་ཡིན་མི་ཤེས་པ་བྱེད།', en: 'Do not tell the office who I am' } },
      { key: 'not_requested', name: { 'zh-Hans': '不需要', bo: 'མི་དགོས།', en: 'No need' } },
    ],
  });

/**
 * Open311 settings of the demo categories. Matters between a person and an employer, a hospital or a school
 * stay out of the public feed; street-level problems (noise, sanitation, roads) are published, as on
 * FixMyStreet. Petitions follow their own legal procedure and are not offered to partner systems at all.
 */
export const DEMO_OPEN311_SERVICES: Record<string, ServiceSeed> = {
  wage_arrears: {
    kind: 'complaint',
    isPublic: false,
    keywords: ['欠薪', '工资', 'wages', 'unpaid'],
    description: t('用人单位拖欠或克扣劳动者工资。', 'An employer has not paid, or has withheld, wages.'),
    notice: t('人社部门将在 7 日内答复，请保留劳动合同、考勤和工资条等证据。', 'The labour inspectorate replies within 7 days. Keep your contract, attendance records and pay slips.'),
    attributes: [
      attr({ code: 'employer_name', datatype: 'string', isRequired: true, order: 1, description: t('用人单位（雇主）名称', 'Name of the employer') }),
      attr({
        code: 'amount_owed', datatype: 'number', order: 2, mapsTo: 'amount_claimed_yuan',
        description: t('拖欠金额', 'Amount owed'), datatypeDescription: t('数字，单位为元', 'A number, in yuan (CNY)'),
      }),
      attr({ code: 'worker_count', datatype: 'number', order: 3, description: t('被拖欠工资的人数', 'How many workers are owed wages') }),
      attr({
        code: 'sector', datatype: 'singlevaluelist', order: 4, description: t('所在行业', 'Sector'),
        values: [
          { key: 'construction', name: t('建筑工程', 'Construction') },
          { key: 'manufacturing', name: t('加工制造', 'Manufacturing') },
          { key: 'catering', name: t('餐饮服务', 'Catering and services') },
          { key: 'other', name: t('其他', 'Other') },
        ],
      }),
      attr({
        code: 'evidence', datatype: 'multivaluelist', order: 5, description: t('现有证据', 'Evidence you have'),
        values: [
          { key: 'contract', name: t('劳动合同', 'Employment contract') },
          { key: 'pay_slips', name: t('工资条', 'Pay slips') },
          { key: 'attendance', name: t('考勤记录', 'Attendance records') },
          { key: 'messages', name: t('聊天记录', 'Messages with the employer') },
        ],
      }),
      attr({ code: 'last_paid', datatype: 'datetime', order: 6, description: t('最后一次发放工资的日期', 'When wages were last paid') }),
      attr({ code: 'work_details', datatype: 'text', order: 7, description: t('工作期间和工作内容', 'Period and kind of work') }),
      attr({
        code: 'evidence_notice', datatype: 'string', order: 8, isVariable: false,
        description: t('请保留劳动合同、考勤记录和工资条，处理时可能需要。', 'Keep your contract, attendance records and pay slips: they may be needed.'),
      }),
    ],
  },
  labour_dispute: { kind: 'complaint', isPublic: false },
  noise: {
    kind: 'complaint',
    isPublic: true,
    keywords: ['噪音', '施工', 'noise', 'construction'],
    description: t('施工、经营或生活噪音扰民。', 'Noise from construction, businesses or neighbours.'),
    notice: t('城管部门将在 12 小时内受理。', 'City management takes this up within 12 hours.'),
    attributes: [
      attr({
        code: 'noise_source', datatype: 'singlevaluelist', isRequired: true, order: 1, description: t('噪音来源', 'Source of the noise'),
        values: [
          { key: 'construction', name: t('建筑施工', 'Construction site') },
          { key: 'business', name: t('商铺经营', 'Shop or business') },
          { key: 'neighbour', name: t('邻里生活', 'Neighbours') },
          { key: 'traffic', name: t('交通', 'Traffic') },
          { key: 'other', name: t('其他', 'Other') },
        ],
      }),
      attr({ code: 'noise_time', datatype: 'datetime', order: 2, description: t('噪音发生时间', 'When the noise happens') }),
    ],
  },
  sanitation: { kind: 'report', isPublic: true, keywords: ['垃圾', '卫生', 'rubbish', 'litter'] },
  road_traffic: { kind: 'report', isPublic: true, keywords: ['道路', '坑洼', 'road', 'pothole'] },
  heating_water: { kind: 'help', isPublic: true, keywords: ['供暖', '停水', 'heating', 'water'] },
  food_safety: { kind: 'report', isPublic: true, keywords: ['食品', 'food'] },
  consumer: { kind: 'complaint', isPublic: true, keywords: ['消费', 'consumer'] },
  policy_enquiry: { kind: 'enquiry', isPublic: false },
  health_care: { kind: 'help', isPublic: false },
  schooling: { kind: 'enquiry', isPublic: false },
  petition_matter: { kind: 'complaint', isPublic: false, isListed: false },
};

/**
 * Writes the settings above for the categories that exist; idempotent (run it again and nothing changes
 * but the timestamps). Called by the demo seed; tests call it on their own database.
 */
export const seedOpen311Demo = async (db: DbOrTrx, at: Date = new Date()): Promise<number> => {
  const categories = await db.selectFrom('categories').select(['id', 'code']).where('code', 'in', Object.keys(DEMO_OPEN311_SERVICES)).execute();
  for (const category of categories) {
    const seed = DEMO_OPEN311_SERVICES[category.code];
    if (!seed) continue;
    await upsertServiceSettings(
      db,
      category.id,
      {
        description: seed.description ?? null,
        keywords: seed.keywords ?? [],
        type: seed.type ?? 'realtime',
        caseKind: seed.kind,
        serviceNotice: seed.notice ?? null,
        isListed: seed.isListed ?? true,
        isPublic: seed.isPublic,
      },
      at,
    );
    const own = seed.attributes ?? [];
    const last = Math.max(0, ...own.map((a) => a.order));
    const isListed = seed.isListed ?? true;
    const consent = isListed ? [publicationConsentAttribute(last + 1)] : [];
    const protection = isListed && seed.kind !== 'report' ? [identityProtectionAttribute(last + 2)] : [];
    await replaceAttributeDefinitions(db, category.id, [...own, ...consent, ...protection], at);
  }
  return categories.length;
};
