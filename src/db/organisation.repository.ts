import { sql } from 'kysely';
import { UNIT_TYPES, type OrganisationFile, type OrganisationPlan, type OrgCategory, type OrgUnit } from '../core/directory/organisation-file.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { Db, Trx } from './database.js';

/** The same lock as the demo seed's: an import and a first start's seed never interleave. */
const ORGANISATION_LOCK = 7_312_001;

const nameOf = (name: LocalizedText): LocalizedText => ({
  'zh-Hans': name['zh-Hans'],
  ...(name.bo ? { bo: name.bo } : {}),
  ...(name.en ? { en: name.en } : {}),
});

const unitTypeOf = (type: string): OrgUnit['type'] => {
  const known = UNIT_TYPES.find((t) => t === type);
  // The column's check constraint allows these types only.
  if (!known) throw new Error(`unit type ${type} is not one the database allows`);
  return known;
};

/** The organisation as a file: units parents first (by path), categories parents first in their order. */
export const loadOrganisation = async (db: Db | Trx): Promise<OrganisationFile> => {
  const unitRows = await db
    .selectFrom('units as u')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .select(['u.code', 'u.type', 'u.name', 'u.is_active', 'p.code as parent_code'])
    .orderBy(sql`nlevel(u.path)`)
    .orderBy('u.path')
    .execute();
  const categoryRows = await db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .leftJoin('units as u', 'u.id', 'c.default_unit_id')
    .select([
      'c.code',
      'c.name',
      'c.accept_hours',
      'c.reply_days',
      'c.is_active',
      'c.sort_order',
      'p.code as parent_code',
      'u.code as unit_code',
    ])
    .orderBy('c.sort_order')
    .orderBy('c.code')
    .execute();
  const units: OrgUnit[] = unitRows.map((r) => ({
    code: r.code,
    type: unitTypeOf(r.type),
    parent: r.parent_code,
    name: nameOf(r.name),
    isActive: r.is_active,
  }));
  // Parents first, whatever the sort order says: the file must import as it was exported.
  const byCode = new Map(categoryRows.map((r) => [r.code, r]));
  const placed = new Set<string>();
  const categories: OrgCategory[] = [];
  const place = (code: string, depth: number): void => {
    const r = byCode.get(code);
    if (!r || placed.has(code) || depth > byCode.size) return;
    if (r.parent_code) place(r.parent_code, depth + 1);
    placed.add(code);
    categories.push({
      code: r.code,
      parent: r.parent_code,
      name: nameOf(r.name),
      unit: r.unit_code,
      acceptHours: r.accept_hours,
      replyDays: r.reply_days,
      isActive: r.is_active,
    });
  };
  for (const r of categoryRows) place(r.code, 0);
  return { units, categories };
};

/** Taken by an import for its transaction, so that the organisation it planned on is the one it changes. */
export const lockOrganisation = async (trx: Trx): Promise<void> => {
  await sql`SELECT pg_advisory_xact_lock(${ORGANISATION_LOCK})`.execute(trx);
};

/** Carries out a plan inside the caller's transaction (which holds lockOrganisation), parents first. */
export const applyOrganisationPlan = async (trx: Trx, plan: OrganisationPlan): Promise<void> => {
  const unitRef = async (code: string) =>
    trx.selectFrom('units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow();
  for (const u of plan.createUnits) {
    const parent = u.parent ? await unitRef(u.parent) : null;
    await trx
      .insertInto('units')
      .values({
        code: u.code,
        type: u.type,
        parent_id: parent?.id ?? null,
        path: parent ? `${parent.path}.${u.code}` : u.code,
        name: JSON.stringify(nameOf(u.name)),
        is_active: u.isActive ?? true,
      })
      .execute();
  }
  for (const u of plan.updateUnits) {
    await trx
      .updateTable('units')
      .set({
        type: u.type,
        name: JSON.stringify(nameOf(u.name)),
        ...(u.isActive === undefined ? {} : { is_active: u.isActive }),
      })
      .where('code', '=', u.code)
      .execute();
  }
  const unitId = async (code: string | null) => (code ? (await unitRef(code)).id : null);
  const categoryId = async (code: string | null) =>
    code
      ? (await trx.selectFrom('categories').select('id').where('code', '=', code).executeTakeFirstOrThrow())
          .id
      : null;
  const last = await trx
    .selectFrom('categories')
    .select((eb) => eb.fn.max('sort_order').as('n'))
    .executeTakeFirst();
  let order = Number(last?.n ?? 0);
  for (const c of plan.createCategories) {
    order += 1;
    await trx
      .insertInto('categories')
      .values({
        code: c.code,
        parent_id: await categoryId(c.parent),
        name: JSON.stringify(nameOf(c.name)),
        default_unit_id: await unitId(c.unit),
        accept_hours: c.acceptHours,
        reply_days: c.replyDays,
        sort_order: order,
        is_active: c.isActive ?? true,
      })
      .execute();
  }
  for (const c of plan.updateCategories) {
    await trx
      .updateTable('categories')
      .set({
        parent_id: await categoryId(c.parent),
        name: JSON.stringify(nameOf(c.name)),
        default_unit_id: await unitId(c.unit),
        accept_hours: c.acceptHours,
        reply_days: c.replyDays,
        ...(c.isActive === undefined ? {} : { is_active: c.isActive }),
      })
      .where('code', '=', c.code)
      .execute();
  }
};
