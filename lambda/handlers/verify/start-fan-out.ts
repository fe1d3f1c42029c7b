// The plan's side of a run: its figures reported, and a plan of several shards handed to the fan-out
// state machine (lib/constructs/fan-out.ts), which runs each shard as one invocation of this function.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunPlan } from '../../engine/plan/plan-run.js';
import type { Clock, StateStore } from '../../engine/ports.js';
import type { AuthMatrixMode } from '../../engine/promises/auth-matrix.js';
import type { DocFilters } from '../../engine/target.js';
import { executionInputOf, type FanOutInput } from '../fanout/events.js';
import type { createFanOutSteps } from '../fanout/steps.js';
import { type VerifyHandlerDeps, type VerifyOutcome, VerifyRunError } from './types.js';

export interface PlanDeps {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The plan's figures as metrics (the CapacityShortfall alarm watches one) and its capacity line. */
export function reportPlan({ logger, metrics }: Pick<PlanDeps, 'logger' | 'metrics'>, plan: RunPlan): void {
  metrics.addMetric('PlanShards', MetricUnit.Count, plan.shards.length);
  metrics.addMetric('PlanRequests', MetricUnit.Count, plan.capacity.requests);
  metrics.addMetric('CapacityShortfall', MetricUnit.Count, plan.capacity.fits ? 0 : 1);
  if (plan.capacity.fits) logger.info(plan.capacity.line, { shards: plan.shards.length });
  else logger.warn(plan.capacity.line, { shards: plan.shards.length });
}

export interface StartFanOutRequest {
  readonly runId: string;
  readonly trigger: string;
  readonly filters: DocFilters | undefined;
  readonly plan: RunPlan;
  readonly targetName: string;
  readonly lockName: string;
  /** The run's auth-matrix mode: each shard applies it as a one-shard run does (fanout/steps.ts). */
  readonly authMatrix: AuthMatrixMode;
}

/** Stores the run record and the plan, then starts the execution; the run lock stays held. */
export async function startFanOut(
  deps: PlanDeps & { readonly fanOut: VerifyHandlerDeps['fanOut'] },
  steps: ReturnType<typeof createFanOutSteps>,
  req: StartFanOutRequest,
): Promise<VerifyOutcome> {
  const { store, clock, logger, metrics } = deps;
  const { runId, plan } = req;
  const executions = deps.fanOut?.executions;
  if (!executions) throw new VerifyRunError('fan-out without an execution starter');
  const input: FanOutInput = {
    runId,
    target: req.targetName,
    maxConcurrency: plan.maxConcurrency,
    shards: plan.shards.map((s) => ({
      index: s.index,
      shardId: s.index,
      docs: s.docs,
      rps: plan.shardRps,
      ...(req.authMatrix !== 'off' && { authMatrix: req.authMatrix }),
    })),
  };
  // The lock is held across the whole execution (released by its finish step); the lease only
  // bounds a crashed execution.
  const leaseMs = Math.max(plan.capacity.estimatedMs * 2, 0) + 15 * 60_000;
  await store.acquireLock(req.lockName, runId, leaseMs, clock.now());
  await store.startRun({
    runId,
    startedAt: clock.now().toISOString(),
    status: 'running',
    trigger: req.trigger,
    ...(req.filters && { filters: { ...req.filters } }),
    capacity: plan.capacity.line,
    shards: plan.shards.length,
  });
  // The plan, with every shard's docs, goes to S3 first; the execution carries only the shards'
  // numbers (a 5,000-doc plan would pass Step Functions' 256 KB input limit inline).
  await steps.storePlan(runId, { input, capacity: plan.capacity.line });
  const executionArn = await executions.start(runId, executionInputOf(input));
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
