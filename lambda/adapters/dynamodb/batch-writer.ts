// Buffers puts and sends them with BatchWriteItem (25 items a request), retrying unprocessed items
// with backoff. A write that still fails after the retries throws: it is never only logged.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Item } from './items.js';

export class DynamoStateError extends Error {
  override readonly name = 'DynamoStateError';
}

const MAX_BATCH = 25;

export interface BatchWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRequest?: (items: number) => void;
  /** A queued put waits at most this long for its batch to fill (bounds what a crash can lose). @default 1000 */
  readonly maxDelayMs?: number;
}

export function createBatchWriter(options: BatchWriterOptions) {
  const { client, tableName, maxAttempts = 8 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pending: Item[] = [];
  const pendingKeys = new Set<string>();
  const keyOf = (item: Item) => `${String(item.pk)}\u0000${String(item.sk)}`;

  async function send(items: Item[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new DynamoStateError(
          `BatchWriteItem on table "${tableName}": ${requests.length} item(s) still unprocessed after ${maxAttempts} attempts`,
        );
      }
      if (attempt > 1) await sleep(Math.min(50 * 2 ** (attempt - 2), 2_000));
      options.onRequest?.(requests.length);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }

  // Flushes run one after another on one chain: two at once would send the same queued items and
  // drop others. Each takes its items off the queue before sending them.
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let timer: NodeJS.Timeout | undefined;

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const run = chain.then(async () => {
      while (pending.length > 0) {
        const chunk = pending.splice(0, MAX_BATCH);
        try {
          await send(chunk);
        } finally {
          for (const item of chunk) pendingKeys.delete(keyOf(item));
        }
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function schedule(): void {
    if (timer || pending.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      // Surfaced by the next put or flush: a write is never only logged.
      flush().catch((err: unknown) => {
        failure ??= err;
      });
    }, options.maxDelayMs ?? 1_000);
    timer.unref?.();
  }

  function rethrow(): void {
    if (failure === undefined) return;
    const err = failure;
    failure = undefined;
    throw err;
  }

  return {
    /** Queues a put; sends a full batch as soon as one is ready, a partial one after maxDelayMs. */
    async put(item: Item): Promise<void> {
      rethrow();
      // One request cannot hold the same key twice: send what is queued first.
      if (pendingKeys.has(keyOf(item))) await flush();
      pending.push(item);
      pendingKeys.add(keyOf(item));
      if (pending.length >= MAX_BATCH) await flush();
      else schedule();
    },
    async flush(): Promise<void> {
      await flush();
      rethrow();
    },
    get size() {
      return pending.length;
    },
  };
}
