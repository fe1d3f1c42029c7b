#!/usr/bin/env node
// The `verifier` CLI entry (bundled to dist/verifier.mjs by scripts/build.mjs).
import { main } from '../cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`verifier: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
