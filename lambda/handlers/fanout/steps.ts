// The steps the fan-out state machine invokes in the verifier function: run one shard, record a
// failed shard's docs, finish the run. Each is idempotent on redelivery: a doc that already has a
// result in this run is never run or recorded again, and a finished run is not finished twice.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RATE_WINDOW_MS } from '../../adapters/http/rate-cap.js';
import type { RunArtifacts } from '../../adapters/s3/run-artifacts.js';
import { applyObservations, type Observation } from '../../engine/conditions/business.js';
import type { ConditionRule } from '../../engine/conditions/rules.js';
import {
  type DocResult,
  emptySummary,
  OUTCOMES,
  type RunReport,
  type RunResult,
  type Summary,
} from '../../engine/model.js';
import type { AlertSink, Clock, DocSource, HttpClient, StateStore, TestFiles } from '../../engine/ports.js';
import type { Redactor } from '../../engine/redact.js';
import { markRemovedDocs } from '../../engine/run/removed.js';
import { runDocs } from '../../engine/run/run-docs.js';
import { domainOfId } from '../../engine/run/select.js';
import { countOpenIncidents, settleRunHealth } from '../../engine/run/settle-health.js';
import type { DocFilters, HealthRunOptions, Target } from '../../engine/target.js';
import { deadlineAbort } from '../deadline.js';
import type { RunPromises } from '../run-promises.js';
import {
  causeOf,
  type FanOutInput,
  FinishEventSchema,
  ShardEventSchema,
  ShardFailedEventSchema,
  type ShardSpec,
} from './events.js';
import { keepShardContract, runContractTotals, settleFanOutAuth } from './promises.js';

export class FanOutError extends Error {
  override readonly name = 'FanOutError';
}

export interface FanOutDeps {
  readonly config: {
    readonly concurrency: number;
    readonly allowDelete: boolean;
    readonly lockName: string;
    readonly stopMarginMs: number;
    readonly rules?: readonly ConditionRule[];
    /** Endpoint health: the incident policy and the target conditions' name. */
    readonly health?: HealthRunOptions;
  };
  readonly store: StateStore & { flush?: () => Promise<void> };
  readonly docs: DocSource;
  readonly testFiles?: TestFiles;
  readonly artifacts: RunArtifacts;
  /** The target with its credentials, and a redactor for their every form. */
  readonly target: () => Promise<{ readonly target: Target; readonly redact: Redactor }>;
  /** An HTTP client holding `rps` (0 = uncapped) in every one-second window. */
  readonly httpFor: (rps: number) => HttpClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Writes the target's status page after the run is stored (never throws). @default - no page */
  readonly publishStatus?: (runId: string) => Promise<void>;
  /** Where the run's health alerts go (the outbox on the state table). @default - logged only */
  readonly alerts?: AlertSink;
  /** The run's promises (auth matrix, contracts), applied in each shard as in a one-shard run. @default - none */
  readonly promises?: RunPromises;
}

export type FanOutOutcome =
  | { readonly status: 'shard'; readonly runId: string; readonly shard: number; readonly summary: Summary }
  | { readonly status: 'finished'; readonly runId: string; readonly result: RunResult };

/** What the planner stores next to the run for the finish step. */
export interface StoredPlan {
  readonly input: FanOutInput;
  readonly capacity: string;
}

/**
 * A shard holds its Map slot this long after its last request: the next shard in that slot starts
 * with an empty window, so the slots' caps still add up to at most the target's in every second. It
 * is the rate cap's own window, guard included: a hold of one bare second let the next shard's first
 * requests land in the same server-side second as this one's last (CI saw 104 with a cap of 100).
 */
export const SLOT_HOLD_MS = RATE_WINDOW_MS;

const PLAN = 'plan.json';
const REPORT = 'report.json';
const observationsName = (shard: number) => `observations/${String(shard).padStart(5, '0')}.json`;
const knownIssuesName = (shard: number) => `known-issues/${String(shard).padStart(5, '0')}.json`;

export function createFanOutSteps(deps: FanOutDeps) {
  const { store, artifacts, clock, logger, metrics } = deps;

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

  /** Runs the shard's docs that have no result yet under the run's id; the run stays running. */
  async function shard(
    raw: unknown,
    remainingMs: () => number,
  ): Promise<FanOutOutcome & { status: 'shard' }> {
    const event = ShardEventSchema.parse(raw);
    const { runId, shard: spec } = event;
    const run = await runningRun(runId);
    const shardDocs = await docsOf(runId, spec);
    const done = await recordedDocs(runId);
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
    await store.flush?.();
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
    const summary = await recordMissing(event.runId, event.shard, `shard failed: ${cause}`);
    metrics.addMetric('ShardsFailed', MetricUnit.Count, 1);
    logger.error('shard failed', { shard: event.shard.index, cause, docs: summary.total });
    return { status: 'shard', runId: event.runId, shard: event.shard.index, summary };
  }

  async function recordMissing(runId: string, spec: ShardSpec, reason: string): Promise<Summary> {
    const shardDocs = await docsOf(runId, spec);
    const done = await recordedDocs(runId);
    const summary = emptySummary();
    const at = clock.now().toISOString();
    for (const doc of shardDocs) {
      if (done.has(doc)) continue;
      const result: DocResult = {
        doc,
        domain: domainOfId(doc),
        outcome: 'error',
        reason,
        durationMs: 0,
        startedAt: at,
        steps: [],
      };
      await store.recordDocResult(runId, result);
      summary.error++;
      summary.total++;
    }
    await store.flush?.();
    return summary;
  }

  /** Aggregates the stored results, settles the run once, stores the run record and the report. */
  async function finish(raw: unknown): Promise<FanOutOutcome & { status: 'finished' }> {
    const { runId } = FinishEventSchema.parse(raw);
    const run = await runningRun(runId);
    const plan = await artifacts.get<StoredPlan>(runId, PLAN);
    if (run.status === 'running' && plan) {
      // A shard whose failure could not even be recorded: its docs still get their one result.
      for (const s of plan.input.shards)
        await recordMissing(
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
  }

  return {
    shard,
    shardFailed,
    finish,
    /** The planner's half of the contract: stored before the execution starts. */
    storePlan: (runId: string, plan: StoredPlan) => artifacts.put(runId, PLAN, plan),
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
