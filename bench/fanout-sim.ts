// The fan-out state machine's steps (lib/constructs/fan-out.ts) played in-process against the
// verifier handler: Map over the shards with MaxConcurrency, one retry of a failed shard, then its
// Catch (`shard-failed`), then `finish`. Used by the composition test and the benchmark.
import pLimit from 'p-limit';
import type { FanOutInput } from '../lambda/handlers/fanout/events.js';
import type { VerifyHandler, VerifyOutcome } from '../lambda/handlers/verify.js';

/** A Lambda context for one invocation with `budgetMs` to live. */
export function invocationContext(budgetMs = 900_000) {
  const end = Date.now() + budgetMs;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}

export interface PlayOptions {
  /** Attempts per shard before its Catch (the state machine retries once: 2). @default 2 */
  readonly attempts?: number;
  /** Called before each shard invocation; a throw stands for the Lambda failing. */
  readonly beforeShard?: (index: number, attempt: number) => void;
}

export interface Played {
  readonly finish: VerifyOutcome;
  /** Most shards that were running at the same time. */
  readonly peakShards: number;
}

export async function playStateMachine(
  handler: VerifyHandler,
  input: FanOutInput,
  options: PlayOptions = {},
): Promise<Played> {
  const limit = pLimit(Math.max(1, input.maxConcurrency));
  const attempts = options.attempts ?? 2;
  let running = 0;
  let peakShards = 0;
  await Promise.all(
    input.shards.map((shard) =>
      limit(async () => {
        running++;
        peakShards = Math.max(peakShards, running);
        try {
          const event = { kind: 'shard', runId: input.runId, target: input.target, shard };
          let error: Error | undefined;
          for (let attempt = 1; attempt <= attempts; attempt++) {
            try {
              options.beforeShard?.(shard.index, attempt);
              await handler(event, invocationContext());
              return;
            } catch (e) {
              error = e as Error;
            }
          }
          const Cause = JSON.stringify({ errorType: error?.name, errorMessage: error?.message });
          await handler(
            { ...event, kind: 'shard-failed', error: { Error: error?.name, Cause } },
            invocationContext(),
          );
        } finally {
          running--;
        }
      }),
    ),
  );
  const finish = await handler(
    { kind: 'finish', runId: input.runId, target: input.target, executionArn: 'arn:local' },
    invocationContext(),
  );
  return { finish, peakShards };
}
