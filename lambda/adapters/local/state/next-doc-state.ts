// How a doc's current state moves when one of its results is recorded. Pure, so every StateStore
// implementation (local files, DynamoDB) applies exactly the same rule.
import type { DocResult, Outcome } from '../../../engine/model.js';
import type { DocState } from '../../../engine/ports.js';

/** Outcomes that extend a failure streak; any other outcome ends it. */
export const FAILING_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['fail', 'error', 'blocked']);

/**
 * `since` stays while the outcome stays the same; `consecutiveFailures` counts fail/error/blocked
 * results in a row and drops to 0 on any other outcome.
 */
export function nextDocState(prev: DocState | undefined, runId: string, result: DocResult): DocState {
  const same = prev !== undefined && prev.outcome === result.outcome;
  const failing = FAILING_OUTCOMES.has(result.outcome);
  const next: DocState = {
    doc: result.doc,
    domain: result.domain,
    outcome: result.outcome,
    since: same ? prev.since : result.startedAt,
    consecutiveFailures: failing ? (prev?.consecutiveFailures ?? 0) + 1 : 0,
    lastRunId: runId,
    lastRunAt: result.startedAt,
    ...(result.endpoint !== undefined ? { endpoint: result.endpoint } : {}),
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
  };
  return next;
}
