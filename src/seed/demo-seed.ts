import { sql } from 'kysely';
import type { UserActor } from '../core/auth/actor.js';
import { toActor } from '../core/auth/login.js';
import { isRole } from '../core/auth/roles.js';
import type { CaseDeps } from '../core/case/case.ports.js';
import type { CaseRecord } from '../core/case/case.record.js';
import type { ActionInput, ActionSchemas } from '../core/case/case.schemas.js';
import type { CaseAction } from '../core/case/case.types.js';
import { performCaseAction } from '../core/case/perform-case-action.js';
import { registerCase } from '../core/case/register-case.js';
import { hashPassword, randomPassword } from '../core/shared/secrets.js';
import { createCaseStore } from '../db/case.repository.js';
import { seedOpen311Demo } from '../db/open311-seed.js';
import type { Db, Trx } from '../db/database.js';
import { DEMO_CASES, DEMO_TARGETS, type CaseTemplate, type DemoTarget } from './demo-cases.js';
import { DEMO_CATEGORIES, DEMO_UNITS, DEMO_USERS } from './demo-organisation.js';

export type SeedResult = { isNew: boolean; caseCount: number; generatedPassword: string | null };

const SEED_LOCK = 7_312_001;
const HOUR = 3600_000;

/**
 * Seeds the demo organisation on an empty database, in one transaction under an advisory lock, so that
 * two servers starting together cannot seed twice and a crash mid-seed leaves nothing behind.
 */
export const seedDemo = async (db: Db, options: { demoPassword: string | undefined; now: Date }): Promise<SeedResult> =>
  db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    const hasUnits = await trx.selectFrom('units').select('id').limit(1).executeTakeFirst();
    if (hasUnits) {
      if (options.demoPassword) {
        await trx.updateTable('users').set({ password_hash: await hashPassword(options.demoPassword), has_password: true }).where('is_demo', '=', true).execute();
      }
      return { isNew: false, caseCount: 0, generatedPassword: null };
    }
    const password = options.demoPassword ?? randomPassword();
    const unitIds = await insertUnits(trx);
    const categoryIds = await insertCategories(trx, unitIds);
    await insertCalendarAndPolicies(trx, unitIds, categoryIds);
    await seedOpen311Demo(trx, options.now);
    const actors = await insertUsers(trx, unitIds, await hashPassword(password));
    const caseCount = await seedCases(trx, { unitIds, categoryIds, actors, now: options.now });
    return { isNew: true, caseCount, generatedPassword: options.demoPassword ? null : password };
  });

const insertUnits = async (trx: Trx): Promise<Map<string, string>> => {
  const ids = new Map<string, string>();
  const paths = new Map<string, string>();
  for (const unit of DEMO_UNITS) {
    const parentPath = unit.parent ? paths.get(unit.parent) : undefined;
    const path = parentPath ? `${parentPath}.${unit.code}` : unit.code;
    const row = await trx
      .insertInto('units')
      .values({ code: unit.code, type: unit.type, parent_id: unit.parent ? (ids.get(unit.parent) ?? null) : null, path, name: JSON.stringify(unit.name) })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(unit.code, row.id);
    paths.set(unit.code, path);
  }
  return ids;
};

const insertCategories = async (trx: Trx, unitIds: Map<string, string>): Promise<Map<string, string>> => {
  const ids = new Map<string, string>();
  for (const [index, c] of DEMO_CATEGORIES.entries()) {
    const row = await trx
      .insertInto('categories')
      .values({
        code: c.code,
        parent_id: c.parent ? (ids.get(c.parent) ?? null) : null,
        name: JSON.stringify(c.name),
        default_unit_id: c.unit ? (unitIds.get(c.unit) ?? null) : null,
        accept_hours: c.acceptHours,
        reply_days: c.replyDays,
        sort_order: index,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(c.code, row.id);
  }
  return ids;
};

/** Tibet's working calendar for the whole region, and the petition time limits of the 2022 regulations. */
const insertCalendarAndPolicies = async (trx: Trx, unitIds: Map<string, string>, categoryIds: Map<string, string>): Promise<void> => {
  const calendar = await trx
    .insertInto('calendars')
    .values({
      code: 'xizang',
      name: JSON.stringify({ 'zh-Hans': '西藏自治区工作日历', bo: 'བོད་རང་སྐྱོང་ལྗོངས་ཀྱི་ལས་ཉིན་ལོ་ཐོ།', en: 'Tibet Autonomous Region working calendar' }),
      base: 'tibet',
      options: JSON.stringify({ losarDays: 7, shotonDays: 3 }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.updateTable('units').set({ calendar_id: calendar.id }).where('id', '=', unitIds.get('lhasa') ?? '').execute();
  const petition = {
    name: JSON.stringify({ 'zh-Hans': '信访事项法定时限', bo: 'མི་མང་ཞུ་གཏུག་གི་ཁྲིམས་ལྡན་དུས་ཚད།', en: 'Statutory petition limits' }),
    targets: JSON.stringify({ accept: { amount: 15, mode: 'natural_days' }, reply: { amount: 60, mode: 'natural_days' }, callback: { amount: 5, mode: 'working_days' } }),
    reply_clock: 'acceptance',
    max_extension_days: 30,
    priority: 10,
  };
  await trx.insertInto('sla_policies').values({ ...petition, code: 'petition_channel', channel: 'petition' }).execute();
  await trx.insertInto('sla_policies').values({ ...petition, code: 'petition_matter', category_id: categoryIds.get('petition_matter') ?? null }).execute();
};

const insertUsers = async (trx: Trx, unitIds: Map<string, string>, passwordHash: string): Promise<Map<string, UserActor>> => {
  const actors = new Map<string, UserActor>();
  const paths = new Map((await trx.selectFrom('units').select(['id', 'path']).execute()).map((u) => [u.id, u.path]));
  for (const u of DEMO_USERS) {
    const unitId = unitIds.get(u.unit);
    if (!unitId) throw new Error(`demo user ${u.username}: unknown unit ${u.unit}`);
    const row = await trx
      .insertInto('users')
      .values({ username: u.username, display_name: u.displayName, password_hash: passwordHash, roles: u.roles, unit_id: unitId, is_demo: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    actors.set(
      u.username,
      toActor({
        id: row.id, username: u.username, displayName: u.displayName, passwordHash, hasPassword: true, roles: u.roles.filter(isRole), unitId,
        unitPath: paths.get(unitId) ?? '', isActive: true,
      }),
    );
  }
  return actors;
};

type SeedContext = { unitIds: Map<string, string>; categoryIds: Map<string, string>; actors: Map<string, UserActor>; now: Date };

const seedCases = async (trx: Trx, ctx: SeedContext): Promise<number> => {
  let clock = new Date(ctx.now.getTime() - 40 * 24 * HOUR);
  const deps: CaseDeps = { transaction: (fn) => fn(createCaseStore(trx)), now: () => clock };
  const actor = (username: string): UserActor => {
    const found = ctx.actors.get(username);
    if (!found) throw new Error(`no demo user ${username}`);
    return found;
  };
  const handlerOf = (unitCode: string): UserActor => {
    const user = DEMO_USERS.find((u) => u.unit === unitCode && u.roles.includes('unit_handler'));
    return actor(user?.username ?? 'admin');
  };
  const created: CaseRecord[] = [];

  for (let i = 0; i < DEMO_TARGETS.length * 2 && i < DEMO_CASES.length + 8; i += 1) {
    const template = DEMO_CASES[i % DEMO_CASES.length] as CaseTemplate;
    const target = DEMO_TARGETS[i % DEMO_TARGETS.length] as DemoTarget;
    // Spread registrations over the last weeks, older ones first, so that lists, ages and overdue flags look real.
    clock = new Date(ctx.now.getTime() - (36 - i) * 24 * HOUR - (i % 5) * HOUR);
    const advance = (hours: number) => {
      clock = new Date(Math.min(clock.getTime() + hours * HOUR, ctx.now.getTime() - 60_000));
    };
    const act = async <A extends CaseAction & keyof ActionSchemas>(caseId: string, action: A, who: UserActor, body: ActionInput<A>) => {
      advance(1 + (i % 3));
      return performCaseAction(deps, { caseId, action, actor: who, body });
    };

    const categoryId = ctx.categoryIds.get(template.category);
    const { record } = await registerCase(deps, {
      actor: actor('agent'),
      body: {
        channel: template.channel,
        kind: template.kind,
        title: template.title,
        description: template.description,
        categoryId,
        address: template.address,
        requester: { name: template.requester.name, phone: template.requester.phone, language: template.language },
        amountClaimedFen: template.amountClaimedFen,
        publicationConsent: template.publicationConsent,
      },
    });
    let current = record;
    const unitCode = DEMO_CATEGORIES.find((c) => c.code === template.category)?.unit ?? 'hrss';
    const leadUnitId = ctx.unitIds.get(unitCode) ?? '';
    const handler = handlerOf(unitCode);

    if (target === 'registered') {
      created.push(current);
      continue;
    }
    if (target === 'rejected') {
      current = await act(current.id, 'reject', actor('agent'), {
        reason: '该事项已进入诉讼程序，不属于热线受理范围。',
        advice: '请向拉萨市城关区人民法院咨询案件进展。',
      });
      created.push(current);
      continue;
    }
    if (target === 'resolved_on_intake') {
      current = await act(current.id, 'resolve-on-intake', actor('agent'), { text: template.replyText, outcome: 'explained' });
      created.push(current);
      continue;
    }
    if (target === 'merged') {
      const master = created.find((c) => c.status !== 'merged' && c.status !== 'rejected' && c.status !== 'closed');
      if (master) {
        current = await act(current.id, 'merge', actor('dispatcher'), { masterId: master.id });
        created.push(current);
        continue;
      }
    }
    const assisting = target === 'dispatched_joint' ? [ctx.unitIds.get(unitCode === 'union' ? 'hrss' : 'union') ?? ''] : undefined;
    current = await act(current.id, 'dispatch', actor('dispatcher'), { unitId: leadUnitId, assistingUnitIds: assisting, note: '请按时限办理并答复。' });
    if (target === 'dispatched' || target === 'dispatched_joint') {
      created.push(current);
      continue;
    }
    if (target === 'returned') {
      current = await act(current.id, 'return', handler, { reason: '经核实，该事项不属于本单位职责范围，建议转交属地街道办理。' });
      created.push(current);
      continue;
    }
    current = await act(current.id, 'accept', handler, { note: '已签收，安排专人办理。' });
    await act(current.id, 'note', handler, { text: '已电话联系诉求人了解情况，预约现场核查。', isInternal: true });
    if (target === 'accepted') {
      created.push(current);
      continue;
    }
    if (target === 'accepted_supervised') {
      current = await act(current.id, 'supervise', actor('supervisor'), {
        dueBy: new Date(ctx.now.getTime() + 3 * 24 * HOUR).toISOString(),
        note: '该件已超期，请于三日内办结并报送办理情况。',
      });
      created.push(current);
      continue;
    }
    if (target === 'accepted_extension') {
      current = await act(current.id, 'request-extension', handler, { days: 10, reason: '涉及多个部门联合调查，需要延长办理时限。' });
      created.push(current);
      continue;
    }
    advance(24);
    current = await act(current.id, 'reply', handler, {
      text: template.replyText,
      outcome: 'resolved',
      amountRecoveredFen: template.amountClaimedFen,
    });
    if (target === 'replied') {
      created.push(current);
      continue;
    }
    advance(48);
    current = await act(current.id, 'callback', actor('agent'), { resolved: 'yes', satisfaction: i % 4 === 0 ? 'fairly_satisfied' : 'satisfied', comment: '问题已解决，感谢。' });
    if (target === 'closed') current = await act(current.id, 'close', actor('dispatcher'), {});
    created.push(current);
  }
  return created.length;
};
