// Size and cold-import time of a Lambda handler bundle, built with the SAME esbuild settings the
// stack's NodejsFunction uses (lib/lambda-bundle.ts), plus the biggest contributors from esbuild's
// metafile.
//
//   node scripts/bundle-report.mjs [handler=verify] [--reps 7] [--top 15] [--json]
//
// The load time is the median over fresh `node` processes of `require(bundle)` (how the nodejs22.x
// runtime loads an index.js), with dummy
// values for every env variable the handler's config reads (bench/workloads/lambda.ts: dummyEnv).
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';

const run = promisify(execFile);
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const handler = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? 'verify';
const reps = Number(opt('reps', '7'));
const top = Number(opt('top', '15'));

const { REPO_ROOT, handlerEntry } = await tsImport('../lib/constructs/node-function.ts', import.meta.url);
const { lambdaBuildOptions } = await tsImport('../lib/lambda-bundle.ts', import.meta.url);
const { dummyEnv } = await tsImport('../bench/workloads/lambda.ts', import.meta.url);

// Inside the repo, so the external @aws-sdk/* imports resolve from node_modules as in the runtime.
const outDir = join(REPO_ROOT, 'node_modules/.cache/bundle-report');
await mkdir(outDir, { recursive: true });
// `.cjs`: the repository's package.json says "type": "module"; the Lambda's index.js has none.
const outfile = join(outDir, `${handler}.cjs`);
const result = await build({
  ...lambdaBuildOptions(REPO_ROOT, handlerEntry(handler), outfile),
  metafile: true,
});
const bytes = (await stat(outfile)).size;

/** `node_modules/undici/lib/x.js` → `undici`; `lambda/engine/run/x.ts` → `lambda/engine`. */
function groupOf(input) {
  const parts = input.split(/[\\/]/);
  const nm = parts.lastIndexOf('node_modules');
  if (nm >= 0) {
    const name = parts[nm + 1] ?? '?';
    return name.startsWith('@') ? `${name}/${parts[nm + 2]}` : name;
  }
  return parts.slice(0, 2).join('/');
}

const output = Object.values(result.metafile.outputs)[0];
const files = Object.entries(output.inputs).map(([file, v]) => ({ file, bytes: v.bytesInOutput }));
const groups = new Map();
for (const f of files) groups.set(groupOf(f.file), (groups.get(groupOf(f.file)) ?? 0) + f.bytes);
const byGroup = [...groups].map(([name, b]) => ({ name, bytes: b })).sort((a, b) => b.bytes - a.bytes);
const byFile = files.sort((a, b) => b.bytes - a.bytes);

const env = { PATH: process.env.PATH, ...(await dummyEnv(REPO_ROOT)) };
// As the nodejs22.x runtime loads an index.js: with require().
const script = `const load = (await import('node:module')).createRequire(process.argv[1]);
const t = performance.now(); const m = load(process.argv[1]);
if (typeof m.handler !== 'function') throw new Error('no handler export');
process.stdout.write(String(performance.now() - t));`;
const times = [];
for (let i = 0; i < reps; i++) {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, outfile], {
    env,
    cwd: REPO_ROOT,
  });
  times.push(Number(stdout));
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
if (args.includes('--json')) {
  const report = {
    handler,
    bytes,
    importMs: { median, runs: times },
    groups: byGroup,
    files: byFile.slice(0, top),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const lines = [
    `handler: lambda/handlers/${handler}.ts → ${outfile.split(sep).slice(-3).join('/')}`,
    `bundle size: ${kb(bytes)} (${bytes} bytes; target ≤ 1024 KB)`,
    `load handler module with require(), fresh node ${process.version}: median ${median.toFixed(0)} ms over ${reps} runs (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}; target ≤ 300 ms)`,
    '',
    'top contributors by package / source folder (bytes in output):',
    ...byGroup.slice(0, top).map((g) => `  ${kb(g.bytes).padStart(10)}  ${g.name}`),
    '',
    'top files:',
    ...byFile.slice(0, top).map((f) => `  ${kb(f.bytes).padStart(10)}  ${f.file}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
