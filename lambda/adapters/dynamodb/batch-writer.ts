// Puts items with BatchWriteItem (25 items a request) as a group commit: a put is sent at once when
// no request is in flight; puts made while one is in flight share the next request. Each put's
// promise resolves only once the request holding its item succeeded (unprocessed items are retried
// with backoff), so an acknowledged put is in the table. A put that still fails after the retries
// rejects: it is never only logged.
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
  /** Called once per BatchWriteItem request with the number of items it carries. */
  readonly onRequest?: (items: number) => void;
  /** Requests in flight at once; a second one starts only for a full batch. @default 4 */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly item: Item;
  readonly key: string;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export function createBatchWriter(options: BatchWriterOptions) {
  const { client, tableName, maxAttempts = 8 } = options;
  const maxInFlight = options.maxInFlight ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const keyOf = (item: Item) => `${String(item.pk)}\u0000${String(item.sk)}`;
  let queue: Pending[] = [];
  const inFlight = new Set<Promise<void>>();

  async function send(items: readonly Item[]): Promise<void> {
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

  /** Takes up to a batch off the queue; one request cannot hold the same key twice. */
  function take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const seen = new Set<string>();
    for (const p of queue) {
      if (batch.length < MAX_BATCH && !seen.has(p.key)) {
        batch.push(p);
        seen.add(p.key);
      } else rest.push(p);
    }
    queue = rest;
    return batch;
  }

  function pump(): void {
    while (
      queue.length > 0 &&
      (inFlight.size === 0 || (queue.length >= MAX_BATCH && inFlight.size < maxInFlight))
    ) {
      const batch = take();
      const request: Promise<void> = send(batch.map((p) => p.item)).then(
        () => {
          for (const p of batch) p.resolve();
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      );
      inFlight.add(request);
      void request.then(() => {
        inFlight.delete(request);
        pump();
      });
    }
  }

  return {
    /** Resolves once `item` is stored. */
    put(item: Item): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, key: keyOf(item), resolve, reject });
        pump();
      });
    },
    /** Resolves once every put made before it has settled. */
    async flush(): Promise<void> {
      while (inFlight.size > 0 || queue.length > 0) {
        pump();
        await Promise.all(inFlight);
      }
    },
  };
}
