// Item <-> domain conversions for the state table. Internal attributes (keys, index keys, entity,
// TTL, revision) never leave this module, and every item read is validated with zod (an item
// written by another version, or by hand, is reported, never cast).
import * as z from 'zod';
import { historyEntry, utcDay } from '../../engine/doc-state.js';
import type { BusinessState, DocResult } from '../../engine/model.js';
import type { DocHistoryEntry, DocState, DocUptime, HealthRecord, RunRecord } from '../../engine/ports.js';
import {
  docHistoryEntrySchema,
  docResultSchema,
  docStateSchema,
  docUptimeSchema,
  healthRecordSchema,
  runRecordSchema,
} from '../state-schemas.js';
import { parseBusinessItem } from './business-item.js';
import { DOCS_INDEX_PK, keys, RUNS_INDEX_PK } from './schema.js';

export type Item = Record<string, unknown>;

/** An item that does not hold what the store writes there. */
export class DynamoItemError extends Error {
  override readonly name = 'DynamoItemError';
}

function parse<T>(schema: z.ZodType<T>, item: Item, what: string): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DynamoItemError(
      `${what} item ${String(item.pk)} / ${String(item.sk)}: unexpected content (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); remove or repair it`,
    );
  }
  return parsed.data;
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

export const fromRunItem = (item: Item): RunRecord => parse(runRecordSchema, item, 'run');

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

const resultTextSchema = z.object({ result: z.string() });

export function fromResultItem(item: Item): DocResult {
  const { result } = parse(resultTextSchema, item, 'result');
  let raw: unknown;
  try {
    raw = JSON.parse(result);
  } catch (err) {
    throw new DynamoItemError(`result item ${String(item.pk)} / ${String(item.sk)}: not valid JSON`, {
      cause: err,
    });
  }
  return parse(docResultSchema, raw as Item, 'result');
}

export function docItem(state: DocState, rev: number): Item {
  return {
    ...keys.doc(state.doc),
    entity: 'doc',
    gsi1pk: DOCS_INDEX_PK,
    gsi1sk: `${state.domain}#${state.doc}`,
    rev,
    ...state,
  };
}

const revSchema = z.object({ rev: z.number().int().positive() });

export const fromDocItem = (item: Item): DocState => parse(docStateSchema, item, 'doc state');

/** The stored revision a conditional doc-state write checks. */
export const revOfDocItem = (item: Item): number => parse(revSchema, item, 'doc state').rev;

/** The business item's shape is fixed: the alert Lambda reads it from the table stream. */
export function businessItem(b: BusinessState): Item {
  return { ...keys.business(b.businessId), entity: 'business', ...b };
}

export const fromBusinessItem = (item: Item): BusinessState => parseBusinessItem(item);

export function historyItem(runId: string, result: DocResult, expiresAt: number): Item {
  return {
    ...keys.history(result.doc, result.startedAt, runId),
    entity: 'history',
    doc: result.doc,
    expiresAt,
    ...historyEntry(runId, result),
  };
}

export const fromHistoryItem = (item: Item): DocHistoryEntry => parse(docHistoryEntrySchema, item, 'history');

export const uptimeKey = (result: DocResult) => keys.uptime(result.doc, utcDay(result.startedAt));

export const fromUptimeItem = (item: Item): DocUptime =>
  parse(docUptimeSchema, { ...item, doc: item.doc, day: item.sk }, 'uptime');

export function healthItem(record: HealthRecord): Item {
  return { ...keys.health(record.kind, record.key), entity: 'health', ...record };
}

export const fromHealthItem = (item: Item): HealthRecord => parse(healthRecordSchema, item, 'health');
