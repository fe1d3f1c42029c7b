// The state table's stream, for outbox items: dynalite has no Streams, so the items a run wrote are
// read back (Scan) and turned into the INSERT records DynamoDB Streams would deliver, with the images
// marshalled as the stream carries them. Plus the alert Lambda wired to the SNS stub and a real
// idempotency table, as the stack wires it.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createSnsAlertSink } from '../../lambda/adapters/sns/sns-sink.js';
import { type AlertHandler, createAlertHandler } from '../../lambda/handlers/alert.js';
import { ALERT_FILTER_PATTERNS } from '../../lambda/handlers/alert-filters.js';
import { createIdempotencyTable } from './aws-services.js';
import type { SnsStub } from './sns-stub.js';

export const ALERT_TOPIC = 'arn:aws:sns:us-east-1:123456789012:verifier-alerts';

export const alertContext = {
  functionName: 'verifier-alert',
  awsRequestId: 'req-outbox',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** Every item of the table whose `entity` is `alert` (the outbox), raw as the stream images them. */
export async function outboxItems(
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, AttributeValue>[]> {
  const out: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :e',
        ExpressionAttributeValues: { ':e': { S: 'alert' } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => ((a.sk?.S ?? '') < (b.sk?.S ?? '') ? -1 : 1));
}

let seq = 0;
/** The INSERT record the stream delivers for one new item. */
export function insertRecord(image: Record<string, AttributeValue>): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `o${seq}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: { pk: image.pk, sk: image.sk } as unknown as StreamImage,
      NewImage: image as unknown as StreamImage,
      SequenceNumber: String(seq).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** Lambda event filtering, for the subset of the pattern language ALERT_FILTER_PATTERNS uses: leaf arrays list accepted values. */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (pattern && typeof pattern === 'object') {
    return Object.entries(pattern).every(([k, p]) =>
      matches(p, (value as Record<string, unknown> | undefined)?.[k]),
    );
  }
  return false;
}
/** Whether the alert Lambda's event source mapping lets `record` through (it invokes the Lambda). */
export const passesAlertFilters = (record: DynamoDBRecord): boolean =>
  ALERT_FILTER_PATTERNS.some((p) => matches(p, record));

export const streamBatch = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** The alert Lambda as the stack builds it: SNS (the stub) and Powertools idempotency on a real table. */
export async function outboxAlertHandler(sns: SnsStub, client: DynamoDBClient): Promise<AlertHandler> {
  const tableName = await createIdempotencyTable(client);
  return createAlertHandler({
    sink: createSnsAlertSink({ client: sns.client(), topicArn: ALERT_TOPIC }),
    persistence: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
}

/** The JSON alert SNS subscribers receive (the `default` part of the message). */
export function publishedAlert(message: string | undefined): Record<string, unknown> {
  return JSON.parse(JSON.parse(message ?? '{}').default as string) as Record<string, unknown>;
}
