// Bundles the CLI (and the benchmark) with esbuild so `verifier` starts without a TypeScript transpile.
// `--if-stale` rebuilds only when a source file is newer than the bundle (keeps `npm start` fast).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const entries = [
  { in: 'bin/verifier.ts', out: 'dist/verifier.mjs' },
  ...(existsSync('bench/bench.ts') ? [{ in: 'bench/bench.ts', out: 'dist/bench.mjs' }] : []),
  // The benchmark's child processes: the floor script and the in-process workload runner.
  ...(existsSync('bench/floor-main.ts') ? [{ in: 'bench/floor-main.ts', out: 'dist/bench-floor.mjs' }] : []),
  ...(existsSync('bench/runner.ts') ? [{ in: 'bench/runner.ts', out: 'dist/bench-runner.mjs' }] : []),
];

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (process.argv.includes('--if-stale')) {
  const src = Math.max(...['bin', 'cli', 'lambda', 'sandbox', 'bench'].filter(existsSync).map(newest));
  if (entries.every((e) => existsSync(e.out) && statSync(e.out).mtimeMs >= src)) process.exit(0);
}

for (const e of entries) {
  await build({
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // CommonJS dependencies bundled into ESM need a real `require`.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    // dynalite and esbuild (dev only, used by the bench) load at run time from node_modules.
    external: ['aws-cdk-lib', 'constructs', 'cdk-nag', '@aws-sdk/*', 'dynalite', 'esbuild'],
    logLevel: 'warning',
  });
}
