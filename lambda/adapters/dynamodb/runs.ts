// Run records and a run's results on the state table: the run item (RUN#<id>, listed newest first
// through GSI1) and its result items (DOC#<seq> under the run). Writing results is the store's
// recordDocResult (batched with the history items); this module finishes and reads runs.
import { type DynamoDBDocumentClient, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DocResult, Summary } from '../../engine/model.js';
import type { RunPosition, RunRecord } from '../../engine/ports.js';
import { DynamoStateError } from './batch-writer.js';
import { fromResultItem, fromRunItem, type Item } from './items.js';
import { keys, RUNS_INDEX_PK, STATE_TABLE } from './schema.js';

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';

export interface RunsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly get: (key: Item) => Promise<Item | undefined>;
  readonly query: (input: Omit<QueryCommandInput, 'TableName'>, limit?: number) => Promise<Item[]>;
  /** Called before the finishing update is sent, and with `true` once it wrote. */
  readonly onRequest: (wrote: boolean) => void;
}

export function createRuns({ client, tableName, get, query, onRequest }: RunsOptions) {
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
