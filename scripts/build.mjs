// Bundles the CLI (and the benchmark) with esbuild so `verifier` starts without a TypeScript transpile.
// `--if-stale` rebuilds only when a source file is newer than the bundle (keeps `npm start` fast).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
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

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // `--no-minify` keeps names readable in CPU profiles (npm run bench -- --profile DIR).
  minify: !process.argv.includes('--no-minify'),
  sourcemap: 'linked',
  // CommonJS dependencies bundled into ESM need a real `require` (the banner goes on every chunk).
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  // dynalite, esbuild and playwright-core (dev only, used by the bench) load at run time from node_modules.
  external: ['aws-cdk-lib', 'constructs', 'cdk-nag', '@aws-sdk/*', 'dynalite', 'esbuild', 'playwright-core'],
  logLevel: 'warning',
};

// The CLI is split: dist/verifier.mjs holds commander and the flags; each command's implementation is
// a chunk it imports when that command runs. Chunks sit next to the entry (dist/), because
// cli/start.ts finds the project root one folder above its own file.
const [cli, ...rest] = entries;
const result = await build({
  ...common,
  entryPoints: [{ in: cli.in, out: 'verifier' }],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'verifier-chunk-[hash]',
  metafile: true,
});
removeStaleChunks(new Set(Object.keys(result.metafile.outputs).map((f) => basename(f))));

for (const e of rest) {
  await build({ ...common, entryPoints: [e.in], outfile: e.out });
}

/** Chunks of earlier builds that are an hour old (a CLI still running may yet import a recent one). */
function removeStaleChunks(current) {
  const hourAgo = Date.now() - 3600_000;
  for (const name of readdirSync('dist')) {
    if (!/^verifier-chunk-.*\.mjs(\.map)?$/.test(name) || current.has(name)) continue;
    const p = join('dist', name);
    if (statSync(p).mtimeMs < hourAgo) rmSync(p, { force: true });
  }
}
