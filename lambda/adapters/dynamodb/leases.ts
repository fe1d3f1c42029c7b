// The run lock on the state table: one item per lock name holding its owner and lease, taken and
// released with single-item conditions (free, already ours, or the lease ran out).
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './schema.js';

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';

export interface LeasesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Called once per request sent, and with `true` once it wrote. */
  readonly onRequest: (wrote: boolean) => void;
}

export function createLeases({ client, tableName, onRequest }: LeasesOptions) {
  return {
    async acquire(name: string, owner: string, leaseMs: number, at: Date): Promise<boolean> {
      const leaseUntil = at.getTime() + leaseMs;
      onRequest(false);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.lock(name),
              entity: 'lock',
              owner,
              leaseUntil,
              expiresAt: Math.ceil(leaseUntil / 1000) + 86_400,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR leaseUntil < :now',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner, ':now': at.getTime() },
          }),
        );
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
      onRequest(true);
      return true;
    },

    async release(name: string, owner: string): Promise<void> {
      onRequest(false);
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.lock(name),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        );
        onRequest(true);
      } catch (e) {
        // Someone else holds it now (our lease expired): theirs to release.
        if (!isConditionFailure(e)) throw e;
      }
    },
  };
}
