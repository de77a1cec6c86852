// The form of each case action (docs/API.md, "Actions"): its fields, and how the typed values
// become the request body.
import type { ActionRequest } from '../api/client';
import {
  OUTCOMES,
  RESOLVED_VALUES,
  SATISFACTIONS,
  SUPERVISION_OUTCOMES,
  type ActionName,
  type Outcome,
  type Resolved,
  type Satisfaction,
  type SupervisionOutcome,
} from '../api/types';
import { MAX_INTERNAL_SUMMARY, type ReplyBody, type ResolveOnIntakeBody } from '../api/reply';
import type { MessageKey } from '../i18n';
import { cnyToFen, endOfDayIso } from './format';

export type FieldKind =
  'unit' | 'units' | 'text' | 'textarea' | 'days' | 'money' | 'date' | 'checkbox' | 'radio' | 'select';

export interface FieldSpec {
  /** The body field, also the key of the server's validation issues. */
  name: string;
  kind: FieldKind;
  label: MessageKey;
  /** A sentence under the label; `{max}` in it is replaced by maxLength. */
  hint?: MessageKey;
  maxLength?: number;
  required?: boolean;
  options?: readonly { value: string; label: MessageKey }[];
}

export interface ActionForm {
  fields: readonly FieldSpec[];
  /** A sentence shown above the fields (confirmation or explanation). */
  intro?: MessageKey;
}

/** The longest extension the server accepts. */
export const MAX_EXTENSION_DAYS = 90;

export type FieldValue = string | boolean | string[];
export type FormValues = Record<string, FieldValue>;

const outcomeOptions = OUTCOMES.map((o) => ({ value: o, label: `outcome.${o}` as const }));
const resolvedOptions = RESOLVED_VALUES.map((v) => ({ value: v, label: `resolved.${v}` as const }));
const satisfactionOptions = SATISFACTIONS.map((v) => ({ value: v, label: `satisfaction.${v}` as const }));
/** Staff only (issue 7): kept apart from the reply text, which the requester receives. */
const internalSummaryField: FieldSpec = {
  name: 'internalSummary',
  kind: 'textarea',
  label: 'reply.internalSummary',
  hint: 'reply.internalSummaryHint',
  maxLength: MAX_INTERNAL_SUMMARY,
};
const supervisionOutcomeOptions = SUPERVISION_OUTCOMES.map((v) => ({
  value: v,
  label: `supervisionOutcome.${v}` as const,
}));

export const ACTION_FORMS: Record<ActionName, ActionForm> = {
  dispatch: {
    fields: [
      { name: 'unitId', kind: 'unit', label: 'actionField.dispatch.unitId', required: true },
      { name: 'assistingUnitIds', kind: 'units', label: 'actionField.dispatch.assistingUnitIds' },
      { name: 'note', kind: 'textarea', label: 'actionField.dispatch.note' },
    ],
  },
  accept: { fields: [{ name: 'note', kind: 'textarea', label: 'actionField.accept.note' }] },
  return: {
    fields: [{ name: 'reason', kind: 'textarea', label: 'actionField.return.reason', required: true }],
  },
  transfer: {
    fields: [
      { name: 'unitId', kind: 'unit', label: 'actionField.transfer.unitId', required: true },
      { name: 'reason', kind: 'textarea', label: 'actionField.transfer.reason', required: true },
    ],
  },
  note: {
    fields: [
      { name: 'text', kind: 'textarea', label: 'actionField.note.text', required: true },
      { name: 'isInternal', kind: 'checkbox', label: 'actionField.note.isInternal' },
    ],
  },
  contribute: {
    fields: [{ name: 'text', kind: 'textarea', label: 'actionField.contribute.text', required: true }],
  },
  reply: {
    fields: [
      {
        name: 'outcome',
        kind: 'select',
        label: 'actionField.reply.outcome',
        required: true,
        options: outcomeOptions,
      },
      { name: 'text', kind: 'textarea', label: 'actionField.reply.text', required: true },
      { name: 'amountRecoveredFen', kind: 'money', label: 'actionField.reply.amountRecoveredFen' },
      internalSummaryField,
    ],
  },
  callback: {
    fields: [
      {
        name: 'resolved',
        kind: 'radio',
        label: 'actionField.callback.resolved',
        required: true,
        options: resolvedOptions,
      },
      {
        name: 'satisfaction',
        kind: 'radio',
        label: 'actionField.callback.satisfaction',
        required: true,
        options: satisfactionOptions,
      },
      { name: 'comment', kind: 'textarea', label: 'actionField.callback.comment' },
    ],
  },
  reopen: {
    fields: [{ name: 'reason', kind: 'textarea', label: 'actionField.reopen.reason', required: true }],
  },
  close: { fields: [], intro: 'actionField.close.confirm' },
  reject: {
    fields: [
      { name: 'reason', kind: 'textarea', label: 'actionField.reject.reason', required: true },
      { name: 'advice', kind: 'textarea', label: 'actionField.reject.advice' },
    ],
  },
  'resolve-on-intake': {
    fields: [
      {
        name: 'outcome',
        kind: 'select',
        label: 'actionField.resolve-on-intake.outcome',
        options: outcomeOptions,
      },
      { name: 'text', kind: 'textarea', label: 'actionField.resolve-on-intake.text', required: true },
      internalSummaryField,
    ],
  },
  'request-extension': {
    fields: [
      { name: 'days', kind: 'days', label: 'actionField.request-extension.days', required: true },
      { name: 'reason', kind: 'textarea', label: 'actionField.request-extension.reason', required: true },
    ],
  },
  'decide-extension': {
    fields: [
      {
        name: 'isApproved',
        kind: 'radio',
        label: 'actionField.decide-extension.isApproved',
        required: true,
        options: [
          { value: 'true', label: 'actionField.decide-extension.approve' },
          { value: 'false', label: 'actionField.decide-extension.deny' },
        ],
      },
      { name: 'note', kind: 'textarea', label: 'actionField.decide-extension.note' },
    ],
  },
  supervise: {
    fields: [
      { name: 'dueBy', kind: 'date', label: 'actionField.supervise.dueBy', required: true },
      { name: 'note', kind: 'textarea', label: 'actionField.supervise.note', required: true },
    ],
  },
  merge: {
    fields: [{ name: 'masterId', kind: 'text', label: 'actionField.merge.masterId', required: true }],
    intro: 'actionField.merge.hint',
  },
  urge: {
    fields: [{ name: 'message', kind: 'textarea', label: 'actionField.urge.message', required: true }],
    intro: 'actionField.urge.hint',
  },
  'respond-supervision': {
    fields: [
      { name: 'text', kind: 'textarea', label: 'actionField.respond-supervision.text', required: true },
    ],
    intro: 'actionField.respond-supervision.hint',
  },
  'conclude-supervision': {
    fields: [
      {
        name: 'outcome',
        kind: 'radio',
        label: 'actionField.conclude-supervision.outcome',
        required: true,
        options: supervisionOutcomeOptions,
      },
      { name: 'note', kind: 'textarea', label: 'actionField.conclude-supervision.note' },
    ],
  },
  'request-reopen': {
    fields: [{ name: 'reason', kind: 'textarea', label: 'actionField.request-reopen.reason', required: true }],
    intro: 'actionField.request-reopen.hint',
  },
  'decide-reopen': {
    fields: [
      {
        name: 'isApproved',
        kind: 'radio',
        label: 'actionField.decide-reopen.isApproved',
        required: true,
        options: [
          { value: 'true', label: 'actionField.decide-reopen.approve' },
          { value: 'false', label: 'actionField.decide-reopen.decline' },
        ],
      },
      { name: 'note', kind: 'textarea', label: 'actionField.decide-reopen.note' },
    ],
    intro: 'actionField.decide-reopen.hint',
  },
  hold: {
    fields: [{ name: 'reason', kind: 'textarea', label: 'actionField.hold.reason', required: true }],
    intro: 'actionField.hold.hint',
  },
  resume: { fields: [{ name: 'note', kind: 'textarea', label: 'actionField.resume.note' }] },
  'record-consent': {
    fields: [
      {
        name: 'consent',
        kind: 'radio',
        label: 'actionField.record-consent.consent',
        required: true,
        options: [
          { value: 'granted', label: 'consent.optionGranted' },
          { value: 'refused', label: 'consent.optionRefused' },
        ],
      },
      { name: 'note', kind: 'textarea', label: 'actionField.record-consent.note' },
    ],
    intro: 'actionField.record-consent.hint',
  },
  // No note: the handling units read internal events too, and a note would be in the requester's words.
  'protect-identity': { fields: [], intro: 'actionField.protect-identity.hint' },
};

export function initialValues(action: ActionName): FormValues {
  const values: FormValues = {};
  for (const f of ACTION_FORMS[action].fields) {
    values[f.name] = f.kind === 'units' ? [] : f.kind === 'checkbox' ? false : '';
  }
  // Notes stay inside the administration unless the author says otherwise.
  if (action === 'note') values['isInternal'] = true;
  return values;
}

export type BuildResult =
  { ok: true; request: ActionRequest } | { ok: false; errors: Record<string, MessageKey> };

function oneOf<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

/** Checks the values and builds the request body; errors are keyed by field name. */
export function buildActionRequest(action: ActionName, values: FormValues): BuildResult {
  const errors: Record<string, MessageKey> = {};
  const s = (name: string): string => {
    const v = values[name];
    return typeof v === 'string' ? v.trim() : '';
  };
  const list = (name: string): string[] => {
    const v = values[name];
    return Array.isArray(v) ? v.filter((x) => x !== '') : [];
  };

  for (const f of ACTION_FORMS[action].fields) {
    if (!f.required) continue;
    const empty = f.kind === 'units' ? list(f.name).length === 0 : s(f.name) === '';
    if (empty)
      errors[f.name] =
        f.kind === 'radio' || f.kind === 'select' || f.kind === 'unit' ? 'form.choose' : 'form.required';
  }

  let fen: number | undefined;
  if (action === 'reply' && s('amountRecoveredFen') !== '') {
    const parsed = cnyToFen(s('amountRecoveredFen'));
    if (parsed === null) errors['amountRecoveredFen'] = 'form.invalidAmount';
    else fen = parsed;
  }
  let days = 0;
  if (action === 'request-extension' && s('days') !== '') {
    days = Number(s('days'));
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS)
      errors['days'] = 'form.invalidNumber';
  }
  let dueBy = '';
  if (action === 'supervise' && s('dueBy') !== '') {
    dueBy = endOfDayIso(s('dueBy')) ?? '';
    if (!dueBy) errors['dueBy'] = 'form.required';
  }
  // A refusal is explained to the requester: the server refuses it without a note, say so first.
  if (action === 'decide-reopen' && s('isApproved') === 'false' && s('note') === '') errors['note'] = 'form.required';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const optional = (name: string): { [k: string]: string } => (s(name) ? { [name]: s(name) } : {});

  switch (action) {
    case 'dispatch': {
      const unitId = s('unitId');
      const assisting = list('assistingUnitIds').filter((id) => id !== unitId);
      return {
        ok: true,
        request: {
          action,
          body: {
            unitId,
            ...(assisting.length > 0 ? { assistingUnitIds: assisting } : {}),
            ...optional('note'),
          },
        },
      };
    }
    case 'accept':
      return { ok: true, request: { action, body: { ...optional('note') } } };
    case 'return':
      return { ok: true, request: { action, body: { reason: s('reason') } } };
    case 'transfer':
      return { ok: true, request: { action, body: { unitId: s('unitId'), reason: s('reason') } } };
    case 'note':
      return {
        ok: true,
        request: { action, body: { text: s('text'), isInternal: values['isInternal'] === true } },
      };
    case 'contribute':
      return { ok: true, request: { action, body: { text: s('text') } } };
    case 'reply': {
      const outcome = s('outcome');
      if (!oneOf<Outcome>(OUTCOMES, outcome)) return { ok: false, errors: { outcome: 'form.choose' } };
      const body: ReplyBody = {
        text: s('text'),
        outcome,
        ...(fen !== undefined ? { amountRecoveredFen: fen } : {}),
        ...optional('internalSummary'),
      };
      return { ok: true, request: { action, body } };
    }
    case 'callback': {
      const resolved = s('resolved');
      const satisfaction = s('satisfaction');
      if (!oneOf<Resolved>(RESOLVED_VALUES, resolved))
        return { ok: false, errors: { resolved: 'form.choose' } };
      if (!oneOf<Satisfaction>(SATISFACTIONS, satisfaction))
        return { ok: false, errors: { satisfaction: 'form.choose' } };
      return { ok: true, request: { action, body: { resolved, satisfaction, ...optional('comment') } } };
    }
    case 'reopen':
      return { ok: true, request: { action, body: { reason: s('reason') } } };
    case 'close':
      return { ok: true, request: { action, body: {} } };
    case 'reject':
      return { ok: true, request: { action, body: { reason: s('reason'), ...optional('advice') } } };
    case 'resolve-on-intake': {
      const outcome = s('outcome');
      const body: ResolveOnIntakeBody = {
        text: s('text'),
        ...(oneOf<Outcome>(OUTCOMES, outcome) ? { outcome } : {}),
        ...optional('internalSummary'),
      };
      return { ok: true, request: { action, body } };
    }
    case 'request-extension':
      return { ok: true, request: { action, body: { days, reason: s('reason') } } };
    case 'decide-extension':
      return {
        ok: true,
        request: { action, body: { isApproved: s('isApproved') === 'true', ...optional('note') } },
      };
    case 'supervise':
      return { ok: true, request: { action, body: { dueBy, note: s('note') } } };
    case 'merge':
      return { ok: true, request: { action, body: { masterId: s('masterId') } } };
    case 'urge':
      return { ok: true, request: { action, body: { message: s('message') } } };
    case 'respond-supervision':
      return { ok: true, request: { action, body: { text: s('text') } } };
    case 'conclude-supervision': {
      const outcome = s('outcome');
      if (!oneOf<SupervisionOutcome>(SUPERVISION_OUTCOMES, outcome))
        return { ok: false, errors: { outcome: 'form.choose' } };
      return { ok: true, request: { action, body: { outcome, ...optional('note') } } };
    }
    case 'request-reopen':
      return { ok: true, request: { action, body: { reason: s('reason') } } };
    case 'decide-reopen':
      return {
        ok: true,
        request: { action, body: { isApproved: s('isApproved') === 'true', ...optional('note') } },
      };
    case 'hold':
      return { ok: true, request: { action, body: { reason: s('reason') } } };
    case 'resume':
      return { ok: true, request: { action, body: { ...optional('note') } } };
    case 'record-consent': {
      const consent = s('consent');
      if (consent !== 'granted' && consent !== 'refused') return { ok: false, errors: { consent: 'form.choose' } };
      return { ok: true, request: { action, body: { consent, ...optional('note') } } };
    }
    case 'protect-identity':
      return { ok: true, request: { action, body: {} } };
  }
}
