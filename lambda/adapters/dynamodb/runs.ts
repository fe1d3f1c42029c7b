// Run records and a run's results on the state table: the run item (RUN#<id>, listed newest first
// through GSI1) and its result items (DOC#<seq> under the run). Writing results is the store's
// recordDocResult (batched with the history items); this module finishes and reads runs.
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DocResult, Summary } from '../../engine/model.js';
import type { RunPosition, RunRecord } from '../../engine/ports.js';
import { DynamoStateError } from './batch-writer.js';
import { fromResultItem, fromRunItem, type Item } from './items.js';
import { keys, RUNS_INDEX_PK, STATE_TABLE } from './schema.js';

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';

/** A results cursor is a result item's sort key in this run (DOC#...): anything else is not ours. */
function decodeCursor(runId: string, cursor: string): string {
  if (!cursor.startsWith('DOC#') || cursor.length > 1200)
    throw new DynamoStateError(`listRunResults: "${cursor.slice(0, 40)}" is not a cursor of run ${runId}`);
  return cursor;
}

export interface RunsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly get: (key: Item) => Promise<Item | undefined>;
  readonly query: (input: Omit<QueryCommandInput, 'TableName'>, limit?: number) => Promise<Item[]>;
  /** False for an item past its TTL that DynamoDB has not deleted yet. */
  readonly live: (item: Item) => boolean;
  /** Called before the finishing update is sent, and with `true` once it wrote. */
  readonly onRequest: (wrote: boolean) => void;
}

export function createRuns({ client, tableName, get, query, live, onRequest }: RunsOptions) {
  return {
    async finish(
      runId: string,
      finishedAt: string,
      summary: Summary,
      status: 'finished' | 'failed' | 'interrupted',
    ): Promise<void> {
      onRequest(false);
      await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.run(runId),
            UpdateExpression: 'SET finishedAt = :f, summary = :s, #status = :st',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':f': finishedAt, ':s': summary, ':st': status },
          }),
        )
        .catch((e: unknown) => {
          if (isConditionFailure(e)) {
            throw new DynamoStateError(`finishRun: run "${runId}" was never started (call startRun first)`, {
              cause: e,
            });
          }
          throw e;
        });
      onRequest(true);
    },

    async get(runId: string): Promise<RunRecord | undefined> {
      const item = await get(keys.run(runId));
      return item ? fromRunItem(item) : undefined;
    },

    async results(runId: string): Promise<readonly DocResult[]> {
      const items = await query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :doc)',
        ExpressionAttributeValues: { ':pk': keys.run(runId).pk, ':doc': 'DOC#' },
        ConsistentRead: true,
      });
      return items.map(fromResultItem);
    },

    /** One page of a run's results, in the table's order; `cursor` is where the next page starts. */
    async resultsPage(
      runId: string,
      limit: number,
      cursor?: string,
    ): Promise<{ results: readonly DocResult[]; cursor?: string }> {
      // The cursor is the last result item's sort key (DOC#<seq>#<doc>).
      const after = cursor === undefined ? undefined : decodeCursor(runId, cursor);
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: after
            ? 'pk = :pk AND sk BETWEEN :from AND :to'
            : 'pk = :pk AND begins_with(sk, :doc)',
          ExpressionAttributeValues: {
            ':pk': keys.run(runId).pk,
            ...(after ? { ':from': `${after}\u0000`, ':to': 'DOC#\uffff' } : { ':doc': 'DOC#' }),
          },
          ConsistentRead: true,
          Limit: Math.min(Math.max(1, limit), 1000),
        }),
      );
      const items = out.Items ?? [];
      const last = items.at(-1);
      return {
        results: items.filter(live).map(fromResultItem),
        ...(out.LastEvaluatedKey && last && { cursor: String(last.sk) }),
      };
    },

    async list(limit: number, before?: RunPosition): Promise<readonly RunRecord[]> {
      if (limit <= 0) return [];
      const items = await query(
        {
          IndexName: STATE_TABLE.gsi1.name,
          KeyConditionExpression: before ? 'gsi1pk = :pk AND gsi1sk < :before' : 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': RUNS_INDEX_PK,
            ...(before && { ':before': `${before.startedAt}#${before.runId}` }),
          },
          ScanIndexForward: false,
          Limit: Math.min(limit, 100),
        },
        limit,
      );
      return items.map(fromRunItem);
    },
  };
}
