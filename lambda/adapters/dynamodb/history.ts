// A doc's history and uptime on the state table: one compact history item per result (written with
// the result, through the batch writer) and one counter item per doc and UTC day, bumped with an ADD
// update per result. Both expire (TTL); reads drop expired items (dynalite never expires them).
// Reads query per doc, a few at a time, so a status page of 2,000 docs reads 2,000 small pages and
// never an old run's full results.
import { type DynamoDBDocumentClient, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { uptimeIncrement } from '../../engine/doc-state.js';
import type { DocResult } from '../../engine/model.js';
import type { DocHistoryEntry, DocUptime } from '../../engine/ports.js';
import { fromHistoryItem, fromUptimeItem, type Item, uptimeKey } from './items.js';

/** Doc queries in flight at once while listing. */
const READS_AT_ONCE = 16;

export interface HistoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Paginated query of live items, up to `limit`. */
  readonly query: (input: Omit<QueryCommandInput, 'TableName'>, limit?: number) => Promise<Item[]>;
  /** Every doc with a state (when a listing names no docs). */
  readonly allDocs: () => Promise<readonly string[]>;
  /** Epoch seconds at which an uptime item bumped now expires. */
  readonly uptimeExpiresAt: () => number;
  readonly onUpdate: () => void;
}

export function createHistory(options: HistoryOptions) {
  const { client, tableName, query } = options;

  async function perDoc<T>(docs: readonly string[] | undefined, read: (doc: string) => Promise<T>) {
    const list = docs ?? (await options.allDocs());
    const limit = pLimit(READS_AT_ONCE);
    return Promise.all(list.map((doc) => limit(async () => [doc, await read(doc)] as const)));
  }

  return {
    /** Adds one result to its doc's counters for the day it started. */
    async countResult(result: DocResult): Promise<void> {
      const add = uptimeIncrement(result);
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: uptimeKey(result),
          UpdateExpression:
            'SET entity = :e, doc = :doc, expiresAt = :exp ADD runs :r, passed :p, counted :c',
          ExpressionAttributeValues: {
            ':e': 'uptime',
            ':doc': result.doc,
            ':exp': options.uptimeExpiresAt(),
            ':r': add.runs,
            ':p': add.passed,
            ':c': add.counted,
          },
        }),
      );
      options.onUpdate();
    },

    async listHistory(limit: number, docs?: readonly string[]): Promise<Map<string, DocHistoryEntry[]>> {
      const out = new Map<string, DocHistoryEntry[]>();
      if (limit <= 0) return out;
      const found = await perDoc(docs, (doc) =>
        query(
          {
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `HIST#${doc}` },
            ScanIndexForward: false,
            Limit: Math.min(limit, 100),
          },
          limit,
        ),
      );
      for (const [doc, items] of found) if (items.length > 0) out.set(doc, items.map(fromHistoryItem));
      return out;
    },

    async listUptime(sinceDay: string, docs?: readonly string[]): Promise<DocUptime[]> {
      const found = await perDoc(docs, (doc) =>
        query({
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': `UPTIME#${doc}`, ':since': sinceDay },
        }),
      );
      return found.flatMap(([, items]) => items.map(fromUptimeItem));
    },
  };
}
