#!/usr/bin/env node
// The `verifier` CLI entry (bundled to dist/verifier.mjs by scripts/build.mjs).
import { wantJitTuning } from '../cli/jit.js';
import { main } from '../cli/main.js';

// `run` and `start` tune V8 for a short process once their modules are loaded (cli/jit.ts).
wantJitTuning();
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`verifier: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
