// The verifier Lambda: scheduled by EventBridge Scheduler, or invoked asynchronously by the API with
// `{ runId, filters }`. Takes the run lock (a lease), runs the engine against the docs in S3 with the
// tokens from Secrets Manager, and leaves the state in DynamoDB. Never overlaps itself; stops starting
// docs before the Lambda timeout (they are recorded as skip "deadline").
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createDynamoStateStore } from '../adapters/dynamodb/state-store.js';
import { createUndiciHttpClient } from '../adapters/http/undici-client.js';
import { createS3DocSource } from '../adapters/s3/doc-source.js';
import { createS3TestFiles } from '../adapters/s3/test-files.js';
import { type CredentialsLoader, createSecretCredentials } from '../adapters/secrets/credentials.js';
import { METRICS } from '../config/env.js';
import { loadVerifyConfig, type VerifyConfig } from '../config/verify.js';
import { emptySummary, OUTCOMES, type RunResult } from '../engine/model.js';
import {
  type Clock,
  type DocSource,
  type HttpClient,
  type RunEvent,
  type StateStore,
  systemClock,
  type TestFiles,
} from '../engine/ports.js';
import { createRedactor } from '../engine/redact.js';
import { runDocs } from '../engine/run/run-docs.js';
import { newRunId } from '../engine/run/run-id.js';
import { secretForms } from '../engine/run/secrets.js';
import type { Target } from '../engine/target.js';
import { VerifyEventSchema } from './api/run-request.js';

export class VerifyRunError extends Error {
  override readonly name = 'VerifyRunError';
}

export type VerifyOutcome =
  | { readonly status: 'finished'; readonly runId: string; readonly result: RunResult }
  | { readonly status: 'refused'; readonly runId: string; readonly reason: string };

export interface VerifyHandlerDeps {
  readonly config: Pick<
    VerifyConfig,
    'baseUrl' | 'fallbackUrl' | 'partnersUrl' | 'concurrency' | 'allowDelete' | 'lockName' | 'stopMarginMs'
  > &
    Partial<Pick<VerifyConfig, 'rules'>>;
  readonly store: StateStore & { flush?: () => Promise<void> };
  readonly docs: DocSource;
  readonly testFiles?: TestFiles;
  readonly credentials: CredentialsLoader;
  readonly http: HttpClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default - the system clock */
  readonly clock?: Clock;
}

export type VerifyHandler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<VerifyOutcome>;

/** The lease outlives the invocation by this much, so a crashed run frees the lock soon after its timeout. */
const LEASE_SLACK_MS = 60_000;

export function createVerifyHandler(deps: VerifyHandlerDeps): VerifyHandler {
  const { config, store, logger, metrics } = deps;
  const clock = deps.clock ?? systemClock;

  return async (rawEvent, context) => {
    const event = VerifyEventSchema.parse(rawEvent ?? {});
    const runId = event.runId ?? newRunId(clock.now());
    const trigger = event.trigger ?? (event.runId ? 'api' : 'schedule');
    logger.appendKeys({ runId });
    try {
      const leaseMs = context.getRemainingTimeInMillis() + LEASE_SLACK_MS;
      if (!(await store.acquireLock(config.lockName, runId, leaseMs, clock.now()))) {
        const reason = 'another run holds the run lock';
        logger.warn('run refused: another run is in progress', { trigger, lock: config.lockName });
        metrics.addMetric('RunsRefused', MetricUnit.Count, 1);
        // A run the API announced must not stay "running" forever.
        if (event.runId && (await store.getRun(runId))?.status === 'running') {
          await store.finishRun(runId, clock.now().toISOString(), emptySummary(), 'failed');
        }
        return { status: 'refused', runId, reason };
      }
      try {
        return { status: 'finished', runId, result: await run(runId, trigger, event.filters, context) };
      } catch (err) {
        metrics.addMetric('RunsFailed', MetricUnit.Count, 1);
        logger.error('run failed', {
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        // Whatever failed (secret, docs, store), the run must not stay "running".
        if ((await store.getRun(runId).catch(() => undefined))?.status === 'running') {
          await store.finishRun(runId, clock.now().toISOString(), emptySummary(), 'failed').catch(() => {});
        }
        throw err;
      } finally {
        await store.flush?.();
        await store.releaseLock(config.lockName, runId);
      }
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['runId']);
    }
  };

  async function run(
    runId: string,
    trigger: string,
    filters: Parameters<typeof runDocs>[1]['filters'],
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<RunResult> {
    const credentials = await deps.credentials.load();
    const redact = createRedactor(secretForms(Object.values(credentials.tokens)));
    const target: Target = {
      baseUrl: config.baseUrl,
      ...(config.fallbackUrl && { fallbackUrl: config.fallbackUrl }),
      ...(config.partnersUrl && { partnersUrl: config.partnersUrl }),
      credentials,
    };
    const started = clock.now().getTime();
    logger.info('run started', { trigger, filters });
    const onEvent = (e: RunEvent) => {
      if (e.type === 'doc-finished') {
        const { doc, outcome, reason, durationMs } = e.result;
        logger.info('doc finished', {
          doc,
          outcome,
          durationMs,
          ...(reason && { reason: redact.text(reason) }),
        });
      } else if (e.type === 'warning') {
        logger.warn(redact.text(e.message));
      }
    };
    try {
      const result = await runDocs(
        target,
        {
          runId,
          trigger,
          allowDelete: config.allowDelete,
          concurrency: config.concurrency,
          ...(filters && { filters }),
        },
        {
          docs: deps.docs,
          http: deps.http,
          store,
          clock,
          ...(config.rules && { rules: config.rules }),
          ...(deps.testFiles && { testFiles: deps.testFiles }),
          onEvent,
          shouldStop: () => context.getRemainingTimeInMillis() < config.stopMarginMs,
        },
      );
      for (const outcome of OUTCOMES)
        metrics.addMetric(`Docs_${outcome}`, MetricUnit.Count, result.summary[outcome]);
      const flagged = result.businesses.filter((b) => b.condition !== 'ok').length;
      metrics.addMetric('BusinessesFlagged', MetricUnit.Count, flagged);
      metrics.addMetric('RunsCompleted', MetricUnit.Count, 1);
      metrics.addMetric('RunDuration', MetricUnit.Milliseconds, clock.now().getTime() - started);
      logger.info('run finished', { summary: result.summary, businesses: result.businesses });
      return result;
    } catch (err) {
      // Engine faults may quote request details: the message leaves here redacted.
      throw new VerifyRunError(redact.text(`run ${runId} failed: ${(err as Error).message}`), { cause: err });
    }
  }
}

// ------------------------------------------------------------------ composition root (per container)

function fromEnvironment(): VerifyHandler {
  const config = loadVerifyConfig();
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3 = new S3Client({});
  return createVerifyHandler({
    config,
    store: createDynamoStateStore({
      client: dynamo,
      tableName: config.tableName,
      retentionDays: config.retentionDays,
      skipUnchangedDocStates: true,
    }),
    docs: createS3DocSource({ client: s3, bucket: config.docsBucket, prefix: config.docsPrefix }),
    testFiles: createS3TestFiles({ client: s3, bucket: config.docsBucket, prefix: config.testFilesPrefix }),
    credentials: createSecretCredentials({
      client: new SecretsManagerClient({}),
      secretId: config.secretId,
      maxAgeSeconds: config.secretMaxAgeSeconds,
    }),
    http: createUndiciHttpClient({ rps: config.rps, timeoutMs: config.requestTimeoutMs }),
    logger: new Logger({ serviceName: METRICS.verifierService }),
    metrics: new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.verifierService }),
  });
}

let instance: VerifyHandler | undefined;

/** Lambda entry: config and SDK clients are built once, on the first invocation of the container. */
export const handler = (event: unknown, context: Context): Promise<VerifyOutcome> => {
  instance ??= fromEnvironment();
  return instance(event, context);
};
