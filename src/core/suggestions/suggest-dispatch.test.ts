import { describe, expect, it } from 'vitest';
import { decideAutoDispatch } from './suggest-dispatch.js';
import { DEFAULT_SUGGESTION_SETTINGS } from './suggestion-settings.js';

describe('decideAutoDispatch', () => {
  const top = { unitId: 'u', unit: { id: 'u', code: 'cityman', name: '城管' }, categoryId: 'c', category: null, confidence: 1 };
  const settings = { ...DEFAULT_SUGGESTION_SETTINGS, autoDispatchCategoryIds: ['c'] };

  it('dispatches by itself from the threshold on, in enabled categories', () => {
    expect(decideAutoDispatch({ settings: { ...settings, autoThreshold: 0.9 }, categoryId: 'c', top: { ...top, confidence: 0.95 }, hasModel: true })).toMatchObject({ mode: 'auto' });
    expect(decideAutoDispatch({ settings: { ...settings, autoThreshold: 0.9 }, categoryId: 'c', top: { ...top, confidence: 0.85 }, hasModel: true })).toMatchObject({ mode: 'hint', reason: 'below_threshold' });
    expect(decideAutoDispatch({ settings: { ...settings, autoThreshold: 0.9 }, categoryId: 'd', top: { ...top, confidence: 0.95 }, hasModel: true })).toMatchObject({ mode: 'hint', reason: 'category_not_enabled' });
  });

  it('never by itself at a threshold of 1, although a rounded confidence can read 1', () => {
    expect(decideAutoDispatch({ settings: { ...settings, autoThreshold: 1 }, categoryId: 'c', top, hasModel: true })).toMatchObject({ mode: 'hint', reason: 'below_threshold' });
  });
});
