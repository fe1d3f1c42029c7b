// The alert outbox on AWS: a run's settle step hands each alert it won (one grouped doc.failing, one
// doc.recovered, one doc.flapping per run; one per target-condition or auth transition) to this sink,
// which writes it as one item (pk ALERT#<runId>, sk <type>#<idempotencyKey>) with a conditional put.
// The table stream's INSERT of that item invokes the alert Lambda, which publishes it to SNS once.
// A retried settle writes nothing new (the item exists); business alerts are not written here, they
// reach the alert Lambda from the business item's own transition (alert-filters.ts).
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isHealthAlert } from '../../engine/health/types.js';
import type { Alert } from '../../engine/model.js';
import type { AlertSink } from '../../engine/ports.js';
import { isAuthAlert } from '../../engine/promises/auth-alerts.js';
import { DEFAULT_RETENTION_DAYS, keys } from './schema.js';

/** The `entity` of outbox items: the stream filter selects on it. */
export const ALERT_ENTITY = 'alert';

export class AlertOutboxError extends Error {
  override readonly name = 'AlertOutboxError';
}

export interface DynamoAlertOutboxOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days an outbox item is kept (TTL); the stream delivers it long before. @default 30 */
  readonly retentionDays?: number;
  /** @default - the system clock */
  readonly now?: () => Date;
}

/** Whether an alert goes through the outbox: endpoint health and auth-matrix alerts. */
export const isOutboxAlert = (alert: Alert): boolean => isHealthAlert(alert) || isAuthAlert(alert);

export function createDynamoAlertOutbox(options: DynamoAlertOutboxOptions): AlertSink {
  const { client, tableName } = options;
  const now = options.now ?? (() => new Date());
  const retentionSeconds = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400;
  return {
    async publish(alert) {
      if (!isOutboxAlert(alert)) return;
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.alert(alert.runId, alert.type, alert.idempotencyKey),
              entity: ALERT_ENTITY,
              alert,
              expiresAt: Math.floor(now().getTime() / 1000) + retentionSeconds,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (cause) {
        // Written before (a retried settle): the stream already carries it.
        if (cause instanceof Error && cause.name === 'ConditionalCheckFailedException') return;
        throw new AlertOutboxError(
          `alert outbox: writing ${alert.type} ${alert.idempotencyKey} of run ${alert.runId} to ${tableName} failed: ${(cause as Error).name}`,
          { cause },
        );
      }
    },
  };
}
