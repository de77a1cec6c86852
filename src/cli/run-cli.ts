import { processIo, type CliIo } from './cli-io.js';
import { InputError } from './jsonl.js';
import { runRouterCommand } from './router-command.js';
import { runAuditCommand, runBackupCommand, runRestoreCommand } from './admin-commands.js';
import { runKeysCommand } from './keys-command.js';
import { runOpenDataCommand } from './open-data-command.js';
import { runStatsCommand } from './stats-command.js';
import { runUsersCommand } from './users-command.js';
import { runOrgCommand } from './org-command.js';
import { runWorkerCommand } from './worker-command.js';

export const MAIN_HELP = `Usage: bihuan <command> [options]

Commands:
  router   train, run and evaluate the dispatch router (bihuan router --help)
  stats    rebuild the statistics rollups from the timeline (bihuan stats --help)
  audit    verify the hash chain of the audit log (bihuan audit verify)
  backup   write a consistent backup of the database (bihuan backup --out FILE)
  restore  restore a backup into an empty database (bihuan restore --in FILE)
  keys     rotate the keys of personal data at rest (bihuan keys --help)
  org      import or export the units and categories (bihuan org --help)
  users    make the first administrator, rescue, disable or sign out an account (bihuan users --help)
  worker   run the background work without the web server (bihuan worker --help)
  open-data  refresh every case's public snapshot (bihuan open-data refresh)

Options:
  -h, --help   show this help`;

/** Exit statuses: 0 success, 1 unexpected failure, 2 bad usage or bad input (with the offending line). */
export type ExitCode = 0 | 1 | 2 | 3;

/** 3 is reserved for "checked, and found broken" (audit verify). */
const toExit = (code: number): ExitCode => (code === 0 || code === 1 || code === 2 || code === 3 ? code : 1);

const isParseArgsError = (error: unknown): error is Error =>
  error instanceof Error &&
  'code' in error &&
  typeof error.code === 'string' &&
  error.code.startsWith('ERR_PARSE_ARGS');

export const runCli = async (argv: readonly string[], io: CliIo = processIo): Promise<ExitCode> => {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'router':
        return (await runRouterCommand(rest, io)) === 0 ? 0 : 2;
      case 'stats':
        return toExit(await runStatsCommand(rest, io));
      case 'audit':
        return toExit(await runAuditCommand(rest, io));
      case 'backup':
        return toExit(await runBackupCommand(rest, io));
      case 'restore':
        return toExit(await runRestoreCommand(rest, io));
      case 'keys':
        return toExit(await runKeysCommand(rest, io));
      case 'org':
        return toExit(await runOrgCommand(rest, io));
      case 'users':
        return toExit(await runUsersCommand(rest, io));
      case 'worker':
        return toExit(await runWorkerCommand(rest, io));
      case 'open-data':
        return toExit(await runOpenDataCommand(rest, io));
      case '-h':
      case '--help':
      case 'help':
        io.stdout(MAIN_HELP);
        return 0;
      case undefined:
        io.stderr(MAIN_HELP);
        return 2;
      default:
        io.stderr(`bihuan: unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof InputError || isParseArgsError(error)) {
      io.stderr(`bihuan: ${error.message}`);
      return 2;
    }
    io.stderr(`bihuan: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
};
