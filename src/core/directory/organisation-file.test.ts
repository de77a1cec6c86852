import { describe, expect, it } from 'vitest';
import { organisationFileSchema, planOrganisationImport, type OrganisationFile, type OrgCategory, type OrgUnit } from './organisation-file.js';

const unit = (code: string, parent: string | null, zh = code, extra: Partial<OrgUnit> = {}): OrgUnit => ({ code, type: 'department', parent, name: { 'zh-Hans': zh }, ...extra });
const category = (code: string, parent: string | null, unitCode: string | null, extra: Partial<OrgCategory> = {}): OrgCategory => ({
  code, parent, name: { 'zh-Hans': code }, unit: unitCode, acceptHours: 24, replyDays: 7, ...extra,
});

const existing: OrganisationFile = {
  units: [unit('lhasa', null, '拉萨市', { type: 'region', isActive: true }), unit('hrss', 'lhasa', '人社局', { isActive: true })],
  categories: [category('labour', null, 'hrss', { isActive: true }), category('wages', 'labour', 'hrss', { isActive: true })],
};

const issuesOf = (file: OrganisationFile) => {
  const result = planOrganisationImport(existing, file);
  return 'issues' in result ? result.issues.map((i) => `${i.path} ${i.problem}`) : [];
};

describe('the organisation file', () => {
  it('adds what is new, parents first, updates what changed and counts the rest', () => {
    const result = planOrganisationImport(existing, {
      units: [unit('lhasa', null, '拉萨市', { type: 'region' }), unit('hrss', 'lhasa', '人力资源和社会保障局'), unit('union', 'lhasa'), unit('union_legal', 'union')],
      categories: [category('labour', null, 'hrss'), category('injury', 'labour', 'union', { replyDays: 15 })],
    });
    if (!('plan' in result)) throw new Error(JSON.stringify(result.issues));
    expect(result.plan.createUnits.map((u) => u.code)).toEqual(['union', 'union_legal']);
    expect(result.plan.updateUnits.map((u) => u.code)).toEqual(['hrss']);
    expect(result.plan.createCategories.map((c) => c.code)).toEqual(['injury']);
    expect(result.plan.updateCategories).toEqual([]);
    expect(result.plan.unchanged).toBe(2);
  });

  it('finds every problem at once, with the entry it is in', () => {
    expect(
      issuesOf({
        units: [unit('hrss', null), unit('newbie', 'nowhere'), unit('twice', 'lhasa'), unit('twice', 'lhasa'), unit('self', 'self')],
        categories: [category('orphan', 'missing', null), category('stray', null, 'atlantis'), category('labour', 'wages', 'hrss')],
      }),
    ).toEqual([
      'units[0].parent parent_change',
      'units[1].parent parent_unknown',
      'units[3].code duplicate_code',
      'units[4].parent parent_is_self',
      'categories[0].parent parent_unknown',
      'categories[1].unit unit_unknown',
      'categories[2].parent parent_cycle',
    ]);
  });

  it('wants parents before their children in the file', () => {
    expect(issuesOf({ units: [unit('child', 'parent'), unit('parent', 'lhasa')], categories: [] })).toEqual(['units[0].parent parent_unknown']);
    expect(issuesOf({ units: [unit('parent', 'lhasa'), unit('child', 'parent')], categories: [] })).toEqual([]);
  });

  it('closes a unit only when the file says so', () => {
    const kept = planOrganisationImport(existing, { units: [unit('hrss', 'lhasa', '人社局')], categories: [] });
    expect('plan' in kept && kept.plan.unchanged).toBe(1);
    const closed = planOrganisationImport(existing, { units: [unit('hrss', 'lhasa', '人社局', { isActive: false })], categories: [] });
    expect('plan' in closed && closed.plan.updateUnits.map((u) => u.code)).toEqual(['hrss']);
  });

  it('checks the shape of the file', () => {
    expect(organisationFileSchema.safeParse({ units: [{ ...unit('Bad-Code', null) }] }).success).toBe(false);
    expect(organisationFileSchema.safeParse({ units: [{ ...unit('x'.repeat(61), null) }] }).success).toBe(false);
    expect(organisationFileSchema.safeParse({ units: [{ ...unit('ok', null), type: 'bureau' }] }).success).toBe(false);
    expect(organisationFileSchema.safeParse({ units: [{ ...unit('ok', null), name: { en: 'no Chinese name' } }] }).success).toBe(false);
    expect(organisationFileSchema.safeParse({ units: [unit('ok', null)], categories: [category('c', null, null, { replyDays: 0 })] }).success).toBe(false);
    expect(organisationFileSchema.safeParse({ units: [unit('ok', null)], extra: true }).success).toBe(false);
    expect(organisationFileSchema.parse({ units: [unit('ok', null)] }).categories).toEqual([]);
  });
});
