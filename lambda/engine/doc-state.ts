// How a doc's kept state moves when one of its results is recorded: the one rule every StateStore
// applies (the stores only persist what these functions return).
import type { DocResult, Outcome } from './model.js';
import type { DocHistoryEntry, DocState, DocUptime } from './ports.js';

/** Outcomes that extend a failure streak; any other observed outcome ends it. */
export const FAILING_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['fail', 'error', 'blocked']);

/** Outcomes an uptime figure counts (`counted`): the API was asked and answered for itself. */
export const COUNTED_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['pass', 'fail', 'error']);

/** A history entry's reason is cut to this many characters (the run's results keep it whole). */
export const HISTORY_REASON_MAX = 500;

/**
 * The doc's state after `result`.
 *
 * An observed outcome (anything but skip): `since` stays while the outcome stays the same;
 * `consecutiveFailures` counts fail/error/blocked results in a row and drops to 0 on any other
 * outcome; `lastRunId`/`lastRunAt` name the run that observed it; `reason` is the result's.
 *
 * A skip (deadline, filters, status, deletes disabled) observed nothing, so it must not erase a
 * doc's health: when the doc has an observed state, its outcome, `since`, `consecutiveFailures`,
 * `reason`, `lastRunId` and `lastRunAt` are kept, the doc's description (endpoint, domain, status)
 * follows the result, and `lastSkip` records the skip (cleared by the next observation). A doc that
 * was never observed is in state `skip`, as before.
 */
export function nextDocState(prev: DocState | undefined, runId: string, result: DocResult): DocState {
  const described = {
    doc: result.doc,
    domain: result.domain,
    ...(result.endpoint !== undefined ? { endpoint: result.endpoint } : {}),
    ...(result.status !== undefined ? { status: result.status } : {}),
  };
  if (result.outcome === 'skip' && prev !== undefined && prev.outcome !== 'skip') {
    return {
      ...described,
      outcome: prev.outcome,
      since: prev.since,
      consecutiveFailures: prev.consecutiveFailures,
      lastRunId: prev.lastRunId,
      lastRunAt: prev.lastRunAt,
      ...(prev.reason !== undefined ? { reason: prev.reason } : {}),
      lastSkip: {
        runId,
        at: result.startedAt,
        ...(result.reason !== undefined ? { reason: result.reason } : {}),
      },
    };
  }
  const same = prev !== undefined && prev.outcome === result.outcome;
  return {
    ...described,
    outcome: result.outcome,
    since: same ? prev.since : result.startedAt,
    consecutiveFailures: FAILING_OUTCOMES.has(result.outcome) ? (prev?.consecutiveFailures ?? 0) + 1 : 0,
    lastRunId: runId,
    lastRunAt: result.startedAt,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
  };
}

/** Whether `next` differs from `prev` in anything but the run stamps (a store may skip the write). */
export function docStateChanged(prev: DocState | undefined, next: DocState): boolean {
  if (!prev) return true;
  const fields = [
    'endpoint',
    'domain',
    'status',
    'outcome',
    'since',
    'consecutiveFailures',
    'reason',
  ] as const;
  return (
    fields.some((f) => prev[f] !== next[f]) ||
    prev.lastSkip?.reason !== next.lastSkip?.reason ||
    prev.removed !== next.removed
  );
}

/** The compact line a doc's history keeps for one result. */
export function historyEntry(runId: string, result: DocResult): DocHistoryEntry {
  const failing = result.steps.find((s) => s.outcome === 'fail' || s.outcome === 'error');
  const reason = result.reason?.slice(0, HISTORY_REASON_MAX);
  return {
    runId,
    at: result.startedAt,
    outcome: result.outcome,
    durationMs: result.durationMs,
    ...(failing ? { failingStep: failing.id } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The UTC day (`YYYY-MM-DD`) of an ISO time. */
export const utcDay = (at: string): string => new Date(at).toISOString().slice(0, 10);

/** What one result adds to its doc's uptime counters for the day it started. */
export function uptimeIncrement(result: DocResult): Omit<DocUptime, 'doc' | 'day'> {
  return {
    runs: 1,
    passed: result.outcome === 'pass' ? 1 : 0,
    counted: COUNTED_OUTCOMES.has(result.outcome) ? 1 : 0,
  };
}
