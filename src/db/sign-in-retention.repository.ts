import { sql } from 'kysely';
import { NEW_DEVICE_NOTICE_CODE } from '../core/auth/known-devices.js';
import type { DbOrTrx } from './database.js';

/*
 * The clean-up of sign-in traces (src/core/auth/sign-in-retention.ts, src/jobs/sign-in-retention.ts). Each call
 * deletes one batch, oldest first, so that a first run over years of rows holds its locks for a moment and not for
 * minutes; rows a sign-in holds at that moment are skipped (SKIP LOCKED) and wait for the next run.
 */

/**
 * Deletes up to `limit` new-device notices made before `before`; notices of every other kind are never touched.
 * The code is written into the text, not sent as a parameter, so that PostgreSQL can always use the partial index
 * on it (migration 20261126080000): a plan made without the value could not.
 */
export const deleteOldSignInNotices = async (db: DbOrTrx, before: Date, limit: number): Promise<number> => {
  const result = await db
    .deleteFrom('staff_notifications')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('staff_notifications as old')
        .select('old.id')
        .where('old.code', '=', sql.lit(NEW_DEVICE_NOTICE_CODE))
        .where('old.created_at', '<', before)
        .orderBy('old.created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

/**
 * Forgets up to `limit` devices last seen before `before`, except the one each account used last (isDeviceForgotten:
 * an account left with no device would take its next sign-in for its first and give no notice). The newest device
 * of an account is the one no other device of it follows, by time and then by key, so that two seen at the same
 * instant still leave exactly one. A sign-in at this moment locks its device's row and is skipped; one that comes
 * after the delete remembers its device afresh.
 */
export const deleteUnusedKnownDevices = async (db: DbOrTrx, before: Date, limit: number): Promise<number> => {
  const result = await db
    .deleteFrom('known_devices')
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('known_devices.user_id', 'known_devices.device_hash'),
        'in',
        selectFrom('known_devices as old')
          .select(['old.user_id', 'old.device_hash'])
          .where('old.last_seen_at', '<', before)
          .where(({ exists, selectFrom: selectFromInner }) =>
            exists(
              selectFromInner('known_devices as newer')
                .select(sql.lit(1).as('one'))
                .whereRef('newer.user_id', '=', 'old.user_id')
                .where(sql<boolean>`(newer.last_seen_at, newer.device_hash) > (old.last_seen_at, old.device_hash)`),
            ),
          )
          .orderBy('old.last_seen_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .$asTuple('user_id', 'device_hash'),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};
