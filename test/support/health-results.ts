// DocResults as a run reports them, for the health engine's tests, and a settle helper that plays
// one run against a store at a given time.

import type { HealthStore } from '../../lambda/engine/health/records.js';
import { type SettleHealthInput, settleHealth } from '../../lambda/engine/health/settle.js';
import { DEFAULT_TARGET_RULES } from '../../lambda/engine/health/target-rules.js';
import type { HealthAlert } from '../../lambda/engine/health/types.js';
import type { DocResult, Outcome, StepResult } from '../../lambda/engine/model.js';
import type { HttpFaultKind } from '../../lambda/engine/ports.js';

export interface ResultOptions {
  readonly domain?: string;
  readonly tags?: readonly string[];
  readonly status?: number;
  readonly fault?: HttpFaultKind;
  readonly token?: string;
  readonly body?: string;
  readonly startedAt?: string;
  readonly docStatus?: DocResult['status'];
}

/** One doc's result with one request: `pass` answers 200, `fail` the given status (500), `error` a fault or a 429. */
export function result(doc: string, outcome: Outcome, o: ResultOptions = {}): DocResult {
  const domain = o.domain ?? doc.split('/')[0] ?? 'misc';
  const status = outcome === 'pass' ? (o.status ?? 200) : outcome === 'fail' ? (o.status ?? 500) : o.status;
  const stepOutcome: StepResult['outcome'] =
    outcome === 'pass' ? 'pass' : outcome === 'error' ? 'error' : 'fail';
  const sent = outcome === 'pass' || outcome === 'fail' || outcome === 'error';
  const step: StepResult = {
    id: 'get_it',
    phase: 'test',
    line: 10,
    method: 'GET',
    url: `http://127.0.0.1:1/${doc.replace(/\.md$/, '')}?token=[REDACTED]`,
    expected: [200],
    outcome: stepOutcome,
    durationMs: 3,
    token: o.token ?? 'staff',
    ...(status !== undefined ? { status } : {}),
    ...(outcome === 'error' && status === undefined ? { fault: o.fault ?? 'connect' } : {}),
    ...(outcome !== 'pass' && status !== undefined ? { bodyExcerpt: o.body ?? '{"error":"boom"}' } : {}),
    ...(outcome === 'fail' ? { error: `expected 200, got ${status}` } : {}),
    ...(outcome === 'error' && status === 429 ? { error: 'rate limited (429 after 3 retries)' } : {}),
  };
  return {
    doc,
    endpoint: `GET /${doc.replace(/\.md$/, '')}`,
    domain,
    tags: [...(o.tags ?? [])],
    status: o.docStatus ?? 'active',
    outcome,
    ...(outcome === 'pass' ? {} : { reason: `step get_it (line 10): ${step.error ?? outcome}` }),
    durationMs: 3,
    startedAt: o.startedAt ?? '2026-01-01T00:00:00.000Z',
    steps: sent ? [step] : [],
  };
}

let counter = 0;

/** Settles one run at `at` (ISO) with the shipped rules. */
export async function play(
  store: HealthStore,
  at: string,
  results: readonly DocResult[],
  extra: Partial<SettleHealthInput> = {},
): Promise<HealthAlert[]> {
  counter++;
  const r = await settleHealth(store, {
    runId: `run-${counter}`,
    at,
    results: results.map((x) => ({
      ...x,
      startedAt: x.startedAt === '2026-01-01T00:00:00.000Z' ? at : x.startedAt,
    })),
    rules: DEFAULT_TARGET_RULES,
    filteredRun: false,
    ...extra,
  });
  return [...r.alerts];
}

/** `2026-01-01T00:00Z` plus `hours`. */
export const hour = (hours: number): string =>
  new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000).toISOString();
