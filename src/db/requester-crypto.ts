import { sql } from 'kysely';
import type { BlindIndexKind, FieldCrypto } from '../core/privacy/field-crypto.js';
import type { DbOrTrx } from './database.js';

/**
 * Requesters' identity at rest: every reader and writer of `requesters.name/phone/id_number/email` goes through
 * these helpers. The columns hold sealed values (`e1.<key id>.…`); a value without that prefix is a row written
 * before encryption, read as it is until `sealRequesters` (run at start) has sealed it.
 */

export type RequesterIdentity = { name: string | null; phone: string | null; idNumber: string | null; email: string | null };

export const IDENTITY_COLUMNS = ['name', 'phone', 'id_number', 'email'] as const;
export type IdentityColumn = (typeof IDENTITY_COLUMNS)[number];

const SEALED_PREFIX = 'e1.';
export const isSealed = (value: string): boolean => value.startsWith(SEALED_PREFIX);

const refOf = (requesterId: string, column: IdentityColumn) => ({ table: 'requesters', column, rowId: requesterId });

/** The columns to write for a requester's identity: sealed values and their blind indexes. */
export const sealIdentity = (crypto: FieldCrypto, requesterId: string, identity: RequesterIdentity) => ({
  name: crypto.sealOrNull(refOf(requesterId, 'name'), identity.name),
  phone: crypto.sealOrNull(refOf(requesterId, 'phone'), identity.phone),
  id_number: crypto.sealOrNull(refOf(requesterId, 'id_number'), identity.idNumber),
  email: crypto.sealOrNull(refOf(requesterId, 'email'), identity.email),
  name_bidx: identity.name ? crypto.blindIndex('name', identity.name) : null,
  phone_bidx: identity.phone ? crypto.blindIndex('phone', identity.phone) : null,
  id_number_bidx: identity.idNumber ? crypto.blindIndex('id_number', identity.idNumber) : null,
  email_bidx: identity.email ? crypto.blindIndex('email', identity.email) : null,
});

export const openField = (crypto: FieldCrypto, requesterId: string, column: IdentityColumn, value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  return isSealed(value) ? crypto.open(refOf(requesterId, column), value) : value;
};

export const openIdentity = (
  crypto: FieldCrypto,
  requesterId: string,
  row: { name?: string | null; phone?: string | null; id_number?: string | null; email?: string | null },
): RequesterIdentity => ({
  name: openField(crypto, requesterId, 'name', row.name),
  phone: openField(crypto, requesterId, 'phone', row.phone),
  idNumber: openField(crypto, requesterId, 'id_number', row.id_number),
  email: openField(crypto, requesterId, 'email', row.email),
});

/** The blind index to look a value up by, e.g. `where('phone_bidx', '=', blindIndexOf(crypto, 'phone', phone))`. */
export const blindIndexOf = (crypto: FieldCrypto, kind: BlindIndexKind, plain: string): string | null => crypto.blindIndex(kind, plain);

/**
 * Seals rows written in plain text (before encryption, or by a restore of an old backup) and re-seals rows under
 * a retired key after a rotation, in batches of short transactions with row locks skipped, so that it can run
 * while the server takes cases. Returns how many rows it rewrote.
 */
export const sealRequesters = async (db: DbOrTrx, crypto: FieldCrypto, options: { batchSize?: number; isResealingStale?: boolean } = {}): Promise<number> => {
  const batchSize = options.batchSize ?? 500;
  const activePrefix = `${SEALED_PREFIX}${crypto.activeKeyId}.`;
  let total = 0;
  for (;;) {
    const rewritten = await db.transaction().execute(async (trx) => {
      const needsWork = (column: IdentityColumn) =>
        options.isResealingStale
          ? sql<boolean>`(${sql.ref(column)} IS NOT NULL AND ${sql.ref(column)} NOT LIKE ${`${activePrefix}%`})`
          : sql<boolean>`(${sql.ref(column)} IS NOT NULL AND ${sql.ref(column)} NOT LIKE ${`${SEALED_PREFIX}%`})`;
      const rows = await trx
        .selectFrom('requesters')
        .select(['id', 'name', 'phone', 'id_number', 'email'])
        .where((eb) => eb.or(IDENTITY_COLUMNS.map((c) => eb(needsWork(c), '=', true))))
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        await trx.updateTable('requesters').set(sealIdentity(crypto, row.id, openIdentity(crypto, row.id, row))).where('id', '=', row.id).execute();
      }
      return rows.length;
    });
    total += rewritten;
    if (rewritten < batchSize) return total;
  }
};

type JoinedRequester = { requester_name: string | null; requester_phone: string | null; requester_email: string | null; requester_id_number: string | null };
type JoinedMaster = {
  master_requester_name: string | null;
  master_requester_phone: string | null;
  master_requester_email: string | null;
  master_requester_id_number: string | null;
};

/** Decrypts the `requester_*` columns of a row that joined `requesters` (selected with the requester's id). */
export const openJoinedRequester = <T extends JoinedRequester>(crypto: FieldCrypto, row: T, requesterId: string | null): T => {
  if (requesterId === null) return row;
  return {
    ...row,
    requester_name: openField(crypto, requesterId, 'name', row.requester_name),
    requester_phone: openField(crypto, requesterId, 'phone', row.requester_phone),
    requester_email: openField(crypto, requesterId, 'email', row.requester_email),
    requester_id_number: openField(crypto, requesterId, 'id_number', row.requester_id_number),
  };
};

/** The same for the `master_requester_*` columns (the requester of the case a duplicate was merged into). */
export const openJoinedMaster = <T extends JoinedMaster>(crypto: FieldCrypto, row: T, requesterId: string | null): T => {
  if (requesterId === null) return row;
  return {
    ...row,
    master_requester_name: openField(crypto, requesterId, 'name', row.master_requester_name),
    master_requester_phone: openField(crypto, requesterId, 'phone', row.master_requester_phone),
    master_requester_email: openField(crypto, requesterId, 'email', row.master_requester_email),
    master_requester_id_number: openField(crypto, requesterId, 'id_number', row.master_requester_id_number),
  };
};
