// Settling a run once every doc is recorded: each settle step turns the run's results into state
// changes and the alerts they call for; then the run is finished and the alerts are delivered.
// Business conditions first, then endpoint health (incidents, target conditions): one entry each.
import { applyObservations, type Observation } from '../conditions/business.js';
import type { Alert, DocResult, RunResult, Summary } from '../model.js';
import type { AlertSink, Clock, RunEvent, StateStore } from '../ports.js';
import { type DocAuth, settleAuthAlerts } from '../promises/auth-alerts.js';
import type { ContractTotals } from '../promises/contract-model.js';
import type { Redactor } from '../redact.js';
import type { DocFilters, HealthRunOptions, Target } from '../target.js';
import { settleRunHealth } from './settle-health.js';

/** What the docs of a run produced, gathered while they ran. */
export interface RunResults {
  readonly runId: string;
  readonly startedAt: string;
  readonly summary: Summary;
  /** Confirmed business-condition observations and clears, from every doc. */
  readonly observations: readonly Observation[];
  /** Stopped early on request (Ctrl-C, --bail): recorded as `interrupted`. */
  readonly interrupted?: boolean;
  /** Response-contract counts, when `--openapi` checked them. */
  readonly contract?: ContractTotals;
  /** Auth-matrix findings per doc, when `--auth-matrix` re-sent steps. */
  readonly auth?: readonly DocAuth[];
  /** Every recorded result (endpoint health decides from them). */
  readonly docs: readonly DocResult[];
  /** Doc id → Known Issues prose (redacted), for the docs that failed: the remedy in doc.failing. */
  readonly knownIssues: Readonly<Record<string, string>>;
}

export interface SettleContext {
  readonly target: Target;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly redactor: Redactor;
  readonly emit: (e: RunEvent) => void;
  readonly alerts?: AlertSink;
  /** The run's filters: a filtered run touches only the docs it ran. */
  readonly filters?: DocFilters;
  readonly health?: HealthRunOptions;
}

/** Decides and stores what the run's results change; returns the alerts to deliver. */
export type SettleStep = (results: RunResults, ctx: SettleContext) => Promise<readonly Alert[]>;

const settleBusinessConditions: SettleStep = (results, ctx) =>
  applyObservations({
    store: ctx.store,
    businessId: businessIdOf(ctx.target),
    runId: results.runId,
    now: ctx.clock.now(),
    observations: results.observations,
  });

const settleAuth: SettleStep = (results, ctx) =>
  results.auth?.length
    ? settleAuthAlerts(ctx.store, {
        runId: results.runId,
        at: ctx.clock.now().toISOString(),
        docs: results.auth,
      })
    : Promise.resolve([]);

const settleEndpointHealth: SettleStep = (results, ctx) =>
  settleRunHealth(ctx.store, {
    runId: results.runId,
    at: ctx.clock.now().toISOString(),
    docs: results.docs,
    knownIssues: results.knownIssues,
    ...(ctx.filters ? { filters: ctx.filters } : {}),
    partial: Boolean(results.interrupted || ctx.health?.partial),
    ...(ctx.health ? { health: ctx.health } : {}),
  });

export const SETTLE_STEPS: readonly SettleStep[] = [
  settleBusinessConditions,
  settleEndpointHealth,
  settleAuth,
];

/**
 * Runs the settle steps, finishes the run and delivers its alerts (a failed delivery is a warning,
 * never a failed run). When `fault` is set (the store failed during the run) or a step throws, the run
 * is finished as failed and the error is thrown.
 */
export async function settleRun(
  results: RunResults,
  ctx: SettleContext,
  fault?: unknown,
  steps: readonly SettleStep[] = SETTLE_STEPS,
): Promise<RunResult> {
  const { store, clock, emit, redactor } = ctx;
  const { runId, startedAt, summary } = results;
  try {
    if (fault !== undefined) throw fault;
    const alerts: Alert[] = [];
    for (const step of steps) alerts.push(...(await step(results, ctx)));
    const finishedAt = clock.now().toISOString();
    await store.finishRun(runId, finishedAt, summary, results.interrupted ? 'interrupted' : 'finished');
    for (const alert of alerts) {
      emit({ type: 'alert', alert });
      try {
        await ctx.alerts?.publish(alert);
      } catch (err) {
        emit({ type: 'warning', message: redactor.text(`alert delivery failed: ${(err as Error).message}`) });
      }
    }
    const businesses = (await store.listBusinesses()).map((b) => ({
      businessId: b.businessId,
      condition: b.condition,
      since: b.since,
    }));
    const result: RunResult = {
      runId,
      startedAt,
      finishedAt,
      summary,
      businesses,
      ...(results.interrupted ? { interrupted: true } : {}),
      ...(results.contract ? { contract: { ...results.contract } } : {}),
    };
    emit({ type: 'run-finished', result });
    return result;
  } catch (err) {
    await store.finishRun(runId, clock.now().toISOString(), summary, 'failed').catch(() => {});
    throw err;
  }
}

/** The business a target's docs act as: its `business_id` param, else "default". */
export function businessIdOf(target: Target): string {
  const id = target.credentials.params.business_id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : 'default';
}
