import { parseArgs } from 'node:util';
import { addDataKeyToFile, fieldCryptoFor, forgetCachedKeyrings } from '../db/data-keys.js';
import { sealRequesters } from '../db/requester-crypto.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';

export const KEYS_HELP = `Usage: bihuan keys rotate [--reseal-only] [--database-url URL]
       bihuan keys status [--database-url URL]

rotate   adds a new data key to <BIHUAN_DATA_DIR>/data-keys.json, makes it the active one, then re-seals every
         requester's identity under it (in batches; the server may keep running). The old keys stay in the file
         until you remove them, which is safe once "keys status" shows no value under them.
         --reseal-only: do not add a key (the keyring comes from BIHUAN_DATA_KEYS and you changed it there).
status   the active key and how many stored values are sealed under each key, or not sealed yet.`;

export const runKeysCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    options: { 'database-url': { type: 'string' }, 'reseal-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const sub = positionals[0];
  if (values.help || (sub !== 'rotate' && sub !== 'status')) {
    (values.help ? io.stdout : io.stderr)(KEYS_HELP);
    return values.help ? 0 : 2;
  }
  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    if (sub === 'rotate') {
      if (!values['reseal-only']) {
        const id = addDataKeyToFile();
        forgetCachedKeyrings();
        io.stdout(`new active data key: ${id}`);
      }
      const crypto = fieldCryptoFor();
      const started = Date.now();
      const rows = await sealRequesters(db, crypto, { isResealingStale: true });
      io.stdout(`re-sealed ${rows} requesters under ${crypto.activeKeyId} (${Date.now() - started} ms)`);
      return 0;
    }
    const crypto = fieldCryptoFor();
    const counts = await db
      .selectFrom('requesters')
      .select((eb) => [eb.fn.coalesce(eb.fn('split_part', ['phone', eb.val('.'), eb.val(2)]), eb.val('(none)')).as('key'), eb.fn.countAll<string>().as('n')])
      .groupBy('key')
      .execute();
    io.stdout(`active data key: ${crypto.activeKeyId}`);
    for (const row of counts) io.stdout(`  ${row.key === '' ? '(not sealed)' : row.key}: ${row.n} requesters (by their phone column)`);
    return 0;
  });
};
