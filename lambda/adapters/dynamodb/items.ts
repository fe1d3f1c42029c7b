// Item <-> domain conversions for the state table. Internal attributes (keys, index keys, entity,
// TTL) never leave this module.
import type { BusinessState, DocResult } from '../../engine/model.js';
import type { DocState, RunRecord } from '../../engine/ports.js';
import { parseBusinessItem } from './business-item.js';
import { DOCS_INDEX_PK, keys, RUNS_INDEX_PK } from './schema.js';

export type Item = Record<string, unknown>;

const INTERNAL = new Set(['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'expiresAt', 'rev']);

function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.has(k)) out[k] = v;
  return out as T;
}

/** True when an item's TTL has passed (dynalite never expires items, and DynamoDB expires lazily). */
export function isExpired(item: Item, nowMs: number): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= nowMs;
}

export function runItem(run: RunRecord, expiresAt: number): Item {
  return {
    ...keys.run(run.runId),
    entity: 'run',
    gsi1pk: RUNS_INDEX_PK,
    gsi1sk: `${run.startedAt}#${run.runId}`,
    expiresAt,
    ...run,
  };
}

export const fromRunItem = (item: Item): RunRecord => strip<RunRecord>(item);

export function resultItem(runId: string, seq: number, result: DocResult, expiresAt: number): Item {
  // Stored as JSON text: the result's shape is the engine's, and nested optional fields survive as-is.
  return {
    ...keys.result(runId, seq, result.doc),
    entity: 'result',
    runId,
    doc: result.doc,
    outcome: result.outcome,
    expiresAt,
    result: JSON.stringify(result),
  };
}

export const fromResultItem = (item: Item): DocResult => JSON.parse(String(item.result)) as DocResult;

export function docItem(state: DocState): Item {
  return {
    ...keys.doc(state.doc),
    entity: 'doc',
    gsi1pk: DOCS_INDEX_PK,
    gsi1sk: `${state.domain}#${state.doc}`,
    ...state,
  };
}

export const fromDocItem = (item: Item): DocState => strip<DocState>(item);

/** The business item's shape is fixed: the alert Lambda reads it from the table stream. */
export function businessItem(b: BusinessState): Item {
  return { ...keys.business(b.businessId), entity: 'business', ...b };
}

export const fromBusinessItem = (item: Item): BusinessState => parseBusinessItem(item);

const FAILING = new Set(['fail', 'error', 'blocked']);

/** The doc's state after `result`: `since` moves only when the outcome changes. */
export function nextDocState(prev: DocState | undefined, runId: string, result: DocResult): DocState {
  const sameOutcome = prev?.outcome === result.outcome;
  // fail, error and blocked in a row; any other outcome breaks the streak.
  const failures = FAILING.has(result.outcome) ? (prev?.consecutiveFailures ?? 0) + 1 : 0;
  return {
    doc: result.doc,
    ...(result.endpoint !== undefined && { endpoint: result.endpoint }),
    domain: result.domain,
    ...(result.status !== undefined && { status: result.status }),
    outcome: result.outcome,
    since: sameOutcome && prev ? prev.since : result.startedAt,
    consecutiveFailures: failures,
    lastRunId: runId,
    lastRunAt: result.startedAt,
    ...(result.reason !== undefined && { reason: result.reason }),
  };
}

/** Whether writing `next` over `prev` changes anything a reader cares about besides the run stamp. */
export function docStateChanged(prev: DocState | undefined, next: DocState): boolean {
  if (!prev) return true;
  const fields: (keyof DocState)[] = [
    'endpoint',
    'domain',
    'status',
    'outcome',
    'since',
    'consecutiveFailures',
    'reason',
  ];
  return fields.some((f) => prev[f] !== next[f]);
}
