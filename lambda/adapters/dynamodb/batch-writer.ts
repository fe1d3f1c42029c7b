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
}

export function createBatchWriter(options: BatchWriterOptions) {
  const { client, tableName, maxAttempts = 8 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let pending: Item[] = [];
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

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const chunk = pending.slice(0, MAX_BATCH);
      await send(chunk);
      pending = pending.slice(chunk.length);
      for (const item of chunk) pendingKeys.delete(keyOf(item));
    }
  }

  return {
    /** Queues a put; sends a full batch as soon as one is ready. */
    async put(item: Item): Promise<void> {
      // One request cannot hold the same key twice: send what is queued first.
      if (pendingKeys.has(keyOf(item))) await flush();
      pending.push(item);
      pendingKeys.add(keyOf(item));
      if (pending.length >= MAX_BATCH) await flush();
    },
    flush,
    get size() {
      return pending.length;
    },
  };
}
