// The steps the fan-out state machine invokes in the verifier function: run one shard, record a
// failed shard's docs, finish the run (finish.ts). Each is idempotent on redelivery: a doc that already has a
// result in this run is never run or recorded again, and a finished run is not finished twice.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { RATE_WINDOW_MS } from '../../adapters/http/rate-cap.js';
import type { Observation } from '../../engine/conditions/business.js';
import { emptySummary } from '../../engine/model.js';
import type { DocSource } from '../../engine/ports.js';
import { runDocs } from '../../engine/run/run-docs.js';
import type { DocFilters } from '../../engine/target.js';
import { deadlineAbort } from '../deadline.js';
import type { FanOutDeps, FanOutOutcome, StoredPlan } from './deps.js';
import { causeOf, ShardEventSchema, ShardFailedEventSchema } from './events.js';
import { createFinishStep } from './finish.js';
import { keepShardContract } from './promises.js';
import { createRunState, knownIssuesName, observationsName, PLAN } from './run-state.js';

/**
 * A shard holds its Map slot this long after its last request: the next shard in that slot starts
 * with an empty window, so the slots' caps still add up to at most the target's in every second. It
 * is the rate cap's own window, guard included: a hold of one bare second let the next shard's first
 * requests land in the same server-side second as this one's last (CI saw 104 with a cap of 100).
 */
export const SLOT_HOLD_MS = RATE_WINDOW_MS;

export function createFanOutSteps(deps: FanOutDeps) {
  const { store, artifacts, clock, logger, metrics } = deps;
  const state = createRunState(deps);

  /** Runs the shard's docs that have no result yet under the run's id; the run stays running. */
  async function shard(
    raw: unknown,
    remainingMs: () => number,
  ): Promise<FanOutOutcome & { status: 'shard' }> {
    const event = ShardEventSchema.parse(raw);
    const { runId, shard: spec } = event;
    const run = await state.runningRun(runId);
    const shardDocs = await state.docsOf(runId, spec);
    const done = await state.recordedDocs(runId);
    const todo = shardDocs.filter((d) => !done.has(d));
    if (run.status !== 'running' || todo.length === 0) {
      logger.info('shard already recorded', { shard: spec.index, docs: shardDocs.length });
      return { status: 'shard', runId, shard: spec.index, summary: emptySummary() };
    }
    const { target } = await deps.target();
    const docs: DocSource = { list: async () => todo, read: (id) => deps.docs.read(id) };
    const include = (run.filters as DocFilters | undefined)?.include;
    const promises = await deps.promises?.(spec.authMatrix ?? 'off');
    let observed: readonly Observation[] = [];
    let known: Readonly<Record<string, string>> = {};
    const deadline = deadlineAbort(remainingMs(), deps.config.stopMarginMs);
    const result = await runDocs(
      target,
      {
        runId,
        allowDelete: deps.config.allowDelete,
        concurrency: deps.config.concurrency,
        ...(run.trigger ? { trigger: run.trigger } : {}),
        ...(include ? { filters: { include } } : {}),
      },
      {
        docs,
        http: deps.httpFor(spec.rps ?? 0),
        store,
        clock,
        ...(deps.config.rules && { rules: deps.config.rules }),
        ...(deps.testFiles && { testFiles: deps.testFiles }),
        shouldStop: () => remainingMs() < deps.config.stopMarginMs,
        ...(promises && { promises }),
        abort: deadline.signal,
        shard: {
          keep: async (observations, knownIssues) => {
            observed = observations;
            known = knownIssues;
          },
        },
      },
    ).finally(deadline.clear);
    await store.flush();
    await clock.sleep(SLOT_HOLD_MS);
    // Observations wait in S3 for the finish step, which settles the run once.
    if (observed.length > 0) await artifacts.put(runId, observationsName(spec.index), observed);
    if (Object.keys(known).length > 0) await artifacts.put(runId, knownIssuesName(spec.index), known);
    await keepShardContract(artifacts, runId, spec.index, result.contract);
    metrics.addMetric('ShardsCompleted', MetricUnit.Count, 1);
    logger.info('shard finished', { shard: spec.index, summary: result.summary });
    return { status: 'shard', runId, shard: spec.index, summary: result.summary };
  }

  /** Records every doc of a failed shard that has no result as `error` "shard failed: <cause>". */
  async function shardFailed(raw: unknown): Promise<FanOutOutcome & { status: 'shard' }> {
    const event = ShardFailedEventSchema.parse(raw);
    const { redact } = await deps.target().catch(() => ({ redact: undefined }));
    const cause = redact ? redact.text(causeOf(event)) : causeOf(event);
    const summary = await state.recordMissing(event.runId, event.shard, `shard failed: ${cause}`);
    metrics.addMetric('ShardsFailed', MetricUnit.Count, 1);
    logger.error('shard failed', { shard: event.shard.index, cause, docs: summary.total });
    return { status: 'shard', runId: event.runId, shard: event.shard.index, summary };
  }

  return {
    shard,
    shardFailed,
    finish: createFinishStep(deps, state),
    /** The planner's half of the contract: stored before the execution starts. */
    storePlan: (runId: string, plan: StoredPlan) => artifacts.put(runId, PLAN, plan),
  };
}
