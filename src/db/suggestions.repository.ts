import { sql } from 'kysely';
import { systemDispatcherOf, type UserActor, type SystemActor } from '../core/auth/actor.js';
import { isRole, permissionsForRoles } from '../core/auth/roles.js';
import { parseRouterModel } from '../text/router/router.js';
import type { ActiveModelInfo, HistoryCase, ModelEvaluation, RouterModelStore, RouterTarget } from '../core/suggestions/retrain-router.js';
import type { ActiveModels, LoadedModel } from '../core/suggestions/suggest-dispatch.js';
import { caseText } from '../core/suggestions/suggest-dispatch.js';
import { resolveSuggestionSettings, type SuggestionSettings } from '../core/suggestions/suggestion-settings.js';
import type { DbOrTrx } from './database.js';
import { loadTextSetting } from './duplicates.repository.js';

export const loadSuggestionSettings = async (db: DbOrTrx): Promise<SuggestionSettings> => resolveSuggestionSettings(await loadTextSetting(db, 'suggestions'));

/**
 * The organisation's dispatch history. The unit label is the lead unit that accepted the case, or else the
 * first one a person dispatched it to: a first dispatch the unit sent back was a mistake, and a model trained on
 * it would learn the mistake. Exported for its test.
 */
export const loadHistory = async (db: DbOrTrx, limit: number): Promise<HistoryCase[]> => {
  const { rows } = await sql<{ id: string; title: string; description: string; created_at: Date; category_id: string | null; unit_id: string | null }>`
    SELECT c.id, c.title, c.description, c.created_at, c.category_id,
      coalesce(
        (SELECT a.unit_id FROM case_assignments a WHERE a.case_id = c.id AND a.role = 'lead' AND a.accepted_at IS NOT NULL ORDER BY a.assigned_at DESC LIMIT 1),
        (SELECT a.unit_id FROM case_assignments a WHERE a.case_id = c.id AND a.role = 'lead'
           -- A submission the system dispatched that no unit has accepted yet is the model's own guess: learning it
           -- would only teach the model what it already thinks.
           AND NOT (a.assigned_by IS NULL AND EXISTS (
             SELECT 1 FROM work_item_events e WHERE e.item_kind = 'case' AND e.item_id = c.id AND e.code = 'case.dispatched' AND e.actor_kind = 'system'))
         ORDER BY a.assigned_at LIMIT 1)
      ) AS unit_id
    FROM cases c
    WHERE c.status <> 'rejected'
      AND (c.category_id IS NOT NULL OR EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.role = 'lead'))
    ORDER BY c.created_at DESC, c.id DESC
    LIMIT ${limit}`.execute(db);
  return rows
    .map((r) => ({ caseId: r.id, text: caseText(r.title, r.description), at: r.created_at, unitId: r.unit_id, categoryId: r.category_id }))
    .reverse();
};

const toInfo = (row: { id: string; version: number; evaluation: Record<string, unknown> }): ActiveModelInfo => ({
  id: row.id,
  version: row.version,
  evaluation: 'holdout' in row.evaluation ? (row.evaluation as unknown as ModelEvaluation) : null,
});

export const createRouterModelStore = (db: DbOrTrx): RouterModelStore => ({
  history: (limit) => loadHistory(db, limit),
  activeLabels: async (target) => {
    const rows = target === 'unit'
      ? await db.selectFrom('units').select('id').where('is_active', '=', true).execute()
      : await db.selectFrom('categories').select('id').where('is_active', '=', true).execute();
    return new Set(rows.map((r) => r.id));
  },
  activeModel: async (target) => {
    const row = await db.selectFrom('router_models').select(['id', 'version', 'evaluation']).where('target', '=', target).where('status', '=', 'active').executeTakeFirst();
    return row ? toInfo(row) : null;
  },
  saveModel: async (m) => {
    // One version sequence per target; the lock keeps two retrains from taking the same number.
    await sql`SELECT pg_advisory_xact_lock(hashtext('router_models'), hashtext(${m.target}))`.execute(db);
    const last = await db.selectFrom('router_models').select((eb) => eb.fn.max('version').as('v')).where('target', '=', m.target).executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    if (m.status === 'active') {
      await db.updateTable('router_models').set({ status: 'retired' }).where('target', '=', m.target).where('status', '=', 'active').execute();
    }
    const row = await db
      .insertInto('router_models')
      .values({
        target: m.target, version, status: m.status, trigger: m.trigger, requested_by: m.requestedBy, examples: m.examples, labels: m.labels,
        model: m.model, evaluation: JSON.stringify(m.evaluation), seconds: m.seconds, error: m.error, trained_at: m.trainedAt,
        activated_at: m.status === 'active' ? m.trainedAt : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, version };
  },
});

/** The parsed active model of each target: a model file is megabytes of JSON, parsed once per process and version. */
const parsedModels = new Map<RouterTarget, LoadedModel>();

/**
 * The active models, parsed on first use and cached; each call costs one small query to notice that a
 * retrain (possibly in another process) activated a new version.
 */
export const createActiveModels = (db: DbOrTrx): ActiveModels => ({
  get: async (target: RouterTarget) => {
    const active = await db.selectFrom('router_models').select(['id', 'version', 'evaluation']).where('target', '=', target).where('status', '=', 'active').executeTakeFirst();
    if (!active) return null;
    const cached = parsedModels.get(target);
    if (cached?.id === active.id) return cached;
    const row = await db.selectFrom('router_models').select('model').where('id', '=', active.id).executeTakeFirst();
    if (!row?.model) return null;
    const loaded: LoadedModel = { id: active.id, version: active.version, model: parseRouterModel(row.model), evaluation: toInfo(active).evaluation };
    parsedModels.set(target, loaded);
    return loaded;
  },
});

export type ModelListRow = {
  id: string; target: string; version: number; status: string; trigger: string; examples: number; labels: number; seconds: number;
  error: string | null; trainedAt: Date; activatedAt: Date | null; evaluation: Record<string, unknown>;
};

export const listRouterModels = async (db: DbOrTrx, limit: number): Promise<ModelListRow[]> => {
  const rows = await db
    .selectFrom('router_models')
    .select(['id', 'target', 'version', 'status', 'trigger', 'examples', 'labels', 'seconds', 'error', 'trained_at', 'activated_at', 'evaluation'])
    .orderBy('trained_at', 'desc')
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id, target: r.target, version: r.version, status: r.status, trigger: r.trigger, examples: r.examples, labels: r.labels.length,
    seconds: Number(r.seconds), error: r.error, trainedAt: r.trained_at, activatedAt: r.activated_at, evaluation: r.evaluation,
  }));
};

/**
 * The intake desk of the unit that took a case in, acting by itself: for the auto-dispatch of what citizens and
 * integrations submit, which no staff member registered. Null when the case is gone.
 */
export const loadIntakeDeskActor = async (db: DbOrTrx, caseId: string): Promise<SystemActor | null> => {
  const unit = await db
    .selectFrom('cases')
    .innerJoin('units', 'units.id', 'cases.intake_unit_id')
    .select(['units.id', 'units.path'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  return unit ? systemDispatcherOf(unit, permissionsForRoles(['dispatcher'])) : null;
};

/**
 * The user who registered a case, as an actor, for auto-dispatch in their name; null for an unknown or
 * deactivated user (a case registered by a citizen or an integration has no such user).
 */
export const loadUserActor = async (db: DbOrTrx, userId: string): Promise<UserActor | null> => {
  const row = await db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.roles', 'users.unit_id', 'users.is_active', 'units.path'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row || !row.is_active) return null;
  const roles = row.roles.filter(isRole);
  return {
    kind: 'user', userId: row.id, username: row.username, displayName: row.display_name, roles, permissions: permissionsForRoles(roles), unitId: row.unit_id, unitPath: row.path,
  };
};
