import { z } from 'zod';
import type { LocalizedText } from './directory.types.js';

/*
 * The organisation file (docs/organisation.md): the units and categories of a deployment, in one JSON document
 * that `bihuan org export` writes and `bihuan org import` reads. A deployment without the demo data starts from
 * it. The import adds and updates by code, and never deletes: a unit or category that is no longer used is
 * closed (`isActive: false`), because cases, users and statistics still point at it.
 */

/** An ltree label (the unit's place in the tree is the path of its codes), in one case. */
export const UNIT_CODE_PATTERN = /^[a-z0-9_]{1,60}$/;
export const CATEGORY_CODE_PATTERN = /^[a-z0-9_]{1,60}$/;

/** The kinds of unit the database knows (units_type_check): a file cannot bring a new one. */
export const UNIT_TYPES = ['region', 'district', 'department', 'township', 'community', 'grid', 'union', 'branch', 'office'] as const;

const name = z
  .object({
    'zh-Hans': z.string().trim().min(1).max(200),
    bo: z.string().trim().min(1).max(300).optional(),
    en: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const unitSchema = z
  .object({
    code: z.string().regex(UNIT_CODE_PATTERN, 'lower-case letters, digits and underscores (at most 60)'),
    type: z.enum(UNIT_TYPES),
    parent: z.string().nullable(),
    name,
    isActive: z.boolean().optional(),
  })
  .strict();

const categorySchema = z
  .object({
    code: z.string().regex(CATEGORY_CODE_PATTERN, 'lower-case letters, digits and underscores (at most 60)'),
    parent: z.string().nullable(),
    name,
    /** The unit that handles the category's cases by default (the router's and the dispatcher's first guess). */
    unit: z.string().nullable(),
    acceptHours: z.number().int().min(1).max(720),
    replyDays: z.number().int().min(1).max(365),
    isActive: z.boolean().optional(),
  })
  .strict();

export const organisationFileSchema = z
  .object({
    units: z.array(unitSchema).max(5000),
    categories: z.array(categorySchema).max(5000).default([]),
  })
  .strict();

export type OrgUnit = z.infer<typeof unitSchema>;
export type OrgCategory = z.infer<typeof categorySchema>;
export type OrganisationFile = z.infer<typeof organisationFileSchema>;

export type OrgIssue = { path: string; problem: OrgProblem; message: string };
export type OrgProblem = 'duplicate_code' | 'parent_unknown' | 'parent_change' | 'unit_unknown' | 'parent_is_self' | 'parent_cycle';

export type OrganisationPlan = {
  /** In the order they must be made: every parent before its children. */
  createUnits: OrgUnit[];
  updateUnits: OrgUnit[];
  createCategories: OrgCategory[];
  updateCategories: OrgCategory[];
  unchanged: number;
};

const sameName = (a: LocalizedText, b: LocalizedText): boolean => a['zh-Hans'] === b['zh-Hans'] && a.bo === b.bo && a.en === b.en;

const isSameUnit = (a: OrgUnit, b: OrgUnit): boolean => a.type === b.type && sameName(a.name, b.name) && (b.isActive === undefined || a.isActive === b.isActive);

const isSameCategory = (a: OrgCategory, b: OrgCategory): boolean =>
  a.parent === b.parent && a.unit === b.unit && a.acceptHours === b.acceptHours && a.replyDays === b.replyDays && sameName(a.name, b.name) &&
  (b.isActive === undefined || a.isActive === b.isActive);

/**
 * What importing the file into the organisation as it is would do, or every problem found (nothing is done
 * then). Parents come before their children in the file, or exist already. A unit keeps its parent: moving it
 * would move every case, account and statistic under it to another branch of the tree.
 */
export const planOrganisationImport = (existing: OrganisationFile, file: OrganisationFile): { plan: OrganisationPlan } | { issues: OrgIssue[] } => {
  const issues: OrgIssue[] = [];
  const plan: OrganisationPlan = { createUnits: [], updateUnits: [], createCategories: [], updateCategories: [], unchanged: 0 };
  const units = new Map(existing.units.map((u) => [u.code, u]));
  const seenUnits = new Set<string>();
  for (const [i, unit] of file.units.entries()) {
    const path = `units[${i}]`;
    if (seenUnits.has(unit.code)) {
      issues.push({ path: `${path}.code`, problem: 'duplicate_code', message: `the unit ${unit.code} is listed twice` });
      continue;
    }
    seenUnits.add(unit.code);
    if (unit.parent === unit.code) {
      issues.push({ path: `${path}.parent`, problem: 'parent_is_self', message: `the unit ${unit.code} cannot be its own parent` });
      continue;
    }
    const current = units.get(unit.code);
    if (current) {
      if (current.parent !== unit.parent) {
        issues.push({
          path: `${path}.parent`, problem: 'parent_change',
          message: `the unit ${unit.code} is under ${current.parent ?? '(the top)'}: a unit cannot be moved (close it and make a new one)`,
        });
        continue;
      }
      if (isSameUnit(current, unit)) plan.unchanged += 1;
      else plan.updateUnits.push(unit);
      continue;
    }
    if (unit.parent !== null && !units.has(unit.parent)) {
      issues.push({ path: `${path}.parent`, problem: 'parent_unknown', message: `no unit ${unit.parent} before ${unit.code} in the file or in the organisation (list parents first)` });
      continue;
    }
    plan.createUnits.push(unit);
    units.set(unit.code, { ...unit, isActive: unit.isActive ?? true });
  }

  const categories = new Map(existing.categories.map((c) => [c.code, c]));
  const seenCategories = new Set<string>();
  for (const [i, category] of file.categories.entries()) {
    const path = `categories[${i}]`;
    if (seenCategories.has(category.code)) {
      issues.push({ path: `${path}.code`, problem: 'duplicate_code', message: `the category ${category.code} is listed twice` });
      continue;
    }
    seenCategories.add(category.code);
    if (category.parent === category.code) {
      issues.push({ path: `${path}.parent`, problem: 'parent_is_self', message: `the category ${category.code} cannot be its own parent` });
      continue;
    }
    if (category.unit !== null && !units.has(category.unit)) {
      issues.push({ path: `${path}.unit`, problem: 'unit_unknown', message: `no unit ${category.unit} for the category ${category.code}` });
      continue;
    }
    const current = categories.get(category.code);
    // A category may change its parent (only grouping changes), but the parent must be known by then.
    if (category.parent !== null && !categories.has(category.parent)) {
      issues.push({ path: `${path}.parent`, problem: 'parent_unknown', message: `no category ${category.parent} before ${category.code} in the file or in the organisation (list parents first)` });
      continue;
    }
    if (current) {
      if (isSameCategory(current, category)) plan.unchanged += 1;
      else plan.updateCategories.push(category);
    } else {
      plan.createCategories.push(category);
    }
    categories.set(category.code, { ...category, isActive: category.isActive ?? current?.isActive ?? true });
  }
  // A new parent of an existing category can close a loop (A under B, B under A): the tree must stay a tree.
  for (const [i, category] of file.categories.entries()) {
    const visited = new Set<string>([category.code]);
    for (let parent = categories.get(category.code)?.parent ?? null; parent !== null; parent = categories.get(parent)?.parent ?? null) {
      if (visited.has(parent)) {
        issues.push({ path: `categories[${i}].parent`, problem: 'parent_cycle', message: `the category ${category.code} would be below itself` });
        break;
      }
      visited.add(parent);
    }
  }
  return issues.length > 0 ? { issues } : { plan };
};
