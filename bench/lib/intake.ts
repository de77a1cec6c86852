/**
 * Case intake for the benchmarks: realistic bodies for `POST /api/v1/cases` and the seeded directory
 * (categories and units) they refer to.
 */
import { errorCode, isRecord, type HttpClient } from './http-client.js';

export type Directory = { categoryIds: string[]; unitIdsByCode: Map<string, string> };

const itemsOf = (body: unknown): Record<string, unknown>[] =>
  isRecord(body) && Array.isArray(body.items)
    ? body.items.filter((item): item is Record<string, unknown> => isRecord(item))
    : [];

export const loadDirectory = async (client: HttpClient): Promise<Directory> => {
  const [categories, units] = await Promise.all([
    client.request('GET', '/api/v1/categories'),
    client.request('GET', '/api/v1/units'),
  ]);
  if (categories.status !== 200 || units.status !== 200)
    throw new Error(`directory: ${errorCode(categories)} / ${errorCode(units)}`);
  const categoryIds = itemsOf(categories.body).flatMap((c) =>
    typeof c.id === 'string' && c.parentId !== null ? [c.id] : [],
  );
  const unitIdsByCode = new Map(
    itemsOf(units.body).flatMap((u) =>
      typeof u.id === 'string' && typeof u.code === 'string' ? [[u.code, u.id] as const] : [],
    ),
  );
  return { categoryIds, unitIdsByCode };
};

const TITLES = [
  '拖欠工资三个月未发',
  '夜间施工噪音扰民',
  '小区供暖不热',
  '餐馆卫生问题投诉',
  '咨询社保转移接续政策',
  'བཟོ་ལས་གླ་ཕོགས་འཕྲོ་ལུས།',
  'Street light broken on Beijing Road',
];
const DESCRIPTIONS = [
  '来电人反映：在城关区某建筑工地务工，包工头拖欠工资共计一万二千元，多次讨要无果，请求相关部门协调解决。',
  '来电人反映：附近工地每晚十一点后仍在施工，噪音很大，严重影响老人和孩子休息，希望尽快处理。',
  'སྐད་འཕྲིན་གཏོང་མཁན་གྱིས་བཤད་དོན། ཁང་པའི་དྲོད་སྤྲོད་མ་འདང་བས་རྒན་པོ་རྣམས་ལ་དཀའ་ངལ་ཆེ།',
  'Caller reports that the street light outside the school has been broken for two weeks and asks for it to be repaired.',
];

/** A case body whose title carries `ref`, so the bench can find every case it sent, acknowledged or not. */
export const caseBody = (ref: string, directory: Directory, n: number): Record<string, unknown> => ({
  channel: 'phone',
  kind: n % 5 === 0 ? 'enquiry' : 'complaint',
  title: `${TITLES[n % TITLES.length] ?? '诉求'} [${ref}]`,
  description: DESCRIPTIONS[n % DESCRIPTIONS.length] ?? '诉求内容',
  ...(directory.categoryIds.length > 0
    ? { categoryId: directory.categoryIds[n % directory.categoryIds.length] }
    : {}),
  address: '拉萨市城关区北京中路',
  requester: {
    name: `来电人${n % 1000}`,
    phone: `139${String(10_000_000 + (n % 89_999_999)).padStart(8, '0')}`,
    language: 'zh-Hans',
  },
});

/** The ref a bench case carries in its title, e.g. `A-123` from `夜间施工噪音扰民 [A-123]`. */
export const refOfTitle = (title: string): string | null => /\[([A-Za-z]+-\d+)\]$/.exec(title)?.[1] ?? null;
