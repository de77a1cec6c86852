import { sql } from 'kysely';
import type { TwoFactorImpactStore } from '../core/auth/two-factor-impact.js';
import type { DbOrTrx } from './database.js';

/** One pass over the users: one row per stored roles array, with how many of its active people lack TOTP. */
export const createTwoFactorImpactStore = (db: DbOrTrx): TwoFactorImpactStore => ({
  countActiveAccountsByRoles: async () => {
    const rows = await db
      .selectFrom('users as u')
      .where('u.is_active', '=', true)
      // Service accounts call with API tokens, which the enrolment rule never stops (auth.plugin.ts).
      .where((eb) => eb.not(eb.exists(eb.selectFrom('service_accounts').select('user_id').whereRef('service_accounts.user_id', '=', 'u.id'))))
      .select('u.roles')
      .select((eb) => [
        eb.fn.countAll<string>().as('active_accounts'),
        sql<string>`count(*) filter (where not exists (
          select 1 from user_totp t where t.user_id = u.id and t.enabled_at is not null
        ))`.as('without_two_factor'),
      ])
      .groupBy('u.roles')
      .execute();
    return rows.map((r) => ({ roles: r.roles, activeAccounts: Number(r.active_accounts), withoutTwoFactor: Number(r.without_two_factor) }));
  },
});
