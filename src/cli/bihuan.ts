#!/usr/bin/env node
// Entry point of the bihuan command line (npx tsx src/cli/bihuan.ts …); the logic lives in run-cli.ts.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
