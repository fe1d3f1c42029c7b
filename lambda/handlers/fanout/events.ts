// The fan-out contract between the planner (verify handler), the state machine (lib/constructs/
// fan-out.ts) and the steps it invokes in the verifier function. Validated at the edge with zod.
import * as z from 'zod';
import { RUN_ID_PATTERN } from '../../engine/run/run-id.js';

/** One shard as the execution input carries it (`index` and `shardId` are the same number). */
export const ShardSchema = z
  .looseObject({
    index: z.number().int().min(0).optional(),
    shardId: z.coerce.number().int().min(0).optional(),
    /** Absent in the execution input: the shard's docs are in the run's plan.json (the 256 KB limit). */
    docs: z.array(z.string().min(1)).min(1).optional(),
    /** This shard's own cap; the shards in flight add up to at most the target's cap. 0 = uncapped. */
    rps: z.number().int().min(0).optional(),
    /** The run's auth-matrix mode (issue 15): the shard re-sends steps as a one-shard run would. */
    authMatrix: z.enum(['get', 'all']).optional(),
  })
  .transform(({ index, shardId, docs, rps, authMatrix }) => ({
    index: index ?? shardId ?? 0,
    docs,
    rps,
    ...(authMatrix && { authMatrix }),
  }));
export type ShardSpec = z.infer<typeof ShardSchema>;

const runId = z.string().regex(RUN_ID_PATTERN);
const target = z.string().max(64).optional();

export const ShardEventSchema = z.looseObject({
  kind: z.literal('shard'),
  runId,
  target,
  shard: ShardSchema,
});

/** The Catch's `$.error` is `{ Error, Cause }`; a direct caller may pass `cause` as text. */
export const ShardFailedEventSchema = z.looseObject({
  kind: z.literal('shard-failed'),
  runId,
  target,
  shard: ShardSchema,
  cause: z.string().optional(),
  error: z.looseObject({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

export const FinishEventSchema = z.looseObject({
  kind: z.literal('finish'),
  runId,
  target,
  executionArn: z.string().optional(),
});

export const FanOutEventSchema = z.discriminatedUnion('kind', [
  ShardEventSchema,
  ShardFailedEventSchema,
  FinishEventSchema,
]);
export type FanOutEvent = z.infer<typeof FanOutEventSchema>;

export const isFanOutEvent = (event: unknown): boolean => {
  const kind = (event as { kind?: unknown } | null)?.kind;
  return kind === 'shard' || kind === 'shard-failed' || kind === 'finish';
};

/** One shard of the plan; in the execution input without `docs` (the shard step reads plan.json). */
export interface FanOutShard {
  readonly index: number;
  readonly shardId: number;
  readonly docs?: readonly string[];
  readonly rps: number;
  /** Set when the run checks the auth matrix. */
  readonly authMatrix?: 'get' | 'all';
}

/**
 * The plan (plan.json, with every shard's docs) and the execution input the planner starts the state
 * machine with (lib/constructs/fan-out.ts reads it): the same, without the doc lists, so the input
 * stays a few bytes per shard however many docs there are (Step Functions refuses inputs over 256 KB).
 */
export interface FanOutInput {
  readonly runId: string;
  readonly target: string;
  readonly maxConcurrency: number;
  readonly shards: readonly FanOutShard[];
}

/** The execution input for a plan: its shards without their doc lists. */
export const executionInputOf = (plan: FanOutInput): FanOutInput => ({
  ...plan,
  shards: plan.shards.map(({ index, shardId, rps, authMatrix }) => ({
    index,
    shardId,
    rps,
    ...(authMatrix && { authMatrix }),
  })),
});

/** A shard's failure as one line: the Lambda's errorMessage when the cause is its JSON error. */
export function causeOf(event: z.infer<typeof ShardFailedEventSchema>): string {
  const raw = event.cause ?? event.error?.Cause ?? event.error?.Error ?? 'unknown';
  try {
    const parsed = JSON.parse(raw) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string')
      return typeof parsed.errorType === 'string'
        ? `${parsed.errorType}: ${parsed.errorMessage}`
        : parsed.errorMessage;
  } catch {
    // not JSON: the cause as given
  }
  return raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
}
