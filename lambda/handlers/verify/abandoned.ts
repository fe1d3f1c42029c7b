// Runs a Lambda ended without closing (killed at its timeout, out of memory, a crashed fan-out): the
// next run, once it holds the run lock, closes them as `abandoned`, with the summary of the results
// they did store and the planned docs that got none. A run counts as started by a verifier when its
// record carries the plan's capacity line; a run the API announced but no verifier picked up yet has
// none, and is left alone (its own invocation runs or refuses it).
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunArtifacts } from '../../adapters/s3/run-artifacts.js';
import { emptySummary } from '../../engine/model.js';
import {
  type Clock,
  type DocSource,
  MISSING_LISTED,
  type RunRecord,
  type StateStore,
} from '../../engine/ports.js';
import { passOne } from '../../engine/run/pass-one.js';
import type { DocFilters } from '../../engine/target.js';
import type { StoredPlan } from '../fanout/deps.js';

export interface AbandonedDeps {
  readonly store: StateStore;
  readonly docs: DocSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Where a fanned-out run's plan is (plan.json). @default - runs are re-planned from the docs */
  readonly artifacts?: RunArtifacts;
}

/** How many recent runs are looked at: an abandoned run is almost always the one before. */
const LOOK_BACK = 10;

/** Closes every recent `running` run a verifier started, other than `current`; returns them. */
export async function closeAbandonedRuns(deps: AbandonedDeps, current: string): Promise<RunRecord[]> {
  const { store, clock, logger, metrics } = deps;
  const closed: RunRecord[] = [];
  for (const run of await store.listRuns(LOOK_BACK)) {
    if (run.runId === current || run.status !== 'running' || run.capacity === undefined) continue;
    const results = await store.getRunResults(run.runId);
    const done = new Set<string>();
    const summary = emptySummary();
    for (const r of results) {
      if (done.has(r.doc)) continue;
      done.add(r.doc);
      summary[r.outcome]++;
      summary.total++;
    }
    const planned = await plannedDocs(deps, run);
    const missing = planned.filter((d) => !done.has(d));
    const record: RunRecord = {
      ...run,
      status: 'abandoned',
      finishedAt: clock.now().toISOString(),
      summary,
      reason: `abandoned: the run ended without closing (its Lambda timed out or crashed); closed by run ${current}; ${missing.length} planned doc(s) got no result`,
      missing: missing.slice(0, MISSING_LISTED),
    };
    await store.startRun(record);
    closed.push(record);
    metrics.addMetric('RunsAbandoned', MetricUnit.Count, 1);
    logger.warn('abandoned run closed', {
      abandoned: run.runId,
      results: summary.total,
      missing: missing.length,
    });
  }
  return closed;
}

async function plannedDocs(deps: AbandonedDeps, run: RunRecord): Promise<string[]> {
  const plan = deps.artifacts ? await deps.artifacts.get<StoredPlan>(run.runId, 'plan.json') : undefined;
  if (plan) return plan.input.shards.flatMap((s) => [...(s.docs ?? [])]);
  // One shard: the docs its filters select now (the docs may have changed since; the best we know).
  const { docs } = await passOne(deps.docs, run.filters as DocFilters | undefined);
  return docs.map((d) => d.id);
}
