import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { organisationFileSchema, planOrganisationImport, type OrganisationPlan } from '../core/directory/organisation-file.js';
import { appendAudit } from '../db/audit.repository.js';
import { migrateToLatest } from '../db/database.js';
import { applyOrganisationPlan, loadOrganisation, lockOrganisation } from '../db/organisation.repository.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';
import { InputError } from './jsonl.js';
import { operatorName } from './operator.js';

export const ORG_HELP = `Usage: bihuan org export [--out FILE]
       bihuan org import --file FILE [--dry-run]

export   writes the units and categories as one JSON file (to standard output without --out)
import   adds the units and categories of the file that are new and updates those that changed, by code, in one
         transaction; nothing is deleted (close one with "isActive": false). Parents come before their children.
         Every problem of the file is listed with its place (units[3].parent) and nothing is changed.
         --dry-run: say what would change, change nothing.

A deployment without the demo data (BIHUAN_SEED=off) starts with "bihuan org import", then
"bihuan users add --role admin". The format is in docs/organisation.md.
Options: --database-url URL (else DATABASE_URL, else the embedded PostgreSQL under BIHUAN_DATA_DIR).`;

const summary = (plan: OrganisationPlan): string =>
  [
    `units: ${plan.createUnits.length} new, ${plan.updateUnits.length} changed`,
    `categories: ${plan.createCategories.length} new, ${plan.updateCategories.length} changed`,
    `${plan.unchanged} unchanged`,
  ].join('; ');

const readFileOrThrow = async (file: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
};

export const runOrgCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    options: {
      file: { type: 'string' },
      out: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const sub = positionals[0];
  if (values.help || (sub !== 'import' && sub !== 'export') || positionals.length > 1) {
    (values.help ? io.stdout : io.stderr)(ORG_HELP);
    return values.help ? 0 : 2;
  }
  if (sub === 'import' && !values.file) throw new InputError(`org import needs --file\n\n${ORG_HELP}`);

  // The file is checked before a database is opened: a bad file costs nothing.
  let file = null;
  if (sub === 'import') {
    const parsed = organisationFileSchema.safeParse(await readFileOrThrow(values.file ?? ''));
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')}: ${i.message}`);
      throw new InputError(`${values.file} is not an organisation file:\n${lines.join('\n')}`);
    }
    file = parsed.data;
  }

  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    await migrateToLatest(db);
    if (!file) {
      const text = `${JSON.stringify(await loadOrganisation(db), null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, text);
        io.stdout(`organisation written to ${values.out}`);
      } else {
        io.writeStdout(text);
      }
      return 0;
    }
    const checked = file;
    const outcome = await db.transaction().execute(async (trx) => {
      await lockOrganisation(trx);
      const result = planOrganisationImport(await loadOrganisation(trx), checked);
      if ('issues' in result || values['dry-run']) return result;
      await applyOrganisationPlan(trx, result.plan);
      await appendAudit(trx, {
        at: new Date(), actorId: null, actorName: operatorName(), ip: null, userAgent: 'bihuan org', action: 'organisation.imported',
        subjectKind: null, subjectId: null, outcome: 'done',
        data: {
          createdUnits: result.plan.createUnits.map((u) => u.code), changedUnits: result.plan.updateUnits.map((u) => u.code),
          createdCategories: result.plan.createCategories.map((c) => c.code), changedCategories: result.plan.updateCategories.map((c) => c.code),
        },
      });
      return result;
    });
    if ('issues' in outcome) {
      throw new InputError(`${values.file}: nothing was changed:\n${outcome.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    }
    io.stdout(`${values['dry-run'] ? 'would import' : 'imported'}: ${summary(outcome.plan)}`);
    return 0;
  });
};
