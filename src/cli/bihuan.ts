#!/usr/bin/env node
// Entry point of the bihuan command line (npx bihuan …); the logic lives in run-cli.ts.
import { runCli } from './run-cli.js';

// Not a top-level await: under `node --import tsx` an exit code set after one is lost (the process exits 0).
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
