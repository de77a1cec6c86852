// Turns a case event (code + data) into a line in the reader's language.
// The contract fixes the event codes but not the fields of `data`, so the unit, outcome etc. are
// looked up under the names a server is likely to use, and the line falls back to the plain
// event name when they are missing.
import { isSlaTarget, type Lang } from '../api/types';
import { translate, translateMaybe, type MessageKey, type Vars } from '../i18n';
import { formatDate, formatDateTime, formatFen } from './format';
import { automaticSupervisionTarget } from './sla';

export interface EventDetail {
  label: string;
  text: string;
}

export interface EventLine {
  title: string;
  details: EventDetail[];
}

export interface EventContext {
  lang: Lang;
  /** Name of a unit by id, in the reader's language (from GET /units). */
  unitName: (id: string) => string | undefined;
}

type Data = Record<string, unknown>;

function isRecord(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(data: Data, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = data[k];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** A name that is either a string or, as in the server's unit stamps, `{ 'zh-Hans', bo?, en? }`. */
function localName(v: unknown, lang: Lang): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (isRecord(v)) return str(v, lang) ?? str(v, 'zh-Hans') ?? str(v, 'en', 'bo');
  return undefined;
}

function refName(data: Data, lang: Lang, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = data[k];
    if (isRecord(v)) {
      const name = localName(v['name'], lang) ?? str(v, 'trackingNo', 'code');
      if (name) return name;
    }
  }
  return undefined;
}

function unitOf(data: Data, ctx: EventContext, prefix: '' | 'to' | 'from'): string | undefined {
  const key = (base: string) =>
    prefix === '' ? base : `${prefix}${base[0]?.toUpperCase() ?? ''}${base.slice(1)}`;
  const byRef = refName(data, ctx.lang, key('unit'));
  if (byRef) return byRef;
  const byName = str(data, key('unitName'));
  if (byName) return byName;
  const id = str(data, key('unitId'));
  if (id) return ctx.unitName(id) ?? id;
  return undefined;
}

function unitList(data: Data, ctx: EventContext): string[] {
  const out: string[] = [];
  const refs = data['assistingUnits'];
  if (Array.isArray(refs)) {
    for (const r of refs) {
      if (isRecord(r)) {
        const n = localName(r['name'], ctx.lang) ?? str(r, 'code');
        if (n) out.push(n);
      } else if (typeof r === 'string') {
        out.push(ctx.unitName(r) ?? r);
      }
    }
  }
  const ids = data['assistingUnitIds'];
  if (out.length === 0 && Array.isArray(ids)) {
    for (const id of ids) if (typeof id === 'string') out.push(ctx.unitName(id) ?? id);
  }
  return out;
}

function label(lang: Lang, prefix: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return translateMaybe(lang, `${prefix}.${value}`) ?? value;
}

/** All vars present → the detailed message; otherwise undefined. */
function detail(
  lang: Lang,
  key: MessageKey,
  vars: Record<string, string | number | undefined>,
): string | undefined {
  const clean: Vars = {};
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) return undefined;
    clean[k] = v;
  }
  return translate(lang, key, clean);
}

/** The generic name of an event code, as shown on the public timeline too. */
export function eventName(lang: Lang, code: string): string {
  return translateMaybe(lang, `event.${code}`) ?? translate(lang, 'event.unknown', { code });
}

const TEXT_FIELDS: readonly { key: string; label: MessageKey }[] = [
  { key: 'reason', label: 'timeline.field.reason' },
  { key: 'text', label: 'timeline.field.text' },
  { key: 'note', label: 'timeline.field.note' },
  { key: 'advice', label: 'timeline.field.advice' },
  { key: 'comment', label: 'timeline.field.comment' },
];

export type EventTone = 'warning' | 'overdue' | 'supervision' | 'done';

/** How an entry should stand out on the timeline (its text says the same: colour is never alone). */
export function eventTone(code: string): EventTone | undefined {
  switch (code) {
    case 'case.sla_warning':
      return 'warning';
    case 'case.overdue':
      return 'overdue';
    case 'case.supervised':
    case 'case.urged':
    case 'case.supervision_responded':
      return 'supervision';
    case 'case.supervision_concluded':
      return 'done';
    case 'case.reopen_requested':
      return 'warning';
    default:
      return undefined;
  }
}

export function describeEvent(ev: { code: string; data: Data }, ctx: EventContext): EventLine {
  const { lang } = ctx;
  const data = isRecord(ev.data) ? ev.data : {};
  let title: string | undefined;

  switch (ev.code) {
    case 'case.registered':
      title = detail(lang, 'eventDetail.case.registered', {
        channel: label(lang, 'channel', str(data, 'channel')),
      });
      break;
    case 'case.dispatched':
      title = detail(lang, 'eventDetail.case.dispatched', {
        unit: unitOf(data, ctx, '') ?? unitOf(data, ctx, 'to'),
      });
      break;
    case 'case.accepted':
      title = detail(lang, 'eventDetail.case.accepted', { unit: unitOf(data, ctx, '') });
      break;
    case 'case.returned':
      title = detail(lang, 'eventDetail.case.returned', {
        unit: unitOf(data, ctx, '') ?? unitOf(data, ctx, 'from'),
      });
      break;
    case 'case.transferred': {
      const to = unitOf(data, ctx, 'to') ?? unitOf(data, ctx, '');
      const from = unitOf(data, ctx, 'from');
      title =
        detail(lang, 'eventDetail.case.transferredFrom', { from, unit: to }) ??
        detail(lang, 'eventDetail.case.transferred', { unit: to });
      break;
    }
    case 'case.contributed':
      title = detail(lang, 'eventDetail.case.contributed', { unit: unitOf(data, ctx, '') });
      break;
    case 'case.replied':
      title = detail(lang, 'eventDetail.case.replied', {
        outcome: label(lang, 'outcome', str(data, 'outcome')),
      });
      break;
    case 'case.reopened':
      title = detail(lang, 'eventDetail.case.reopened', { unit: unitOf(data, ctx, '') });
      break;
    case 'case.callback_recorded':
      title = detail(lang, 'eventDetail.case.callback_recorded', {
        resolved: label(lang, 'resolved', str(data, 'resolved')),
        satisfaction: label(lang, 'satisfaction', str(data, 'satisfaction')),
      });
      break;
    case 'case.rated':
      title = detail(lang, 'eventDetail.case.rated', {
        resolved: label(lang, 'resolved', str(data, 'resolved')),
        satisfaction: label(lang, 'satisfaction', str(data, 'satisfaction')),
      });
      break;
    case 'case.extension_requested':
      title = detail(lang, 'eventDetail.case.extension_requested', { days: str(data, 'days') });
      break;
    case 'case.extension_decided': {
      const approved = data['isApproved'] ?? data['approved'];
      if (approved === true) {
        title =
          detail(lang, 'eventDetail.case.extension_approvedDays', { days: str(data, 'days') }) ??
          translate(lang, 'eventDetail.case.extension_approved');
      } else if (approved === false) {
        title = translate(lang, 'eventDetail.case.extension_denied');
      }
      break;
    }
    case 'case.supervised': {
      const due = str(data, 'dueBy');
      const dueBy = due ? formatDate(due) : undefined;
      if (data['isAutomatic'] === true && str(data, 'reason') === 'reopen_limit_reached') {
        title = detail(lang, 'workflow.event.supervisedReopenLimit', { dueBy });
      } else if (data['isAutomatic'] === true) {
        const target = automaticSupervisionTarget(str(data, 'reason'));
        const targetLabel = target ? translate(lang, `sla.target.${target}`) : undefined;
        title =
          detail(lang, 'eventDetail.case.supervisedAuto', { target: targetLabel, dueBy }) ??
          detail(lang, 'eventDetail.case.supervisedAutoDue', { dueBy }) ??
          translate(lang, 'eventDetail.case.supervisedAutoPlain');
      } else {
        title = detail(lang, 'eventDetail.case.supervised', { dueBy });
      }
      break;
    }
    case 'case.sla_warning':
    case 'case.overdue': {
      const target = str(data, 'target');
      const targetLabel = isSlaTarget(target) ? translate(lang, `sla.target.${target}`) : undefined;
      const due = str(data, 'dueAt');
      const dueAt = due ? formatDateTime(due) : undefined;
      title =
        ev.code === 'case.overdue'
          ? (detail(lang, 'eventDetail.case.overdue', { target: targetLabel, dueAt }) ??
            detail(lang, 'eventDetail.case.overdueTarget', { target: targetLabel }))
          : (detail(lang, 'eventDetail.case.sla_warning', { target: targetLabel, dueAt }) ??
            detail(lang, 'eventDetail.case.sla_warningTarget', { target: targetLabel }));
      break;
    }
    case 'case.urged': {
      const message = str(data, 'message');
      title =
        detail(lang, 'eventDetail.case.urged', { count: str(data, 'count'), message }) ??
        detail(lang, 'eventDetail.case.urgedMessage', { message });
      break;
    }
    case 'case.supervision_responded':
      title = detail(lang, 'eventDetail.case.supervision_responded', { unit: unitOf(data, ctx, '') });
      break;
    case 'case.supervision_concluded':
      title = detail(lang, 'eventDetail.case.supervision_concluded', {
        outcome: label(lang, 'supervisionOutcome', str(data, 'outcome')),
      });
      break;
    case 'case.reopen_requested': {
      const max = str(data, 'maxRounds');
      title =
        data['isEscalated'] === true
          ? detail(lang, 'workflow.event.reopenEscalated', { max })
          : detail(lang, 'workflow.event.reopenRequested', {
              source: label(lang, 'workflow.reopenSource', str(data, 'source')),
            });
      break;
    }
    case 'case.reopen_decided':
      if (data['isApproved'] === true) title = translate(lang, 'workflow.event.reopenApproved');
      else if (data['isApproved'] === false) title = translate(lang, 'workflow.event.reopenDeclined');
      break;
    case 'case.publication_consent_recorded': {
      const consent = str(data, 'consent');
      if (consent === 'granted' || consent === 'refused') title = translate(lang, `consent.event.${consent}`);
      break;
    }
    case 'case.put_on_hold':
      if (data['isClockPaused'] === true) title = translate(lang, 'workflow.event.heldPaused');
      else if (data['isClockPaused'] === false) title = translate(lang, 'workflow.event.heldRunning');
      break;
    case 'case.resumed': {
      const due = str(data, 'replyDueAt');
      const dueAt = due ? formatDateTime(due) : undefined;
      title =
        (str(data, 'source') === 'requester'
          ? detail(lang, 'workflow.event.resumedByRequester', { dueAt })
          : str(data, 'source') === 'system'
            ? detail(lang, 'workflow.event.resumedBySystem', { dueAt })
            : detail(lang, 'workflow.event.resumedByStaff', { dueAt })) ??
        translate(lang, 'workflow.event.resumedPlain');
      break;
    }
    case 'case.merged':
      title = detail(lang, 'eventDetail.case.merged', {
        master: str(data, 'masterTrackingNo') ?? refName(data, lang, 'master') ?? str(data, 'masterId'),
      });
      break;
    case 'case.merged_into':
      title = detail(lang, 'eventDetail.case.merged_into', {
        duplicate:
          str(data, 'duplicateTrackingNo', 'mergedTrackingNo') ??
          refName(data, lang, 'duplicate', 'merged') ??
          str(data, 'trackingNo', 'duplicateId', 'mergedId', 'caseId'),
      });
      break;
    default:
      break;
  }

  const details: EventDetail[] = [];
  if (ev.code === 'case.dispatched') {
    const assisting = unitList(data, ctx);
    if (assisting.length > 0) {
      details.push({
        label: translate(lang, 'assignmentRole.assisting'),
        text: assisting.join(lang === 'en' ? ', ' : lang === 'bo' ? ' ། ' : '、'),
      });
    }
  }
  // An automatic supervision's `reason` is a code (overdue_accept), already said in the title.
  const codeFields = ev.code === 'case.supervised' && data['isAutomatic'] === true ? ['reason'] : [];
  // A decision repeats the request's words under `reason`; its own `note` is what was decided.
  if (ev.code === 'case.reopen_decided') codeFields.push('reason');
  for (const f of TEXT_FIELDS) {
    if (codeFields.includes(f.key)) continue;
    const v = data[f.key];
    if (typeof v === 'string' && v.trim() !== '') details.push({ label: translate(lang, f.label), text: v });
  }
  const recovered = data['amountRecoveredFen'];
  if (typeof recovered === 'number' && Number.isFinite(recovered)) {
    details.push({
      label: translate(lang, 'case.amountRecovered'),
      text: translate(lang, 'common.cny', { amount: formatFen(recovered) }),
    });
  }

  return { title: title ?? eventName(lang, ev.code), details };
}
