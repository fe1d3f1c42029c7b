// What the status page reads from the state, as a structural type: the StateStore port's read side,
// plus the history API (listHealth, listDocHistory, listDocUptime) that stores may not have yet.
// Without it, history is rebuilt from the last runs' results (historyFromRuns), which is exact but
// reads one results file/query per run: fine locally, and what a store without the API can do.
import type { BusinessState, DocResult, Outcome } from '../engine/model.js';
import type { DocState, RunRecord } from '../engine/ports.js';
import { failingStep } from '../engine/report/summary.js';

export type HealthKind = 'incident' | 'condition' | 'mute';
export interface HealthRecord {
  readonly kind: HealthKind;
  readonly key: string;
  readonly version: number;
  readonly data: unknown;
  readonly updatedAt: string;
}
export interface DocHistoryEntry {
  readonly runId: string;
  readonly at: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly failingStep?: string;
  readonly reason?: string;
}
export interface DocUptime {
  readonly doc: string;
  /** YYYY-MM-DD, UTC */
  readonly day: string;
  readonly runs: number;
  readonly passed: number;
  readonly counted: number;
}

export interface StatusSource {
  listRuns(limit: number): Promise<readonly RunRecord[]>;
  listDocStates(): Promise<readonly DocState[]>;
  getRunResults(runId: string): Promise<readonly DocResult[]>;
  listBusinesses(): Promise<readonly BusinessState[]>;
  listHealth?(kind: HealthKind): Promise<readonly HealthRecord[]>;
  /** Per doc, newest first, at most `limit` entries. */
  listDocHistory?(
    limit: number,
    docs?: readonly string[],
  ): Promise<ReadonlyMap<string, readonly DocHistoryEntry[]>>;
  listDocUptime?(sinceDay: string, docs?: readonly string[]): Promise<readonly DocUptime[]>;
}

export function historyEntry(runId: string, r: DocResult): DocHistoryEntry {
  const step = failingStep(r);
  return {
    runId,
    at: r.startedAt,
    outcome: r.outcome,
    durationMs: r.durationMs,
    ...(step ? { failingStep: step.id } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

/** Per-doc history (newest first) rebuilt from the results of the last `limit` runs. */
export async function historyFromRuns(
  source: Pick<StatusSource, 'listRuns' | 'getRunResults'>,
  limit: number,
): Promise<Map<string, DocHistoryEntry[]>> {
  const runs = await source.listRuns(limit);
  const byDoc = new Map<string, DocHistoryEntry[]>();
  for (const run of runs) {
    for (const r of await source.getRunResults(run.runId)) {
      const list = byDoc.get(r.doc) ?? [];
      list.push(historyEntry(run.runId, r));
      byDoc.set(r.doc, list);
    }
  }
  return byDoc;
}
