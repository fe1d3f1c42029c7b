// How every Lambda function of this project is bundled with esbuild: the stack's NodejsFunction
// (lib/constructs/node-function.ts), the bundle test, the benchmark's Lambda row and
// scripts/bundle-report.mjs all build from these settings, so what is measured is what ships.
// No CDK import here: the benchmark bundles this module.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** js-yaml's ES module build, wherever the install put the package. */
const JS_YAML_ESM = join(
  dirname(createRequire(import.meta.url).resolve('js-yaml/package.json')),
  'dist/js-yaml.mjs',
);

/**
 * One CommonJS file per handler (`index.js`), which the nodejs22.x runtime loads with `require()`.
 * CommonJS because of the AWS SDK v3 the runtime ships: it is CommonJS, and an ES module that imports
 * it makes Node translate every one of its files through the ES module loader. Loaded with
 * `require()`, the SDK's four clients load in about half the time (README, Performance).
 */
export const LAMBDA_BUNDLE = {
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  minify: true,
  // The ES module builds of dependencies tree-shake better than their CommonJS ones.
  mainFields: ['module', 'main'],
  // The nodejs22.x runtime ships AWS SDK v3: leaving it out keeps the bundle small.
  external: ['@aws-sdk/*'],
  // One js-yaml: our code imports its ES module build, json-schema-ref-parser `require()`s its
  // CommonJS one, and esbuild would bundle both copies (44 KB).
  alias: { 'js-yaml': JS_YAML_ESM },
} as const satisfies BuildOptions;

/** The esbuild options for one handler bundle, from the repository root (`absWorkingDir`). */
export function lambdaBuildOptions(root: string, entry: string, outfile: string): BuildOptions {
  return {
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.external],
    alias: { ...LAMBDA_BUNDLE.alias },
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    logLevel: 'error',
  };
}
