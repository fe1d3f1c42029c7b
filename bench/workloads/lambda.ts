// The verifier Lambda's bundle as the stack ships it (lib/lambda-bundle.ts: esbuild, minified, node22,
// CommonJS, the AWS SDK v3 left to the runtime): its size, and the time a fresh process takes to load
// the handler module the way the nodejs22.x runtime loads an index.js, with require() (the cold init
// that every cold start pays), measured locally. For comparison, the same handler with the SDK
// bundled from its ES module builds (informational: the targets apply to the first).
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../../lib/lambda-bundle.js';
import type { BenchConfig } from '../context.js';
import { measureNode, median } from '../measure.js';
import { fmt, type Row } from '../report.js';
import type { OverheadResult } from './overhead.js';

export const HANDLER = 'lambda/handlers/verify.ts';

export type SdkMode = 'external' | 'bundled';

/** Bundles the handler into dist/bench-lambda/ (inside the repo, so an external `@aws-sdk/*` resolves as in the runtime). */
export async function bundleHandler(root: string, sdk: SdkMode = 'external'): Promise<string> {
  const outDir = join(root, 'dist/bench-lambda');
  await mkdir(outDir, { recursive: true });
  // `.cjs`: the repository's package.json says "type": "module"; the Lambda's index.js has none.
  const outfile = join(outDir, `verify-sdk-${sdk}.cjs`);
  await build({
    ...lambdaBuildOptions(root, HANDLER, outfile),
    ...(sdk === 'bundled' ? { external: [] } : {}),
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
    env[name] = /RULES/.test(name)
      ? '[]'
      : /ARN/.test(name)
        ? `arn:aws:sns:us-east-1:123456789012:${name.toLowerCase()}`
        : /URL|ENDPOINT/.test(name)
          ? 'https://example.invalid'
          : name === 'AUTH_MATRIX'
            ? 'off'
            : name.startsWith('OPENAPI_')
              ? ({ OPENAPI_PREFIX: 'specs/', OPENAPI_REF_MAP: '{}', OPENAPI_STRICT: 'false' }[name] ?? '')
              : /_AFTER$/.test(name)
                ? '2'
                : /_MS$/.test(name)
                  ? '5000'
                  : /DAYS|SECONDS|MINUTES|CONCURRENCY|RPS|TIMEOUT|LIMIT|MAX/.test(name)
                    ? '5'
                    : /ENABLED|ALLOW/.test(name)
                      ? 'false'
                      : `bench-${name.toLowerCase().replace(/_/g, '-')}`;
  }
  return env;
}

const IMPORT_SCRIPT = `const load = (await import('node:module')).createRequire(process.argv[1]);
const t = performance.now(); const m = load(process.argv[1]);
process.stdout.write(JSON.stringify({ ms: performance.now() - t, exports: Object.keys(m) }));`;

interface ImportTimes {
  readonly importMs: number[];
  readonly wallMs: number[];
  readonly failure: string;
}

async function measureImport(file: string, env: NodeJS.ProcessEnv, reps: number): Promise<ImportTimes> {
  const importMs: number[] = [];
  const wallMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const m = await measureNode(['--input-type=module', '-e', IMPORT_SCRIPT, file], {
      env,
    });
    if (m.code !== 0) return { importMs, wallMs, failure: m.stderr.slice(-1500) };
    importMs.push((JSON.parse(m.stdout) as { ms: number }).ms);
    wallMs.push(m.wallMs);
  }
  return { importMs, wallMs, failure: '' };
}

const firstError = (failure: string) =>
  failure.split('\n').find((l) => l.includes('Error')) ?? 'see the JSON file';

export async function benchLambda(cfg: BenchConfig): Promise<OverheadResult> {
  if (!existsSync(join(cfg.root, HANDLER))) {
    return {
      rows: [{ workload: 'verifier Lambda', measure: 'bundle', verifier: `${HANDLER} not found` }],
      raw: {},
    };
  }
  cfg.log('lambda: bundling the verify handler and importing it in fresh processes');
  const reps = Math.max(5, cfg.reps);
  const env = { ...process.env, ...(await dummyEnv(cfg.root)) };
  const externalFile = await bundleHandler(cfg.root, 'external');
  const bundledFile = await bundleHandler(cfg.root, 'bundled');
  const bytes = statSync(externalFile).size;
  const bundledBytes = statSync(bundledFile).size;
  // Interleaved, so that the machine's load affects both variants alike.
  const ext: ImportTimes = { importMs: [], wallMs: [], failure: '' };
  const bun: ImportTimes = { importMs: [], wallMs: [], failure: '' };
  for (let i = 0; i < reps; i++) {
    for (const [file, acc] of [
      [externalFile, ext],
      [bundledFile, bun],
    ] as const) {
      const one = await measureImport(file, env, 1);
      acc.importMs.push(...one.importMs);
      acc.wallMs.push(...one.wallMs);
      if (one.failure) Object.assign(acc, { failure: one.failure });
    }
  }
  // The share of the import spent loading the AWS SDK v3 packages the bundle imports at the top, alone.
  const source = await readFile(externalFile, 'utf8');
  const sdk = [...new Set([...source.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))];
  const sdkScript = `const load = (await import('node:module')).createRequire(process.cwd() + '/');
const t = performance.now(); for (const p of ${JSON.stringify(sdk)}) load(p);
process.stdout.write(String(performance.now() - t));`;
  const sdkMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const m = await measureNode(['--input-type=module', '-e', sdkScript], { env, cwd: cfg.root });
    if (m.code === 0) sdkMs.push(Number(m.stdout));
  }
  const importMs = median(ext.importMs);
  const w = 'verifier Lambda (esbuild, minified, node22, CommonJS, SDK external)';
  const b = 'verifier Lambda, SDK bundled from its ES module builds (for comparison)';
  const rows: Row[] = [
    {
      workload: w,
      measure: 'bundle size',
      verifier: `${(bytes / 1024).toFixed(0)} KB`,
      target: '≤ 1 MB',
      met: bytes <= 1024 * 1024,
    },
    {
      workload: w,
      measure: 'load the handler module (fresh process, require)',
      verifier: ext.failure ? `import failed: ${firstError(ext.failure)}` : fmt.ms(importMs),
      target: '≤ 300 ms',
      met: ext.failure ? false : importMs <= 300,
    },
    {
      workload: w,
      measure: `of which: importing ${sdk.length} AWS SDK packages alone`,
      verifier: fmt.ms(median(sdkMs)),
    },
    { workload: w, measure: 'process start → handler imported → exit', verifier: fmt.ms(median(ext.wallMs)) },
    { workload: b, measure: 'bundle size', verifier: `${(bundledBytes / 1024).toFixed(0)} KB` },
    {
      workload: b,
      measure: 'load the handler module (fresh process, require)',
      verifier: bun.failure ? `import failed: ${firstError(bun.failure)}` : fmt.ms(median(bun.importMs)),
    },
  ];
  return { rows, raw: { bytes, bundledBytes, external: ext, bundled: bun, sdk, sdkMs } };
}
