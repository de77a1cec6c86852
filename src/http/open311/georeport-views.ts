import type { CaseStatus, Language, ReplyOutcome } from '../../core/case/case.types.js';
import type { LocalizedText } from '../../core/directory/directory.types.js';
import { roundCoordinate, scrubText, type KnownPersonalData } from '../../core/open311/scrub.js';
import { extendedStatusOf, isUpdateEventCode, openClosedOf } from '../../core/open311/status-map.js';
import type { AttributeDefinition, ServiceRecord } from '../../core/open311/open311.types.js';
import { formatW3 } from '../../core/open311/w3-datetime.js';
import type { RequestRow, UpdateRow } from '../../db/open311.repository.js';
import { localize } from '../language.js';
import type { SparkValue } from './georeport-xml.js';

/** Decimal places of published coordinates: 3 is about 100 m, a street, not a doorway. */
export const COORDINATE_DECIMALS = 3;
export const SPECIFICATION_URL = 'http://wiki.open311.org/GeoReport_v2';

const MAX_DESCRIPTION = 4000;

const t = (zh: string, en: string): LocalizedText => ({ 'zh-Hans': zh, en });

/** When a service has no notice of its own: what the category's reply limit promises. */
export const defaultNotice = (replyDays: number): LocalizedText =>
  t(`将在 ${replyDays} 日内答复。`, `We aim to reply within ${replyDays} day${replyDays === 1 ? '' : 's'}.`);

export const noticeOf = (notice: LocalizedText | null, replyDays: number, language: Language): string =>
  localize(notice ?? defaultNotice(replyDays), language);

const truncate = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max).join('') : text;
};

export const serviceView = (s: ServiceRecord & { hasAttributes: boolean }, language: Language): SparkValue => ({
  service_code: s.code,
  service_name: localize(s.name, language),
  description: s.description ? localize(s.description, language) : null,
  metadata: s.hasAttributes,
  type: s.type,
  keywords: s.keywords.length ? s.keywords.join(', ') : null,
  group: s.group ? localize(s.group, language) : null,
});

export const serviceDefinitionView = (code: string, attributes: readonly AttributeDefinition[], language: Language): SparkValue => ({
  service_code: code,
  attributes: attributes.map((a) => ({
    variable: a.isVariable,
    code: a.code,
    datatype: a.datatype,
    required: a.isRequired,
    datatype_description: a.datatypeDescription ? localize(a.datatypeDescription, language) : null,
    order: a.order,
    description: localize(a.description, language),
    values: a.values.map((v) => ({ key: v.key, name: localize(v.name, language) })),
  })),
});

const MERGED_NOTE = t('已与反映同一问题的诉求合并处理。', 'Merged with another request about the same problem.');
const REJECTED_NOTE = t('不属于受理范围，未予受理。', 'Not within the remit of this service; not taken up.');

const knownOf = (row: { requester_name: string | null; requester_phone: string | null; requester_email: string | null; requester_id_number: string | null }): KnownPersonalData => ({
  names: [row.requester_name],
  phones: [row.requester_phone],
  emails: [row.requester_email],
  idNumbers: [row.requester_id_number],
});

/** The public part of the answer: the reply text (the master's, for a merged case), scrubbed. */
const statusNotesOf = (row: RequestRow, language: Language, known: KnownPersonalData): string | null => {
  const status = row.status as CaseStatus;
  if (status === 'merged') {
    if (!row.master_reply_text) return localize(MERGED_NOTE, language);
    // The master's reply may name the master's requester as well as this one.
    const master = knownOf({
      requester_name: row.master_requester_name, requester_phone: row.master_requester_phone,
      requester_email: row.master_requester_email, requester_id_number: row.master_requester_id_number,
    });
    return scrubText(scrubText(row.master_reply_text, master), known);
  }
  if (status === 'rejected') return localize(REJECTED_NOTE, language);
  if (openClosedOf(status) === 'closed' && row.reply_text) return scrubText(row.reply_text, known);
  return null;
};

/** "For requests with status=closed, this will be the date the request was closed." */
const updatedOf = (row: RequestRow): Date => {
  const status = row.status as CaseStatus;
  if (status === 'closed' && row.closed_at) return row.closed_at;
  if ((status === 'replied' || status === 'callback_done') && row.replied_at) return row.replied_at;
  return row.updated_at;
};

/**
 * One request, in the standard's field order. Requester fields are read only to take them out of the text:
 * nothing about the person is ever part of the answer, and coordinates are rounded.
 */
export const requestView = (row: RequestRow, language: Language): SparkValue => {
  const known = knownOf(row);
  const status = openClosedOf(row.status as CaseStatus);
  return {
    service_request_id: row.tracking_no,
    status,
    status_notes: statusNotesOf(row, language, known),
    service_name: localize(row.service_name, language),
    service_code: row.service_code,
    description: row.is_description_given === false ? null : truncate(scrubText(row.description, known), MAX_DESCRIPTION),
    agency_responsible: localize(row.lead_name ?? row.intake_name, language),
    service_notice: noticeOf(row.service_notice, row.reply_days, language),
    requested_datetime: formatW3(row.created_at),
    updated_datetime: formatW3(updatedOf(row)),
    expected_datetime: row.reply_due_at ? formatW3(row.reply_due_at) : null,
    address: row.address ? scrubText(row.address, known) : null,
    address_id: row.address_id,
    zipcode: null,
    lat: roundCoordinate(row.lat, COORDINATE_DECIMALS),
    long: roundCoordinate(row.lng, COORDINATE_DECIMALS),
    media_url: row.media_url,
  };
};

const UPDATE_NOTES: Record<string, LocalizedText> = {
  'case.registered': t('已登记。', 'Received and registered.'),
  'case.dispatched': t('已交办承办单位。', 'Sent to the responsible unit.'),
  'case.transferred': t('已转交其他承办单位。', 'Passed on to another responsible unit.'),
  'case.accepted': t('承办单位已签收，正在办理。', 'The responsible unit has taken it up.'),
  'case.returned': t('承办单位退回，正在重新交办。', 'Returned by the unit; being routed again.'),
  'case.reopened': t('已重新办理。', 'Reopened for further handling.'),
  'case.closed': t('已办结。', 'Closed.'),
  'case.rejected': REJECTED_NOTE,
  'case.merged': MERGED_NOTE,
};

/** A FixMyStreet `request_update`, or null for an event that changes nothing the public sees. */
export const updateView = (row: UpdateRow, language: Language): SparkValue | null => {
  if (!isUpdateEventCode(row.code)) return null;
  // An assisting unit's acceptance or return leaves the case where it was.
  if ((row.code === 'case.accepted' || row.code === 'case.returned') && row.from_status === row.to_status) return null;
  const data = row.data as { outcome?: ReplyOutcome; text?: string };
  const isReply = row.code === 'case.replied' || row.code === 'case.resolved_on_intake';
  const outcome = isReply ? (data.outcome ?? null) : (row.reply_outcome as ReplyOutcome | null);
  const text = isReply && typeof data.text === 'string' ? scrubText(data.text, knownOf(row)) : UPDATE_NOTES[row.code] ? localize(UPDATE_NOTES[row.code] as LocalizedText, language) : null;
  return {
    update_id: String(row.event_id),
    service_request_id: row.tracking_no,
    status: extendedStatusOf(row.code, outcome),
    updated_datetime: formatW3(row.at),
    description: text ? truncate(text, MAX_DESCRIPTION) : null,
    media_url: null,
  };
};
