import { hasPermission, type Actor } from '../auth/actor.js';
import type { CaseStatus, Channel, Kind, Language } from '../case/case.types.js';
import { isAtIntakeOf } from '../case/identity-protection.js';
import { maskName, maskPhone } from '../case/mask.js';
import { REPORT_LABELS } from '../stats/report-labels.js';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One case of the list as the list API shows it (names already in the reader's language), plus its requester. */
export type ExportCase = {
  trackingNo: string;
  status: CaseStatus;
  kind: Kind;
  channel: Channel;
  title: string;
  category: string | null;
  leadUnit: string | null;
  isSupervised: boolean;
  isOverdue: boolean;
  acceptDueAt: Date | null;
  replyDueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** `withheld`: the requester is protected from the exporting unit (identity-protection.ts). */
  requester: { name: string | null; phone: string | null } | 'withheld' | null;
};

export type ExportCell = string | Date | null;

const COLUMN_KEYS = [
  'trackingNo', 'status', 'kind', 'channel', 'title', 'category', 'leadUnit', 'supervised', 'overdue', 'acceptDueAt', 'replyDueAt',
  'createdAt', 'updatedAt', 'requesterName', 'requesterPhone',
] as const;
export type ExportColumn = (typeof COLUMN_KEYS)[number];
export const EXPORT_COLUMNS: readonly ExportColumn[] = COLUMN_KEYS;

type ExportLabels = {
  headers: Record<ExportColumn, string>;
  yes: string;
  no: string;
  kinds: Record<Kind, string>;
  channels: Record<Channel, string>;
  /** Said in the requester's cells of a protected case, so that an empty cell is not read as "no requester". */
  withheld: string;
  sheet: string;
};

// Terms of the web app's case list (queue.col.*, kind.*, channel.*), so the file reads like the screen.
export const EXPORT_LABELS: Record<Language, ExportLabels> = {
  'zh-Hans': {
    headers: {
      trackingNo: '受理编号', status: '状态', kind: '类型', channel: '渠道', title: '标题', category: '分类', leadUnit: '承办单位',
      supervised: '督办', overdue: '超期', acceptDueAt: '签收期限', replyDueAt: '答复期限', createdAt: '登记时间', updatedAt: '更新时间',
      requesterName: '诉求人', requesterPhone: '联系电话',
    },
    yes: '是',
    no: '否',
    kinds: { enquiry: '咨询', help: '求助', complaint: '投诉', report: '举报', suggestion: '建议' },
    channels: { phone: '来电', visit: '来访', letter: '来信', web: '网上', app: 'App', miniprogram: '小程序', api: '接口', import: '导入', petition: '信访' },
    withheld: '保密',
    sheet: '诉求列表',
  },
  bo: {
    headers: {
      trackingNo: 'ཐོ་འགོད་ཨང་གྲངས།', status: 'གནས་སྟངས།', kind: 'རིགས།', channel: 'ལམ་ཕྱོགས།', title: 'ཁ་བྱང་།', category: 'རིགས་དབྱེ།',
      leadUnit: 'གཙོ་འགན་ལས་ཁུངས།', supervised: 'ལྟ་སྐུལ།', overdue: 'དུས་ཚོད་ལས་བརྒལ།', acceptDueAt: 'ཁས་ལེན་དུས་བཀག',
      replyDueAt: 'ལན་འདེབས་དུས་བཀག', createdAt: 'ཐོ་འགོད་དུས་ཚོད།', updatedAt: 'གསར་སྒྱུར་དུས་ཚོད།', requesterName: 'རེ་ཞུ་བ།',
      requesterPhone: 'འབྲེལ་གཏུག་ཁ་པར།',
    },
    yes: 'ཡིན།',
    no: 'མིན།',
    kinds: { enquiry: 'བློ་འདྲི།', help: 'རོགས་རམ་རེ་ཞུ།', complaint: 'ཞུ་གཏུག', report: 'གསལ་སྙན།', suggestion: 'གྲོས་འགོ།' },
    channels: {
      phone: 'ཁ་པར།', visit: 'ཐད་ཀར་མཇལ་བ།', letter: 'འཕྲིན་ཡིག', web: 'དྲ་ཐོག', app: 'App', miniprogram: 'བྱ་རིམ་ཆུང་ངུ་།',
      api: 'མཐུད་སྣེ། (API)', import: 'ནང་འདྲེན།', petition: 'ཡིག་འཕྲིན་མཇལ་འཕྲད།',
    },
    withheld: 'གསང་རྒྱ།',
    sheet: 'རེ་ཞུའི་ཐོ།',
  },
  en: {
    headers: {
      trackingNo: 'Tracking no.', status: 'Status', kind: 'Kind', channel: 'Channel', title: 'Title', category: 'Category', leadUnit: 'Lead unit',
      supervised: 'Supervised', overdue: 'Overdue', acceptDueAt: 'Accept due', replyDueAt: 'Reply due', createdAt: 'Registered',
      updatedAt: 'Updated', requesterName: 'Requester', requesterPhone: 'Phone',
    },
    yes: 'yes',
    no: 'no',
    kinds: { enquiry: 'Enquiry', help: 'Request for help', complaint: 'Complaint', report: 'Report of wrongdoing', suggestion: 'Suggestion' },
    channels: { phone: 'Phone', visit: 'Visit', letter: 'Letter', web: 'Web', app: 'App', miniprogram: 'Mini program', api: 'API', import: 'Import', petition: 'Petition' },
    withheld: 'withheld',
    sheet: 'Cases',
  },
};

export const exportHeaders = (language: Language): string[] => EXPORT_COLUMNS.map((c) => EXPORT_LABELS[language].headers[c]);

/**
 * A spreadsheet evaluates a cell that starts with = + - @ (or a tab or carriage return, which some
 * programs strip first) as a formula: "=HYPERLINK(...)" typed by a citizen must stay text. A leading
 * apostrophe is the convention spreadsheets read as "this is text" (OWASP, CSV injection).
 */
export const escapeFormula = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** A case's requester as the export reads it, with what identity protection needs (identity-protection.ts). */
export type ExportRequesterSource = { requester: { name: string | null; phone: string | null } | null; isIdentityProtected: boolean; intakeUnitPath: string };

/**
 * A protected requester is withheld from readers outside the intake line whatever their permissions, and said
 * to be withheld even when no requester was recorded, so the file does not tell an anonymous report apart.
 */
export const exportRequesterOf = (source: ExportRequesterSource | undefined, actor: Actor): ExportCase['requester'] =>
  !source ? null : source.isIdentityProtected && !isAtIntakeOf(actor, source) ? 'withheld' : source.requester;

/**
 * Full names and phone numbers in a file only for holders of case.export_personal_data, who ask for them on a route
 * of their own (with a recent sign-in); every other export carries the masks of the lists, as SECURITY.md promises.
 */
export const canExportPersonalData = (actor: Actor): boolean => hasPermission(actor, 'case.export_personal_data');

/** The cells of one case in column order: text escaped, personal data masked unless allowed, dates as instants. */
export const exportCells = (c: ExportCase, language: Language, showPersonalData: boolean): ExportCell[] => {
  const L = EXPORT_LABELS[language];
  const statuses: Partial<Record<string, string>> = REPORT_LABELS[language].statuses;
  const text = (value: string | null): string | null => (value === null ? null : escapeFormula(value));
  const requester = c.requester === 'withheld' ? null : c.requester;
  const name = requester?.name ?? null;
  const phone = requester?.phone ?? null;
  const isWithheld = c.requester === 'withheld';
  return [
    c.trackingNo,
    statuses[c.status] ?? c.status,
    L.kinds[c.kind] ?? c.kind,
    L.channels[c.channel] ?? c.channel,
    text(c.title),
    text(c.category),
    text(c.leadUnit),
    c.isSupervised ? L.yes : L.no,
    c.isOverdue ? L.yes : L.no,
    c.acceptDueAt,
    c.replyDueAt,
    c.createdAt,
    c.updatedAt,
    isWithheld ? L.withheld : text(name === null ? null : showPersonalData ? name : maskName(name)),
    isWithheld ? L.withheld : text(phone === null ? null : showPersonalData ? phone : maskPhone(phone)),
  ];
};

/** China wall-clock time (UTC+8, no daylight saving): what every reader of the file expects. */
export const chinaDateTime = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

const csvField = (cell: ExportCell): string => {
  if (cell === null) return '';
  const value = cell instanceof Date ? chinaDateTime(cell) : cell;
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
};

/** One CSV line (RFC 4180, CRLF). */
export const csvLine = (cells: readonly ExportCell[]): string => `${cells.map(csvField).join(',')}\r\n`;

/** Excel opens a CSV as UTF-8 only when it starts with a byte order mark; without it Chinese and Tibetan turn to mojibake. */
export const UTF8_BOM = '\uFEFF';
