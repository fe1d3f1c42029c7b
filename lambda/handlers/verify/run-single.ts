// A run of one shard, in this invocation: the engine runs every planned doc against the target,
// stopping before the Lambda's deadline, and the outcome becomes metrics and log lines.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { OUTCOMES, type RunResult } from '../../engine/model.js';
import type { RunPlan } from '../../engine/plan/plan-run.js';
import type {
  AlertSink,
  Clock,
  DocSource,
  HttpClient,
  RunEvent,
  RunRecord,
  StateStore,
  TestFiles,
} from '../../engine/ports.js';
import type { AuthMatrixMode } from '../../engine/promises/auth-matrix.js';
import { createTokenRedactor } from '../../engine/redact.js';
import { runDocs } from '../../engine/run/run-docs.js';
import { countOpenIncidents } from '../../engine/run/settle-health.js';
import { type DocFilters, type Target, targetOf } from '../../engine/target.js';
import { deadlineAbort } from '../deadline.js';
import type { RunPromises } from '../run-promises.js';
import { healthOf, type LambdaClock, type VerifyHandlerDeps, VerifyRunError } from './types.js';

export interface SingleRunDeps {
  readonly config: VerifyHandlerDeps['config'];
  readonly targetName: string;
  readonly store: StateStore;
  readonly http: HttpClient;
  readonly testFiles?: TestFiles;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Where the run's health and auth alerts go. @default - nowhere */
  readonly alerts?: AlertSink;
  /** The run's checks beyond status codes (run-promises.ts). */
  readonly promises: RunPromises;
}

export interface SingleRunRequest {
  readonly runId: string;
  readonly trigger: string;
  readonly filters: DocFilters | undefined;
  readonly context: LambdaClock;
  readonly credentials: Target['credentials'];
  readonly docs: DocSource;
  readonly plan: RunPlan;
  readonly authMatrix: AuthMatrixMode;
}

/** The open-incident alarm's data point; a store that cannot say is logged, not a failed run. */
async function addOpenIncidents({ store, metrics, logger }: SingleRunDeps): Promise<void> {
  try {
    metrics.addMetric('OpenIncidents', MetricUnit.Count, await countOpenIncidents(store));
  } catch (err) {
    logger.warn('open incidents not counted', { error: (err as Error).message });
  }
}

export async function runSingle(deps: SingleRunDeps, req: SingleRunRequest): Promise<RunResult> {
  const { config, store, clock, logger, metrics } = deps;
  const { runId, trigger, filters, context, credentials, plan } = req;
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
  const deadline = deadlineAbort(context.getRemainingTimeInMillis(), config.stopMarginMs);
  try {
    const result = await runDocs(
      target,
      {
        runId,
        trigger,
        allowDelete: config.allowDelete,
        concurrency: config.concurrency,
        ...(filters && { filters }),
        health: healthOf(config, deps.targetName),
      },
      {
        docs: req.docs,
        http: deps.http,
        store: planned,
        clock,
        ...(config.rules && { rules: config.rules }),
        ...(deps.testFiles && { testFiles: deps.testFiles }),
        onEvent,
        shouldStop: () => context.getRemainingTimeInMillis() < config.stopMarginMs,
        abort: deadline.signal,
        ...(deps.alerts && { alerts: deps.alerts }),
        promises: await deps.promises(req.authMatrix),
      },
    );
    for (const outcome of OUTCOMES)
      metrics.addMetric(`Docs_${outcome}`, MetricUnit.Count, result.summary[outcome]);
    const flagged = result.businesses.filter((b) => b.condition !== 'ok').length;
    metrics.addMetric('BusinessesFlagged', MetricUnit.Count, flagged);
    await addOpenIncidents(deps);
    metrics.addMetric('RunsCompleted', MetricUnit.Count, 1);
    metrics.addMetric('RunDuration', MetricUnit.Milliseconds, clock.now().getTime() - started);
    logger.info('run finished', { summary: result.summary, businesses: result.businesses });
    return result;
  } catch (err) {
    // Engine faults may quote request details: the message leaves here redacted.
    throw new VerifyRunError(redact.text(`run ${runId} failed: ${(err as Error).message}`), { cause: err });
  } finally {
    deadline.clear();
  }
}
