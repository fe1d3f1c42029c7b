// The verifier Lambda: scheduled by EventBridge Scheduler, or invoked asynchronously by the API with
// `{ runId, filters }`. Takes the run lock (a lease), runs the engine against the docs in S3 with the
// tokens from Secrets Manager, and leaves the state in DynamoDB. Never overlaps itself; stops starting
// docs before the Lambda timeout (they are recorded as skip "deadline").
// Every run is planned first (engine/plan): a plan of one shard runs here (run-single.ts); a bigger
// one starts the fan-out state machine (start-fan-out.ts), which invokes this function again for each
// shard and to finish the run (`kind: 'shard' | 'shard-failed' | 'finish'`, handlers/fanout).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { emptySummary } from '../../engine/model.js';
import { keepReads } from '../../engine/plan/kept-docs.js';
import { planRun } from '../../engine/plan/plan-run.js';
import { type RunRecord, systemClock } from '../../engine/ports.js';
import { createTokenRedactor } from '../../engine/redact.js';
import { newRunId } from '../../engine/run/run-id.js';
import { targetOf } from '../../engine/target.js';
import { publishStatusPage } from '../../report-html/publish.js';
import { authMatrixFor, VerifyEventSchema } from '../api/run-request.js';
import { isFanOutEvent } from '../fanout/events.js';
import { createFanOutSteps } from '../fanout/steps.js';
import { createRunPromises } from '../run-promises.js';
import { closeAbandonedRuns } from './abandoned.js';
import { runSingle } from './run-single.js';
import { reportPlan, startFanOut } from './start-fan-out.js';
import {
  healthOf,
  type LambdaClock,
  type VerifyHandler,
  type VerifyHandlerDeps,
  type VerifyOutcome,
  VerifyRunError,
} from './types.js';

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
        // Holding the lock: a run still "running" was left by a Lambda that ended without closing it.
        await closeAbandonedRuns(
          {
            store,
            docs: deps.docs,
            clock,
            logger,
            metrics,
            ...(deps.fanOut && { artifacts: deps.fanOut.artifacts }),
          },
          runId,
        ).catch((err: unknown) =>
          logger.warn('abandoned runs not closed', { error: (err as Error).message }),
        );
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
        reportPlan(deps, plan);
        const authMatrix = authMatrixFor(event, config.authMatrix);
        if (plan.shards.length > 1 && deps.fanOut && steps) {
          const started = await startFanOut({ store, clock, logger, metrics, fanOut: deps.fanOut }, steps, {
            runId,
            trigger,
            filters: event.filters,
            plan,
            targetName,
            lockName: config.lockName,
            authMatrix,
          });
          handedOver = true;
          return started;
        }
        const result = await runSingle(
          {
            config,
            targetName,
            store,
            http: deps.http,
            ...(deps.testFiles && { testFiles: deps.testFiles }),
            clock,
            logger,
            metrics,
            ...(deps.alerts && { alerts: deps.alerts }),
            promises: promisesFor,
          },
          {
            runId,
            trigger,
            filters: event.filters,
            context,
            credentials,
            docs,
            plan,
            authMatrix,
          },
        );
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

  async function fanOutStep(rawEvent: unknown, context: LambdaClock): Promise<VerifyOutcome> {
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
}
