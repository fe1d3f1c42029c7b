#!/usr/bin/env node
// The `verifier` CLI entry (bundled to dist/verifier.mjs by scripts/build.mjs).
import module from 'node:module';

// Node 22.1+ keeps the V8 code of the modules loaded after this line on disk (in the OS temp folder)
// and reuses it on the next start, instead of compiling the CLI's 800 KB again; older Nodes lack it.
// So the CLI is imported only after it, dynamically.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import('../cli/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`verifier: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
