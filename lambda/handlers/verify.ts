// The verifier Lambda: scheduled by EventBridge Scheduler, or invoked asynchronously by the API with
// `{ runId, filters }`. Takes the run lock (a lease), runs the engine against the docs in S3 with the
// tokens from Secrets Manager, and leaves the state in DynamoDB. Never overlaps itself; stops starting
// docs before the Lambda timeout (they are recorded as skip "deadline").
// Every run is planned first (engine/plan): a plan of one shard runs here; a bigger one starts the
// fan-out state machine, which invokes this function again for each shard and to finish the run
// (`kind: 'shard' | 'shard-failed' | 'finish'`, handlers/fanout).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createDynamoAlertOutbox } from '../adapters/dynamodb/alert-outbox.js';
import { createDynamoStateStore } from '../adapters/dynamodb/state-store.js';
import { createUndiciHttpClient } from '../adapters/http/undici-client.js';
import { loadS3ConditionRules } from '../adapters/s3/condition-rules.js';
import { createS3DocSource } from '../adapters/s3/doc-source.js';
import { createS3RunArtifacts, type RunArtifacts } from '../adapters/s3/run-artifacts.js';
import { createS3StatusPage } from '../adapters/s3/status-page.js';
import { createS3TestFiles } from '../adapters/s3/test-files.js';
import { type CredentialsLoader, createSecretCredentials } from '../adapters/secrets/credentials.js';
import { createSfnRunExecutions, type RunExecutions } from '../adapters/sfn/run-executions.js';
import { METRICS } from '../config/env.js';
import { loadVerifyConfig, type VerifyConfig } from '../config/verify.js';
import { emptySummary, OUTCOMES, type RunResult } from '../engine/model.js';
import { keepReads } from '../engine/plan/kept-docs.js';
import { planRun, type RunPlan } from '../engine/plan/plan-run.js';
import {
  type AlertSink,
  type Clock,
  type DocSource,
  type HttpClient,
  type RunEvent,
  type RunRecord,
  type StateStore,
  systemClock,
  type TestFiles,
} from '../engine/ports.js';
import type { AuthMatrixMode } from '../engine/promises/auth-matrix.js';
import { createTokenRedactor } from '../engine/redact.js';
import { runDocs } from '../engine/run/run-docs.js';
import { newRunId } from '../engine/run/run-id.js';
import { countOpenIncidents } from '../engine/run/settle-health.js';
import { type HealthRunOptions, type Target, targetOf } from '../engine/target.js';
import { publishStatusPage, type StatusPageSink } from '../report-html/publish.js';
import { authMatrixFor, VerifyEventSchema } from './api/run-request.js';
import { type FanOutInput, isFanOutEvent } from './fanout/events.js';
import { createFanOutSteps, type FanOutOutcome } from './fanout/steps.js';
import { createRunPromises, type RunPromises, runPromisesFromConfig } from './run-promises.js';

export class VerifyRunError extends Error {
  override readonly name = 'VerifyRunError';
}

export type VerifyOutcome =
  | { readonly status: 'finished'; readonly runId: string; readonly result: RunResult }
  | { readonly status: 'refused'; readonly runId: string; readonly reason: string }
  | {
      readonly status: 'started';
      readonly runId: string;
      readonly executionArn: string;
      readonly shards: number;
      readonly maxConcurrency: number;
    }
  | FanOutOutcome;

export interface VerifyHandlerDeps {
  readonly config: Pick<
    VerifyConfig,
    'baseUrl' | 'fallbackUrl' | 'partnersUrl' | 'concurrency' | 'allowDelete' | 'lockName' | 'stopMarginMs'
  > &
    Partial<
      Pick<
        VerifyConfig,
        | 'rules'
        | 'rps'
        | 'periodMs'
        | 'shardBudgetMs'
        | 'maxParallelShards'
        | 'targetName'
        | 'failAfter'
        | 'recoverAfter'
        | 'targetRules'
        | 'authMatrix'
      >
    >;
  readonly store: StateStore;
  readonly docs: DocSource;
  readonly testFiles?: TestFiles;
  readonly credentials: CredentialsLoader;
  readonly http: HttpClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default - the system clock */
  readonly clock?: Clock;
  /**
   * Runs the plan cuts into several shards start this state machine (lib/constructs/fan-out.ts).
   * @default - every run stays in this Lambda, however big (docs past the deadline are skip)
   */
  readonly fanOut?: {
    readonly executions: RunExecutions;
    readonly artifacts: RunArtifacts;
    /** A client holding `rps` in every one-second window, for a shard's share of the cap. */
    readonly httpFor: (rps: number) => HttpClient;
  };
  /** Where the status page is written after each run (S3 on AWS). @default - no status page */
  readonly statusPage?: StatusPageSink;
  /** Where a run's health and auth alerts go (the outbox on the state table on AWS). @default - nowhere */
  readonly alerts?: AlertSink;
  /**
   * What a run checks beyond status codes, in one-shard runs and shards alike (run-promises.ts).
   * @default - the auth matrix when the run asks for it, no response contracts
   */
  readonly promises?: RunPromises;
}

export type VerifyHandler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<VerifyOutcome>;

/** The lease outlives the invocation by this much, so a crashed run frees the lock soon after its timeout. */
const LEASE_SLACK_MS = 60_000;

/** The secret exists but does not hold the tokens file yet (the stack deploys a random placeholder). */
const notConfigured = (err: unknown): boolean =>
  err instanceof Error && err.name === 'SecretsError' && !err.message.startsWith('cannot read secret');

export function createVerifyHandler(deps: VerifyHandlerDeps): VerifyHandler {
  const { config, store, logger, metrics } = deps;
  const clock = deps.clock ?? systemClock;
  const targetName = config.targetName ?? 'default';
  const promisesFor = deps.promises ?? createRunPromises({ logger, metrics });

  const loadTarget = async () => {
    const credentials = await deps.credentials.load();
    return { target: targetOf(config, credentials), redact: createTokenRedactor(credentials) };
  };
  const steps =
    deps.fanOut &&
    createFanOutSteps({
      config: { ...config, health: healthOf(config, targetName) },
      store,
      docs: deps.docs,
      ...(deps.testFiles && { testFiles: deps.testFiles }),
      artifacts: deps.fanOut.artifacts,
      target: loadTarget,
      httpFor: deps.fanOut.httpFor,
      clock,
      logger,
      metrics,
      publishStatus,
      ...(deps.alerts && { alerts: deps.alerts }),
      promises: promisesFor,
    });

  return async (rawEvent, context) => {
    if (isFanOutEvent(rawEvent)) return fanOutStep(rawEvent, context);
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
        // A run the API announced must not stay "running" forever: it says why it never ran.
        const announced = event.runId ? await store.getRun(runId) : undefined;
        if (announced?.status === 'running') await close(announced, 'refused', reason);
        return { status: 'refused', runId, reason };
      }
      let handedOver = false;
      try {
        const credentials = await deps.credentials.load().catch((err: unknown) => {
          if (notConfigured(err)) return undefined;
          throw err;
        });
        if (!credentials || Object.keys(credentials.tokens).length === 0) {
          return await refuseUnconfigured(runId, trigger);
        }
        const docs = keepReads(deps.docs);
        const plan = await planRun(docs, {
          rps: config.rps ?? 0,
          concurrency: config.concurrency,
          allowDelete: config.allowDelete,
          ...(event.filters && { filters: event.filters }),
          ...(config.periodMs && { periodMs: config.periodMs }),
          ...(config.shardBudgetMs && { shardBudgetMs: config.shardBudgetMs }),
          ...(config.maxParallelShards && { maxParallelShards: config.maxParallelShards }),
        });
        reportPlan(plan);
        const authMatrix = authMatrixFor(event, config.authMatrix);
        if (plan.shards.length > 1 && deps.fanOut && steps) {
          const started = await startFanOut(runId, trigger, event.filters, plan, steps, authMatrix);
          handedOver = true;
          return started;
        }
        const result = await run(runId, trigger, event.filters, context, credentials, docs, plan, authMatrix);
        await publishStatus(runId);
        return { status: 'finished', runId, result };
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
        await store.flush();
        // A fanned-out run keeps the lock until its finish step.
        if (!handedOver) await store.releaseLock(config.lockName, runId);
      }
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['runId']);
    }
  };

  async function fanOutStep(
    rawEvent: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<VerifyOutcome> {
    if (!steps)
      throw new VerifyRunError(
        'a fan-out step was invoked, but this function has no state machine configured (STATE_MACHINE_ARN)',
      );
    const kind = (rawEvent as { kind: string }).kind;
    logger.appendKeys({ runId: (rawEvent as { runId?: string }).runId });
    try {
      if (kind === 'shard') return await steps.shard(rawEvent, () => context.getRemainingTimeInMillis());
      if (kind === 'shard-failed') return await steps.shardFailed(rawEvent);
      return await steps.finish(rawEvent);
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['runId']);
    }
  }

  /** The open-incident alarm's data point; a store that cannot say is logged, not a failed run. */
  async function addOpenIncidents(): Promise<void> {
    try {
      metrics.addMetric('OpenIncidents', MetricUnit.Count, await countOpenIncidents(store));
    } catch (err) {
      logger.warn('open incidents not counted', { error: (err as Error).message });
    }
  }

  /** Closes a run that never ran, with its reason (status `refused`). */
  async function close(
    record: Pick<RunRecord, 'runId' | 'startedAt' | 'trigger'> & Partial<RunRecord>,
    status: 'refused',
    reason: string,
  ) {
    await store.startRun({
      ...record,
      status,
      reason,
      finishedAt: clock.now().toISOString(),
      summary: emptySummary(),
    });
  }

  /** A secret still holding its deploy-time placeholder: one clear outcome, not a failed doc per doc. */
  async function refuseUnconfigured(runId: string, trigger: string): Promise<VerifyOutcome> {
    const reason =
      'credentials not configured: the target secret does not hold { "tokens": {...}, "params": {...} } yet; put the tokens file in it (README: Put the tokens in the secret)';
    logger.error(reason);
    metrics.addMetric('CredentialsNotConfigured', MetricUnit.Count, 1);
    const at = clock.now().toISOString();
    const existing = await store.getRun(runId);
    await close(existing ?? { runId, startedAt: at, trigger }, 'refused', reason);
    return { status: 'refused', runId, reason };
  }

  function reportPlan(plan: RunPlan) {
    metrics.addMetric('PlanShards', MetricUnit.Count, plan.shards.length);
    metrics.addMetric('PlanRequests', MetricUnit.Count, plan.capacity.requests);
    metrics.addMetric('CapacityShortfall', MetricUnit.Count, plan.capacity.fits ? 0 : 1);
    if (plan.capacity.fits) logger.info(plan.capacity.line, { shards: plan.shards.length });
    else logger.warn(plan.capacity.line, { shards: plan.shards.length });
  }

  async function startFanOut(
    runId: string,
    trigger: string,
    filters: Parameters<typeof runDocs>[1]['filters'],
    plan: RunPlan,
    fanOut: NonNullable<typeof steps>,
    authMatrix: AuthMatrixMode,
  ): Promise<VerifyOutcome> {
    const executions = deps.fanOut?.executions;
    if (!executions) throw new VerifyRunError('fan-out without an execution starter');
    const input: FanOutInput = {
      runId,
      target: targetName,
      maxConcurrency: plan.maxConcurrency,
      shards: plan.shards.map((s) => ({
        index: s.index,
        shardId: s.index,
        docs: s.docs,
        rps: plan.shardRps,
        // Each shard applies the run's promises as a one-shard run does (fanout/steps.ts).
        ...(authMatrix !== 'off' && { authMatrix }),
      })),
    };
    // The lock is held across the whole execution (released by its finish step); the lease only
    // bounds a crashed execution.
    const leaseMs = Math.max(plan.capacity.estimatedMs * 2, 0) + 15 * 60_000;
    await store.acquireLock(config.lockName, runId, leaseMs, clock.now());
    await store.startRun({
      runId,
      startedAt: clock.now().toISOString(),
      status: 'running',
      trigger,
      ...(filters && { filters: { ...filters } }),
      capacity: plan.capacity.line,
      shards: plan.shards.length,
    });
    await fanOut.storePlan(runId, { input, capacity: plan.capacity.line });
    const executionArn = await executions.start(runId, input);
    metrics.addMetric('RunsFannedOut', MetricUnit.Count, 1);
    logger.info('run fanned out', {
      executionArn,
      shards: plan.shards.length,
      maxConcurrency: plan.maxConcurrency,
    });
    return {
      status: 'started',
      runId,
      executionArn,
      shards: plan.shards.length,
      maxConcurrency: plan.maxConcurrency,
    };
  }

  /** The status page after a run. A page not written is logged and counted; it never fails the run. */
  async function publishStatus(runId: string): Promise<void> {
    if (!deps.statusPage) return;
    try {
      await store.flush();
      const bytes = await publishStatusPage(store, deps.statusPage, {
        now: clock.now(),
        target: config.baseUrl,
      });
      logger.info('status page written', { runId, bytes });
    } catch (err) {
      metrics.addMetric('StatusPageErrors', MetricUnit.Count, 1);
      logger.error('status page not written', {
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    }
  }

  async function run(
    runId: string,
    trigger: string,
    filters: Parameters<typeof runDocs>[1]['filters'],
    context: Pick<Context, 'getRemainingTimeInMillis'>,
    credentials: Target['credentials'],
    docs: DocSource,
    plan: RunPlan,
    authMatrix: AuthMatrixMode,
  ): Promise<RunResult> {
    const redact = createTokenRedactor(credentials);
    const target = targetOf(config, credentials);
    // The run record carries the plan's capacity line.
    const planned: StateStore = Object.assign(Object.create(store) as StateStore, {
      startRun: (r: RunRecord) => store.startRun({ ...r, capacity: plan.capacity.line, shards: 1 }),
    });
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
          health: healthOf(config, targetName),
        },
        {
          docs,
          http: deps.http,
          store: planned,
          clock,
          ...(config.rules && { rules: config.rules }),
          ...(deps.testFiles && { testFiles: deps.testFiles }),
          onEvent,
          shouldStop: () => context.getRemainingTimeInMillis() < config.stopMarginMs,
          ...(deps.alerts && { alerts: deps.alerts }),
          promises: await promisesFor(authMatrix),
        },
      );
      for (const outcome of OUTCOMES)
        metrics.addMetric(`Docs_${outcome}`, MetricUnit.Count, result.summary[outcome]);
      const flagged = result.businesses.filter((b) => b.condition !== 'ok').length;
      metrics.addMetric('BusinessesFlagged', MetricUnit.Count, flagged);
      await addOpenIncidents();
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

/** The run's endpoint-health settings from the Lambda's config (FAIL_AFTER, RECOVER_AFTER, TARGET_RULES, RPS, TARGET_NAME). */
export function healthOf(
  config: Partial<Pick<VerifyConfig, 'failAfter' | 'recoverAfter' | 'targetRules' | 'rps'>>,
  targetName: string,
): HealthRunOptions {
  return {
    ...(config.failAfter !== undefined && { failAfter: config.failAfter }),
    ...(config.recoverAfter !== undefined && { recoverAfter: config.recoverAfter }),
    ...(config.targetRules !== undefined && { rules: config.targetRules }),
    ...(config.rps !== undefined && { rateCapRps: config.rps }),
    target: targetName,
  };
}

// ------------------------------------------------------------------ composition root (per container)

/** The verifier's metrics: every one carries the stack's and the target's dimensions (the alarms watch them). */
export function createVerifierMetrics(config: Pick<VerifyConfig, 'metricDimensions'>): Metrics {
  return new Metrics({
    namespace: METRICS.namespace,
    serviceName: METRICS.verifierService,
    defaultDimensions: { ...config.metricDimensions },
  });
}

/** The config's rules plus those in the bucket (CONDITION_RULES_KEY), read once per container. */
export async function withBucketRules(config: VerifyConfig, s3: S3Client): Promise<VerifyConfig> {
  if (!config.conditionRulesKey) return config;
  const extra = await loadS3ConditionRules({
    client: s3,
    bucket: config.docsBucket,
    key: config.conditionRulesKey,
  });
  return { ...config, rules: [...config.rules, ...extra] };
}

async function fromEnvironment(): Promise<VerifyHandler> {
  const s3 = new S3Client({});
  const config = await withBucketRules(loadVerifyConfig(), s3);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const logger = new Logger({ serviceName: METRICS.verifierService });
  const metrics = createVerifierMetrics(config);
  // One client per cap: a shard runs at its share of the target's cap, a one-shard run at all of it.
  const clients = new Map<number, HttpClient>();
  const httpFor = (rps: number): HttpClient => {
    let client = clients.get(rps);
    if (!client) {
      client = createUndiciHttpClient({ rps, timeoutMs: config.timeoutMs });
      clients.set(rps, client);
    }
    return client;
  };
  return createVerifyHandler({
    config,
    alerts: createDynamoAlertOutbox({
      client: dynamo,
      tableName: config.tableName,
      retentionDays: config.retentionDays,
    }),
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
    http: httpFor(config.rps),
    ...(config.statusBucket && {
      statusPage: createS3StatusPage({
        client: s3,
        bucket: config.statusBucket,
        prefix: config.statusPrefix,
      }),
    }),
    logger,
    metrics,
    promises: runPromisesFromConfig(config, s3, logger, metrics),
    ...(config.stateMachineArn && {
      fanOut: {
        executions: createSfnRunExecutions({
          client: new SFNClient({}),
          stateMachineArn: config.stateMachineArn,
        }),
        artifacts: createS3RunArtifacts({ client: s3, bucket: config.docsBucket, prefix: config.runsPrefix }),
        httpFor,
      },
    }),
  });
}

let instance: Promise<VerifyHandler> | undefined;

/** Lambda entry: config and SDK clients are built once, on the first invocation of the container. */
export const handler = async (event: unknown, context: Context): Promise<VerifyOutcome> => {
  // A failed cold start (rules unreadable) is retried by the next invocation, not cached.
  instance ??= fromEnvironment().catch((err: unknown) => {
    instance = undefined;
    throw err;
  });
  return (await instance)(event, context);
};
