// Health records (incidents, conditions, mutes) on the state table: one item per record under
// HEALTH#<kind>, written and deleted only on the expected version (single-item conditions).
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HealthKind, HealthRecord } from '../../engine/ports.js';
import { healthRecordSchema } from '../state-schemas.js';
import { fromHealthItem, healthItem, type Item } from './items.js';
import { keys } from './schema.js';

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';

export interface HealthOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly get: (key: Item) => Promise<Item | undefined>;
  readonly query: (input: {
    KeyConditionExpression: string;
    ExpressionAttributeValues: Item;
  }) => Promise<Item[]>;
  readonly onWrite: () => void;
}

const onVersion = (expectedVersion: number) =>
  expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };

export function createHealth(options: HealthOptions) {
  const { client, tableName } = options;

  /** Runs a conditional write; false when the condition failed (another writer won). */
  async function conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
    options.onWrite();
    return true;
  }

  return {
    async get(kind: HealthKind, key: string): Promise<HealthRecord | undefined> {
      const item = await options.get(keys.health(kind, key));
      return item ? fromHealthItem(item) : undefined;
    },

    async list(kind: HealthKind): Promise<HealthRecord[]> {
      const items = await options.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.health(kind, '').pk },
      });
      return items.map(fromHealthItem);
    },

    put(kind: HealthKind, key: string, data: unknown, expectedVersion: number, at: string) {
      const record: HealthRecord = { kind, key, version: expectedVersion + 1, data, updatedAt: at };
      healthRecordSchema.parse(record); // a record the store could not read back is refused up front
      return conditional(() =>
        client.send(
          new PutCommand({ TableName: tableName, Item: healthItem(record), ...onVersion(expectedVersion) }),
        ),
      );
    },

    async delete(kind: HealthKind, key: string, expectedVersion: number): Promise<boolean> {
      if (expectedVersion <= 0) return false;
      return conditional(() =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.health(kind, key),
            ...onVersion(expectedVersion),
          }),
        ),
      );
    },
  };
}
