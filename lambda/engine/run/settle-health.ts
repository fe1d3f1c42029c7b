// Endpoint health for a whole run (issue 12): the run's results, settled once against the health
// records (incidents, target conditions, mutes). Used by the run's settle steps and by the fan-out
// finish step, so a one-Lambda run and a fanned-out run decide alike.
import { DEFAULT_HEALTH_OPTIONS, type HealthOptions } from '../health/decide.js';
import { asHealthStore, conditionSchema, incidentSchema } from '../health/records.js';
import { settleHealth } from '../health/settle.js';
import { DEFAULT_TARGET_RULES } from '../health/target-rules.js';
import type { HealthAlert } from '../health/types.js';
import type { DocResult } from '../model.js';
import type { StateStore } from '../ports.js';
import type { DocFilters, HealthRunOptions } from '../target.js';

export interface RunHealthInput {
  readonly runId: string;
  readonly at: string;
  readonly docs: readonly DocResult[];
  /** Doc id → its Known Issues prose, redacted (only docs that failed need one). */
  readonly knownIssues: Readonly<Record<string, string>>;
  readonly filters?: DocFilters;
  /** A partial run (interrupted, or one doc picked by path): like a filtered run, it clears no condition. */
  readonly partial?: boolean;
  readonly health?: HealthRunOptions;
}

/** A run limited to some docs (`--doc/--domain/--tag`, API filters) touches only those docs. */
export function isFilteredRun(filters: DocFilters | undefined): boolean {
  return Boolean(filters?.docs?.length || filters?.domains?.length || filters?.tags?.length);
}

/** The incident policy a run's health settings ask for, over the documented defaults. */
export function healthOptionsOf(h: HealthRunOptions = {}): HealthOptions {
  return {
    ...DEFAULT_HEALTH_OPTIONS,
    ...(h.failAfter !== undefined ? { failAfter: h.failAfter } : {}),
    ...(h.recoverAfter !== undefined ? { recoverAfter: h.recoverAfter } : {}),
    ...(h.target !== undefined ? { target: h.target } : {}),
    ...(h.rateCapRps !== undefined ? { rateCapRps: h.rateCapRps } : {}),
  };
}

/** Settles the run's endpoint health; returns the alerts of the transitions this run won. */
export async function settleRunHealth(
  store: StateStore,
  input: RunHealthInput,
): Promise<readonly HealthAlert[]> {
  const { alerts } = await settleHealth(asHealthStore(store), {
    runId: input.runId,
    at: input.at,
    results: input.docs,
    rules: input.health?.rules ?? DEFAULT_TARGET_RULES,
    options: healthOptionsOf(input.health),
    filteredRun: isFilteredRun(input.filters) || Boolean(input.partial),
    knownIssues: input.knownIssues,
  });
  return alerts;
}

/** Open doc incidents plus active target conditions: what the stack's open-incident alarm counts. */
export async function countOpenIncidents(store: StateStore): Promise<number> {
  const health = asHealthStore(store);
  const [incidents, conditions] = await Promise.all([
    health.listHealth('incident'),
    health.listHealth('condition'),
  ]);
  const open = incidents.filter((r) => incidentSchema.safeParse(r.data).data?.state === 'open').length;
  const active = conditions.filter((r) => conditionSchema.safeParse(r.data).data?.state === 'active').length;
  return open + active;
}
