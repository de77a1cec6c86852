import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import { changeOpenDataSettings, type OpenDataConfiguration, type OpenDataSettingsStore } from './change-open-data-settings.js';

const top = { unitPath: 'lhasa' };
const bureau = { unitPath: 'lhasa.hrss' };

const current: OpenDataConfiguration = {
  defaultPolicy: 'auto',
  isReviewRequired: false,
  minCell: 3,
  gridMetres: 200,
  rules: [
    { scope: 'kind', code: 'petition', policy: 'never' },
    { scope: 'channel', code: 'visit', policy: 'review' },
  ],
};

const memoryStore = (initial: OpenDataConfiguration) => {
  let stored = initial;
  const log: string[] = [];
  const audits: Parameters<OpenDataSettingsStore['audit']>[0][] = [];
  const store: OpenDataSettingsStore = {
    load: async () => stored,
    save: async (settings, rules) => {
      stored = { ...settings, rules };
      log.push('save');
    },
    queueRefreshOfAll: async () => {
      log.push('refresh');
    },
    audit: async (entry) => {
      audits.push(entry);
      log.push('audit');
    },
  };
  return { store, log, audits, stored: () => stored };
};

describe('changeOpenDataSettings', () => {
  it('saves, queues the refresh of every case and audits before and after', async () => {
    const m = memoryStore(current);
    const next = { ...current, isReviewRequired: true, rules: [...current.rules, { scope: 'category' as const, code: 'city', policy: 'never' as const }] };
    expect(await changeOpenDataSettings({ store: m.store }, { actor: top, configuration: next })).toEqual({ isChanged: true });
    expect(m.log).toEqual(['save', 'refresh', 'audit']);
    expect(m.stored()).toEqual(next);
    expect(m.audits[0]?.data.before).toEqual(current);
    expect(m.audits[0]?.data.after).toEqual(next);
  });

  it('the same settings with the rules in another order change nothing', async () => {
    const m = memoryStore(current);
    expect(await changeOpenDataSettings({ store: m.store }, { actor: top, configuration: { ...current, rules: [...current.rules].reverse() } })).toEqual({ isChanged: false });
    expect(m.log).toEqual([]);
  });

  it('a changed policy of one rule is a change', async () => {
    const m = memoryStore(current);
    const rules = current.rules.map((r) => (r.code === 'visit' ? { ...r, policy: 'auto' as const } : r));
    expect(await changeOpenDataSettings({ store: m.store }, { actor: top, configuration: { ...current, rules } })).toEqual({ isChanged: true });
    expect(m.log).toEqual(['save', 'refresh', 'audit']);
  });

  it('the audit keeps only the settings it knows, whatever else the input object carries', async () => {
    const m = memoryStore(current);
    const input = { ...current, minCell: 5, extra: 'not a setting' } as OpenDataConfiguration;
    await changeOpenDataSettings({ store: m.store }, { actor: top, configuration: input });
    expect(m.audits[0]?.data.after).toEqual({ ...current, minCell: 5 });
  });

  it('refuses staff below a top-level unit before reading or writing anything, even for settings sent unchanged', async () => {
    for (const configuration of [{ ...current, rules: [], defaultPolicy: 'auto' as const }, current]) {
      const m = memoryStore(current);
      let loads = 0;
      const store: OpenDataSettingsStore = {
        ...m.store,
        load: async () => {
          loads += 1;
          return m.store.load();
        },
      };
      const refusal = await changeOpenDataSettings({ store }, { actor: bureau, configuration }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ code: 'auth.forbidden', details: { reason: 'not_top_level_unit' } });
      expect(loads).toBe(0);
      expect(m.log).toEqual([]);
      expect(m.stored()).toEqual(current);
    }
  });
});
