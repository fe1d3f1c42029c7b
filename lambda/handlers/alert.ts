// The alert Lambda: fed by the state table's stream (NEW_AND_OLD_IMAGES, filtered by
// alert-filters.ts), it publishes one alert per business-condition transition and one per outbox
// item a run's settle step wrote (endpoint health grouped per run, target conditions, auth matrix).
// Partial batch failures are reported, so only failed records are retried; idempotency keyed on the
// alert's idempotencyKey means a redelivered record publishes nothing new.

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { parseBusinessItem } from '../adapters/dynamodb/business-item.js';
import { createSnsAlertSink } from '../adapters/sns/sns-sink.js';
import { loadAlertConfig } from '../config/alert.js';
import { alertForTransition } from '../engine/conditions/alert.js';
import type { Alert, BusinessState } from '../engine/model.js';
import type { AlertSink } from '../engine/ports.js';
import { outboxAlertFromRecord } from './outbox-stream.js';

export class AlertRecordError extends Error {
  override readonly name = 'AlertRecordError';
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function toState(image: Image | undefined, which: string): BusinessState | undefined {
  if (!image) return undefined;
  // aws-lambda's AttributeValue and the SDK's describe the same wire shape.
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item.entity !== 'business') return undefined;
  try {
    return parseBusinessItem(item);
  } catch (err) {
    throw new AlertRecordError(`${which}: ${(err as Error).message}`, { cause: err });
  }
}

/** The alert one stream record calls for, or undefined (not a business item, or no transition). */
export function alertFromRecord(record: DynamoDBRecord): Alert | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const next = toState(record.dynamodb?.NewImage, 'NewImage');
  if (!next) return undefined;
  const previous = record.eventName === 'MODIFY' ? toState(record.dynamodb?.OldImage, 'OldImage') : undefined;
  return alertForTransition(previous, next);
}

/** DynamoDB streams keep records for 24 hours: a redelivery can come that late. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface AlertHandlerOptions {
  readonly sink: AlertSink;
  /** Idempotency records, keyed on the alert's `${businessId}#${version}`. @default - no idempotency */
  readonly persistence?: BasePersistenceLayer;
  /** @default - a Powertools Logger with service name `verifier-alert` */
  readonly logger?: Logger;
}

export type AlertHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

export function createAlertHandler(options: AlertHandlerOptions): AlertHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'verifier-alert' });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
  const deliver = async (alert: Alert): Promise<{ delivered: string }> => {
    await options.sink.publish(alert);
    logger.info('alert published', { type: alert.type, idempotencyKey: alert.idempotencyKey });
    return { delivered: alert.idempotencyKey };
  };
  const publishOnce = options.persistence
    ? makeIdempotent(deliver, { persistenceStore: options.persistence, config })
    : deliver;

  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    const alert = alertFromRecord(record) ?? outboxAlertFromRecord(record);
    if (!alert) return;
    await publishOnce(alert);
  };

  return async (event, context) => {
    config.registerLambdaContext(context);
    // In order: a flag and its recovery in one batch reach subscribers in that order.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
  };
}

let defaultHandler: AlertHandler | undefined;

/** Built on first use, once per container: config, SNS client and persistence layer. */
function buildDefaultHandler(): AlertHandler {
  const config = loadAlertConfig();
  return createAlertHandler({
    sink: createSnsAlertSink({ client: new SNSClient({}), topicArn: config.topicArn }),
    persistence: new DynamoDBPersistenceLayer({ tableName: config.idempotencyTableName }),
  });
}

export const handler: AlertHandler = (event, context) => {
  defaultHandler ??= buildDefaultHandler();
  return defaultHandler(event, context);
};
