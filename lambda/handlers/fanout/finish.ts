// The fan-out's last step: aggregates the shards' stored results, settles the run once (business
// conditions, endpoint health, auth-matrix transitions, removed docs), stores the run record and the
// report. A redelivered finish of a finished run only rewrites the report; it never settles twice.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { applyObservations, type Observation } from '../../engine/conditions/business.js';
import { type DocResult, emptySummary, OUTCOMES, type RunReport } from '../../engine/model.js';
import { markRemovedDocs } from '../../engine/run/removed.js';
import { countOpenIncidents, settleRunHealth } from '../../engine/run/settle-health.js';
import type { DocFilters, Target } from '../../engine/target.js';
import type { FanOutDeps, FanOutOutcome, StoredPlan } from './deps.js';
import { FinishEventSchema } from './events.js';
import { runContractTotals, settleFanOutAuth } from './promises.js';
import { PLAN, REPORT, type RunState } from './run-state.js';

export function createFinishStep(deps: FanOutDeps, state: RunState) {
  const { store, artifacts, clock, logger, metrics } = deps;

  /** Aggregates the stored results, settles the run once, stores the run record and the report. */
  return async function finish(raw: unknown): Promise<FanOutOutcome & { status: 'finished' }> {
    const { runId } = FinishEventSchema.parse(raw);
    const run = await state.runningRun(runId);
    const plan = await artifacts.get<StoredPlan>(runId, PLAN);
    if (run.status === 'running' && plan) {
      // A shard whose failure could not even be recorded: its docs still get their one result.
      for (const s of plan.input.shards)
        await state.recordMissing(
          runId,
          { index: s.index, docs: s.docs && [...s.docs], rps: s.rps },
          'shard failed: no result was recorded',
        );
    }
    const docs = firstPerDoc(await store.getRunResults(runId));
    const summary = emptySummary();
    for (const r of docs) {
      summary[r.outcome]++;
      summary.total++;
    }
    let finishedAt = run.finishedAt ?? clock.now().toISOString();
    if (run.status === 'running') {
      // ---- settle: business conditions and endpoint health, once for the whole run.
      const observations: Observation[] = [];
      for (const name of await artifacts.list(runId, 'observations'))
        observations.push(...((await artifacts.get<Observation[]>(runId, name)) ?? []));
      const { target } = await deps.target();
      await applyObservations({
        store,
        businessId: businessIdOf(target),
        runId,
        now: clock.now(),
        observations,
      });
      const knownIssues: Record<string, string> = {};
      for (const name of await artifacts.list(runId, 'known-issues'))
        Object.assign(knownIssues, await artifacts.get<Record<string, string>>(runId, name));
      // On AWS the alerts reach people through the outbox: one item per alert, published from the stream.
      const alerts = await settleRunHealth(store, {
        runId,
        at: clock.now().toISOString(),
        docs,
        knownIssues,
        ...(run.filters ? { filters: run.filters as DocFilters } : {}),
        ...(deps.config.health ? { health: deps.config.health } : {}),
      });
      if (alerts.length > 0) logger.info('health alerts', { types: alerts.map((a) => a.type) });
      // The auth matrix's transitions, once for the run; their alerts go to the outbox with the rest.
      const authAlerts = await settleFanOutAuth(store, runId, clock.now().toISOString(), docs);
      if (authAlerts.length > 0) logger.info('auth alerts', { types: authAlerts.map((a) => a.type) });
      // A failed outbox write fails this step (never only logged).
      for (const alert of [...alerts, ...authAlerts]) await deps.alerts?.publish(alert);
      // A full run: docs the bucket no longer holds are marked removed.
      const removed = await markRemovedDocs(
        store,
        run.filters as DocFilters | undefined,
        await deps.docs.list(),
        runId,
        clock.now().toISOString(),
      );
      if (removed.length > 0) logger.info('docs marked removed', { docs: removed.length });
      // ---- end of settle
      finishedAt = clock.now().toISOString();
      await store.finishRun(runId, finishedAt, summary, 'finished');
      for (const outcome of OUTCOMES)
        metrics.addMetric(`Docs_${outcome}`, MetricUnit.Count, summary[outcome]);
      metrics.addMetric('RunsCompleted', MetricUnit.Count, 1);
      metrics.addMetric('OpenIncidents', MetricUnit.Count, await countOpenIncidents(store));
    }
    const businesses = (await store.listBusinesses()).map((b) => ({
      businessId: b.businessId,
      condition: b.condition,
      since: b.since,
    }));
    const contract = await runContractTotals(artifacts, runId);
    const report: RunReport & { capacity?: string } = {
      runId,
      startedAt: run.startedAt,
      finishedAt,
      summary,
      docs,
      businesses,
      ...(plan && { capacity: plan.capacity }),
      ...(contract && { contract }),
    };
    await artifacts.put(runId, REPORT, report);
    await deps.publishStatus?.(runId);
    await store.releaseLock(deps.config.lockName, runId);
    logger.info('run finished', { summary, shards: plan?.input.shards.length });
    return {
      status: 'finished',
      runId,
      result: {
        runId,
        startedAt: run.startedAt,
        finishedAt,
        summary,
        businesses,
        ...(contract && { contract }),
      },
    };
  };
}

/** One result per doc: a redelivered write never counts twice. */
function firstPerDoc(results: readonly DocResult[]): DocResult[] {
  const seen = new Set<string>();
  return results.filter((r) => {
    if (seen.has(r.doc)) return false;
    seen.add(r.doc);
    return true;
  });
}

function businessIdOf(target: Target): string {
  const id = target.credentials.params.business_id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : 'default';
}
