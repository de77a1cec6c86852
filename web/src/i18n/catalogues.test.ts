import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  ASSIGNMENT_ROLES,
  ASSIGNMENT_STATUSES,
  CHANNELS,
  DAY_CODES,
  ERROR_CODES,
  EVENT_CODES,
  KINDS,
  LANGS,
  OUTCOMES,
  PUBLIC_STATUSES,
  REOPEN_SOURCES,
  RESOLVED_VALUES,
  SATISFACTIONS,
  SKIP_REASONS,
  SLA_TARGETS,
  SLA_TARGET_STATES,
  STATUSES,
  SUPERVISION_OUTCOMES,
} from '../api/types';
import { bo } from './bo';
import { en } from './en';
import { catalogues, detectLanguage, interpolate, placeholders } from './index';
import { zhHans } from './zh-Hans';

const all: Record<string, Record<string, string>> = { 'zh-Hans': zhHans, bo, en };

/**
 * Every event code the backend writes to a timeline (src/core/case/case-workflow.ts `event:`, plus
 * registration, the master's `merged_into`, the requester's rating and the SLA timers of
 * src/core/case/apply-sla-timer.ts). Listed here by hand on purpose: a new code on the server must be
 * added here, and then needs a line in every language.
 */
const BACKEND_EVENT_CODES = [
  'case.registered',
  'case.dispatched',
  'case.accepted',
  'case.returned',
  'case.transferred',
  'case.noted',
  'case.contributed',
  'case.replied',
  'case.callback_recorded',
  'case.reopened',
  'case.closed',
  'case.rejected',
  'case.resolved_on_intake',
  'case.extension_requested',
  'case.extension_decided',
  'case.supervised',
  'case.merged',
  'case.merged_into',
  'case.rated',
  'case.sla_warning',
  'case.overdue',
  'case.urged',
  'case.supervision_responded',
  'case.supervision_concluded',
  'case.linked',
  'case.unlinked',
  'case.unmerged',
  'case.unmerged_from',
  'case.attachment_added',
  'case.attachment_removed',
  'callback.unreachable',
  'callback.refused',
  'case.reopen_requested',
  'case.reopen_decided',
  'case.put_on_hold',
  'case.resumed',
  'case.information_added',
] as const;
const names = Object.keys(all);
const sortedKeys = (c: Record<string, string>) => Object.keys(c).sort();

describe('message catalogues', () => {
  it('cover the three UI languages', () => {
    expect(Object.keys(catalogues).sort()).toEqual([...LANGS].sort());
    expect(names.sort()).toEqual([...LANGS].sort());
  });

  it('have identical key sets', () => {
    const reference = sortedKeys(zhHans);
    expect(reference.length).toBeGreaterThan(100);
    for (const name of names) {
      const keys = sortedKeys(all[name] ?? {});
      const missing = reference.filter((k) => !keys.includes(k));
      const extra = keys.filter((k) => !reference.includes(k));
      expect({ name, missing, extra }).toEqual({ name, missing: [], extra: [] });
    }
  });

  it('have no empty messages', () => {
    for (const name of names) {
      const empty = Object.entries(all[name] ?? {})
        .filter(([, v]) => typeof v !== 'string' || v.trim() === '')
        .map(([k]) => k);
      expect({ name, empty }).toEqual({ name, empty: [] });
    }
  });

  it('use the same {placeholders} for the same key in every language', () => {
    const mismatches: string[] = [];
    for (const key of Object.keys(zhHans)) {
      const sets = names.map((n) => placeholders(all[n]?.[key] ?? '').join(','));
      if (new Set(sets).size !== 1)
        mismatches.push(`${key}: ${names.map((n, i) => `${n}=[${sets[i]}]`).join(' ')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('have balanced braces (no broken placeholders)', () => {
    const broken: string[] = [];
    for (const name of names) {
      for (const [k, v] of Object.entries(all[name] ?? {})) {
        const stripped = v.replace(/\{\w+\}/g, '');
        if (/[{}]/.test(stripped)) broken.push(`${name}:${k}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('write Tibetan in Tibetan script', () => {
    // Every Tibetan message other than product/language names and pure notation has Tibetan letters.
    const latinOnly = Object.entries(bo)
      .filter(
        ([k]) =>
          ![
            'app.name',
            'app.pageTitle',
            'lang.zh-Hans',
            'lang.en',
            'channel.app',
            'timeline.statusChange',
          ].includes(k),
      )
      .filter(([, v]) => !/[\u0F00-\u0FFF]/.test(v))
      .map(([k]) => k);
    expect(latinOnly).toEqual([]);
  });

  it('translate every value of the contract', () => {
    const required = [
      ...STATUSES.map((s) => `status.${s}`),
      ...STATUSES.map((s) => `statusPublic.${s}`),
      ...CHANNELS.map((c) => `channel.${c}`),
      ...KINDS.map((k) => `kind.${k}`),
      ...OUTCOMES.map((o) => `outcome.${o}`),
      ...RESOLVED_VALUES.map((r) => `resolved.${r}`),
      ...SATISFACTIONS.map((s) => `satisfaction.${s}`),
      ...ASSIGNMENT_ROLES.map((r) => `assignmentRole.${r}`),
      ...ASSIGNMENT_STATUSES.map((s) => `assignmentStatus.${s}`),
      ...ACTIONS.map((a) => `action.${a}`),
      ...EVENT_CODES.map((c) => `event.${c}`),
      ...ERROR_CODES.map((c) => `errors.${c}`),
      ...SLA_TARGETS.map((x) => `sla.target.${x}`),
      ...SLA_TARGET_STATES.map((x) => `sla.state.${x}`),
      ...SKIP_REASONS.map((x) => `sla.skip.${x}`),
      ...DAY_CODES.map((x) => `holiday.${x}`),
      ...SUPERVISION_OUTCOMES.map((x) => `supervisionOutcome.${x}`),
      ...PUBLIC_STATUSES.map((x) => `workflow.publicStatus.${x}`),
      ...PUBLIC_STATUSES.map((x) => `workflow.publicStatusText.${x}`),
      ...REOPEN_SOURCES.map((x) => `workflow.reopenSource.${x}`),
      ...Array.from({ length: 12 }, (_, i) => `month.${i + 1}`),
      ...Array.from({ length: 7 }, (_, i) => `weekday.${i + 1}`),
    ];
    const missing = required.filter((k) => !(k in zhHans));
    expect(missing).toEqual([]);
  });

  it('name every event code the backend can emit, in every language', () => {
    const missing: string[] = [];
    for (const name of names) {
      for (const code of BACKEND_EVENT_CODES) {
        if (!(`event.${code}` in (all[name] ?? {}))) missing.push(`${name}:event.${code}`);
      }
    }
    expect(missing).toEqual([]);
    // The typed list the UI uses knows them all too.
    expect(BACKEND_EVENT_CODES.filter((c) => !(EVENT_CODES as readonly string[]).includes(c))).toEqual([]);
  });
});

describe('translator helpers', () => {
  it('interpolates named variables and leaves unknown ones', () => {
    expect(interpolate('派单至{unit}', { unit: '拉萨市总工会' })).toBe('派单至拉萨市总工会');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('lists placeholders once, sorted', () => {
    expect(placeholders('{b} {a} {b}')).toEqual(['a', 'b']);
  });

  it('defaults to Simplified Chinese unless the browser asks for Tibetan or English', () => {
    expect(detectLanguage([])).toBe('zh-Hans');
    expect(detectLanguage(['zh-CN', 'en'])).toBe('zh-Hans');
    expect(detectLanguage(['bo-CN', 'zh-CN'])).toBe('bo');
    expect(detectLanguage(['en-GB'])).toBe('en');
    expect(detectLanguage(['fr-FR', 'de'])).toBe('zh-Hans');
    expect(detectLanguage(['fr-FR', 'en-US'])).toBe('en');
  });
});
