// What a run checks beyond status codes on AWS (issue 15), the same for a one-shard run and for each
// shard of a fanned-out run: the auth matrix (the run's mode) and response contracts (the target's
// specs in the docs bucket, OPENAPI_PREFIX). Specs are loaded once per container and reloaded only
// when an object under the prefix changed (adapters/openapi/s3-specs.ts); the operation index is
// rebuilt only then. A spec load that fails is logged and counted: the run goes on without contracts.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Specs, type S3SpecsLoad } from '../adapters/openapi/s3-specs.js';
import type { VerifyConfig } from '../config/verify.js';
import type { AuthMatrixMode } from '../engine/promises/auth-matrix.js';
import { indexOperations, type OperationIndex } from '../engine/promises/operations.js';
import type { RunDeps } from '../engine/run/run-docs.js';

export interface SpecsSource {
  load(): Promise<S3SpecsLoad>;
}

export interface RunPromisesDeps {
  /** The target's specs. @default - no contract checks */
  readonly specs?: SpecsSource;
  /** A drift fails the doc (OPENAPI_STRICT). @default false */
  readonly strict?: boolean;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type RunPromises = (authMatrix: AuthMatrixMode) => Promise<NonNullable<RunDeps['promises']>>;

/** The `promises` a run passes to runDocs; call once per run (or shard). */
export function createRunPromises(deps: RunPromisesDeps): RunPromises {
  let index: OperationIndex | undefined;
  return async (authMatrix) => {
    const contract = deps.specs ? await contractIndex(deps.specs) : undefined;
    return {
      ...(authMatrix !== 'off' && { authMatrix }),
      ...(contract && { contract: { index: contract, strict: deps.strict ?? false } }),
    };
  };

  async function contractIndex(specs: SpecsSource): Promise<OperationIndex | undefined> {
    let load: S3SpecsLoad;
    try {
      load = await specs.load();
    } catch (err) {
      deps.metrics.addMetric('SpecsLoadErrors', MetricUnit.Count, 1);
      deps.logger.error('specs not loaded: this run checks no response contracts', {
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
      return undefined;
    }
    if (load.reloaded || !index) {
      index = indexOperations(load.specs);
      for (const p of load.problems)
        deps.logger.warn('spec not loaded', { file: p.file, problem: p.message });
      const unmapped = new Map<string, string[]>();
      for (const u of load.unmapped) unmapped.set(u.file, [...(unmapped.get(u.file) ?? []), u.url]);
      for (const [file, urls] of unmapped)
        deps.logger.warn(
          'remote $refs with no mapping (OPENAPI_REF_MAP): the schemas using them are not checked',
          {
            file,
            urls: urls.slice(0, 5),
            count: urls.length,
          },
        );
      deps.logger.info('specs loaded', {
        objects: load.objects,
        specs: load.specs.length,
        operations: index.operations.length,
        problems: load.problems.length,
      });
    }
    return index;
  }
}

/** The Lambda's promises: specs from the docs bucket when the target has `openapi` (OPENAPI_PREFIX). */
export function runPromisesFromConfig(
  config: Pick<VerifyConfig, 'docsBucket' | 'openapi'>,
  client: S3Client,
  logger: Logger,
  metrics: Metrics,
): RunPromises {
  const { openapi } = config;
  return createRunPromises({
    logger,
    metrics,
    ...(openapi && {
      specs: createS3Specs({
        client,
        bucket: config.docsBucket,
        prefix: openapi.prefix,
        refMap: openapi.refMap,
      }),
      strict: openapi.strict,
    }),
  });
}
