// The run's state as every fan-out step reads it: the run record, the planner's plan.json, a
// shard's docs and the docs that already have a result. recordMissing is the one write they share:
// a doc with no result yet gets its one `error` result, so a redelivered step never records twice.
import type { Summary } from '../../engine/model.js';
import { emptySummary } from '../../engine/model.js';
import { domainOfId } from '../../engine/run/select.js';
import { type FanOutDeps, FanOutError, type StoredPlan } from './deps.js';
import type { ShardSpec } from './events.js';

export const PLAN = 'plan.json';
export const REPORT = 'report.json';
export const observationsName = (shard: number) => `observations/${String(shard).padStart(5, '0')}.json`;
export const knownIssuesName = (shard: number) => `known-issues/${String(shard).padStart(5, '0')}.json`;

export type RunState = ReturnType<typeof createRunState>;

export function createRunState(deps: Pick<FanOutDeps, 'store' | 'artifacts' | 'clock'>) {
  const { store, artifacts, clock } = deps;

  async function runningRun(runId: string) {
    const run = await store.getRun(runId);
    if (!run)
      throw new FanOutError(`run ${runId} has no run record; the planner stores it before the execution`);
    return run;
  }

  /** The run's plan (plan.json): read once per run in this container. */
  const plans = new Map<string, Promise<StoredPlan | undefined>>();
  const planOf = (runId: string) => {
    let plan = plans.get(runId);
    if (!plan) {
      plan = artifacts.get<StoredPlan>(runId, PLAN);
      plan.catch(() => plans.delete(runId));
      if (plans.size > 20) plans.clear();
      plans.set(runId, plan);
    }
    return plan;
  };
  /** A shard's docs: in the event when the caller passed them, else in the run's plan. */
  async function docsOf(runId: string, spec: ShardSpec): Promise<readonly string[]> {
    if (spec.docs) return spec.docs;
    const docs = (await planOf(runId))?.input.shards.find((s) => s.index === spec.index)?.docs;
    if (!docs)
      throw new FanOutError(
        `run ${runId} has no plan.json holding shard ${spec.index}; the planner stores it first`,
      );
    return docs;
  }

  const recordedDocs = async (runId: string) => new Set((await store.getRunResults(runId)).map((r) => r.doc));

  /** Records every doc of the shard that has no result as `error` with `reason`. */
  async function recordMissing(runId: string, spec: ShardSpec, reason: string): Promise<Summary> {
    const shardDocs = await docsOf(runId, spec);
    const done = await recordedDocs(runId);
    const summary = emptySummary();
    const at = clock.now().toISOString();
    const missing = shardDocs.filter((doc) => !done.has(doc));
    // Recorded together: a store may gather them into few writes (one commit per group locally).
    await Promise.all(
      missing.map((doc) =>
        store.recordDocResult(runId, {
          doc,
          domain: domainOfId(doc),
          outcome: 'error',
          reason,
          durationMs: 0,
          startedAt: at,
          steps: [],
        }),
      ),
    );
    summary.error += missing.length;
    summary.total += missing.length;
    await store.flush();
    return summary;
  }

  return { runningRun, docsOf, recordedDocs, recordMissing };
}
