// The verifier Lambda's bundle as the stack ships it (esbuild, minified, node22, ESM, the AWS SDK v3
// left to the runtime): its size, and the time a fresh process takes to import the handler module
// (the cold init that every cold start pays), measured locally.
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BenchConfig } from '../context.js';
import { measureNode, median } from '../measure.js';
import { fmt, type Row } from '../report.js';
import type { OverheadResult } from './overhead.js';

export const HANDLER = 'lambda/handlers/verify.ts';

/** Bundles the handler into dist/bench-lambda/ (inside the repo, so `@aws-sdk/*` resolves as in the runtime). */
export async function bundleHandler(root: string): Promise<string> {
  const outDir = join(root, 'dist/bench-lambda');
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, 'verify.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: [HANDLER],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['@aws-sdk/*'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
}

/**
 * Dummy values for every environment variable the Lambda config reads (names found in
 * lambda/config/verify.ts), so that the module's top-level config read succeeds without AWS.
 */
export async function dummyEnv(root: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
  };
  const file = ['lambda/config/verify.ts', 'lambda/config.ts'].map((f) => join(root, f)).find(existsSync);
  if (!file) return env;
  const source = await readFile(file, 'utf8');
  for (const [, name] of source.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g)) {
    if (!name || name in env) continue;
    env[name] = /ARN/.test(name)
      ? `arn:aws:sns:us-east-1:123456789012:${name.toLowerCase()}`
      : /URL|ENDPOINT/.test(name)
        ? 'https://example.invalid'
        : /DAYS|SECONDS|_MS|CONCURRENCY|RPS|TIMEOUT|LIMIT|MAX/.test(name)
          ? '5'
          : /ENABLED|ALLOW/.test(name)
            ? 'false'
            : `bench-${name.toLowerCase().replace(/_/g, '-')}`;
  }
  return env;
}

const IMPORT_SCRIPT = `const t = performance.now(); const m = await import(process.argv[1]);
process.stdout.write(JSON.stringify({ ms: performance.now() - t, exports: Object.keys(m) }));`;

export async function benchLambda(cfg: BenchConfig): Promise<OverheadResult> {
  if (!existsSync(join(cfg.root, HANDLER))) {
    return {
      rows: [{ workload: 'verifier Lambda', measure: 'bundle', verifier: `${HANDLER} not found` }],
      raw: {},
    };
  }
  cfg.log('lambda: bundling the verify handler and importing it in fresh processes');
  const outfile = await bundleHandler(cfg.root);
  const bytes = statSync(outfile).size;
  const env = { ...process.env, ...(await dummyEnv(cfg.root)) };
  const imports: number[] = [];
  const walls: number[] = [];
  let exportsSeen: string[] = [];
  let failure = '';
  for (let i = 0; i < Math.max(5, cfg.reps); i++) {
    const m = await measureNode(['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(outfile).href], {
      env,
    });
    if (m.code !== 0) {
      failure = m.stderr.slice(-1500);
      break;
    }
    const out = JSON.parse(m.stdout) as { ms: number; exports: string[] };
    imports.push(out.ms);
    walls.push(m.wallMs);
    exportsSeen = out.exports;
  }
  const importMs = median(imports);
  // The share of that import spent loading the AWS SDK v3 packages the handler imports (external: the
  // runtime provides them), measured alone in fresh processes.
  const sdk = [
    ...(await readFile(join(cfg.root, HANDLER), 'utf8')).matchAll(/from '(@aws-sdk\/[^']+)'/g),
  ].map((m) => m[1]);
  const sdkScript = `const t = performance.now(); await Promise.all(${JSON.stringify(sdk)}.map((p) => import(p)));
process.stdout.write(String(performance.now() - t));`;
  const sdkMs: number[] = [];
  for (let i = 0; i < Math.max(5, cfg.reps); i++) {
    const m = await measureNode(['--input-type=module', '-e', sdkScript], { env, cwd: cfg.root });
    if (m.code === 0) sdkMs.push(Number(m.stdout));
  }
  const rows: Row[] = [
    {
      workload: 'verifier Lambda (esbuild, minified, node22, ESM, SDK external)',
      measure: 'bundle size',
      verifier: `${(bytes / 1024).toFixed(0)} KB`,
      target: '≤ 1 MB',
      met: bytes <= 1024 * 1024,
    },
    {
      workload: 'verifier Lambda (esbuild, minified, node22, ESM, SDK external)',
      measure: 'import handler module (fresh process)',
      verifier: failure
        ? `import failed: ${failure.split('\n').find((l) => l.includes('Error')) ?? 'see JSON'}`
        : fmt.ms(importMs),
      target: '≤ 300 ms',
      met: failure ? false : importMs <= 300,
    },
    {
      workload: 'verifier Lambda (esbuild, minified, node22, ESM, SDK external)',
      measure: `of which: importing ${sdk.length} AWS SDK packages alone`,
      verifier: fmt.ms(median(sdkMs)),
    },
    {
      workload: 'verifier Lambda (esbuild, minified, node22, ESM, SDK external)',
      measure: 'process start → handler imported → exit',
      verifier: fmt.ms(median(walls)),
    },
  ];
  return { rows, raw: { bytes, imports, walls, sdk, sdkMs, exports: exportsSeen, failure } };
}
