import { describe, expect, it } from 'vitest';
import { scoreDuplicate } from './duplicate-score.js';
import { DEFAULT_DUPLICATE_SETTINGS } from './duplicate-settings.js';
import { boundingBox, haversineMetres } from './geo.js';
import { dropDuplicateGroups, groupMatters } from './repeats.js';
import { normalisePhone, requesterKeys } from './requester-key.js';
import { chooseAnchors, cosineSimilarity, storedAnchors, weighLexemes, type TermStats } from './text-similarity.js';

const settings = DEFAULT_DUPLICATE_SETTINGS;

describe('scoreDuplicate', () => {
  it('shows similar text and combines evidence, but not a requester or a place alone', () => {
    const text = scoreDuplicate({ textSimilarity: 0.6, sameRequester: null, distanceMetres: null }, settings);
    expect(text.score).toBeGreaterThanOrEqual(settings.minScore);
    expect(text.reasons).toEqual([{ kind: 'similar_text', similarity: 0.6 }]);
    const requester = scoreDuplicate({ textSimilarity: null, sameRequester: { via: 'phone', daysApart: 1 }, distanceMetres: null }, settings);
    expect(requester.score).toBeLessThan(settings.minScore);
    const place = scoreDuplicate({ textSimilarity: null, sameRequester: null, distanceMetres: 10 }, settings);
    expect(place.score).toBeLessThan(settings.minScore);
    const all = scoreDuplicate({ textSimilarity: 0.6, sameRequester: { via: 'phone', daysApart: 1 }, distanceMetres: 10 }, settings);
    expect(all.score).toBeGreaterThan(text.score);
    expect(all.reasons.map((r) => r.kind)).toEqual(['similar_text', 'same_requester', 'nearby']);
    expect(scoreDuplicate({ textSimilarity: 0.6, sameRequester: null, distanceMetres: settings.nearbyMetres + 1 }, settings).reasons).toHaveLength(1);
  });
});

describe('text similarity', () => {
  const stats: TermStats = { documents: 1000, df: new Map([['工资', 300], ['拖欠', 200], ['羊八井', 2], ['光伏', 5], ['小区', 500]]) };

  it('weighs rare words more and is 1 for the same text', () => {
    const a = weighLexemes(['羊八井', '工资'], stats);
    expect(cosineSimilarity(a, ['羊八井', '工资'], a.norm)).toBeCloseTo(1, 6);
    const rareShared = cosineSimilarity(a, ['羊八井', '小区'], weighLexemes(['羊八井', '小区'], stats).norm);
    const commonShared = cosineSimilarity(a, ['工资', '小区'], weighLexemes(['工资', '小区'], stats).norm);
    expect(rareShared).toBeGreaterThan(commonShared);
  });

  it('anchors on the rarest words seen elsewhere, within the posting budget, the same ones for the same words', () => {
    expect(chooseAnchors(['小区', '羊八井', '光伏', '工资', '没见过', '井'], stats, { maxAnchors: 2, postingBudget: 5000 })).toEqual(['羊八井', '光伏']);
    expect(chooseAnchors(['小区', '工资'], stats, { maxAnchors: 5, postingBudget: 400 })).toEqual(['工资']);
    expect(storedAnchors(['光伏', '羊八井', '工资'], stats)).toEqual(storedAnchors(['工资', '羊八井', '光伏'], stats));
  });
});

describe('requesters and places', () => {
  it('recognises the same phone however it is written, and an ID number', () => {
    expect(normalisePhone('+86 138-1234-5678')).toBe('13812345678');
    expect(requesterKeys({ phone: '138 1234 5678' })).toEqual(requesterKeys({ phone: '+8613812345678' }));
    expect(requesterKeys({ phone: '12' })).toEqual([]);
    expect(requesterKeys({ idNumber: '54010219900101123x' })[0]).toMatch(/^i:[0-9a-f]{32}$/);
  });

  it('measures metres and boxes them', () => {
    const lhasa = { lat: 29.65, lng: 91.13 };
    expect(haversineMetres(lhasa, { lat: 29.651, lng: 91.13 })).toBeCloseTo(111.2, 0);
    const box = boundingBox(lhasa, 200);
    expect(haversineMetres(lhasa, { lat: box.maxLat, lng: lhasa.lng })).toBeCloseTo(200, 0);
    expect(haversineMetres(lhasa, { lat: lhasa.lat, lng: box.maxLng })).toBeCloseTo(200, 0);
  });
});

describe('repeats', () => {
  it('joins chains of look-alikes into groups, largest first', () => {
    const groups = groupMatters(
      [
        { caseId: 'b', similarTo: 'a', similarity: 0.8 },
        { caseId: 'c', similarTo: 'b', similarity: 0.6 },
        { caseId: 'e', similarTo: 'd', similarity: 0.9 },
      ],
      2,
    );
    expect(groups).toEqual([
      { caseIds: ['a', 'b', 'c'], meanSimilarity: 0.7 },
      { caseIds: ['d', 'e'], meanSimilarity: 0.9 },
    ]);
    expect(groupMatters([{ caseId: 'e', similarTo: 'd', similarity: 0.9 }], 3)).toEqual([]);
  });

  it('lists a person once when phone and ID number find the same cases', () => {
    const base = { caseCount: 2, openCount: 0, firstAt: new Date(0), lastAt: new Date(0) };
    const kept = dropDuplicateGroups([
      { ...base, key: 'p:1', via: 'phone', caseIds: ['x', 'y'] },
      { ...base, key: 'i:1', via: 'id_number', caseIds: ['y', 'x'] },
    ]);
    expect(kept.map((g) => g.key)).toEqual(['p:1']);
  });
});
