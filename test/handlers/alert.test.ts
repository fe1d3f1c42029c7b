import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAlertText } from '../../lambda/adapters/sns/email.js';
import { createSnsAlertSink } from '../../lambda/adapters/sns/sns-sink.js';
import { loadAlertConfig } from '../../lambda/config/alert.js';
import { ConfigError } from '../../lambda/config/env.js';
import { DEFAULT_REMEDY, RECOVERED_REMEDY } from '../../lambda/engine/conditions/alert.js';
import type { BusinessState } from '../../lambda/engine/model.js';
import type { AlertSink } from '../../lambda/engine/ports.js';
import { type AlertHandler, createAlertHandler } from '../../lambda/handlers/alert.js';
import { ALERT_FILTER_PATTERNS } from '../../lambda/handlers/alert-filters.js';
import { spamEvidence } from '../support/alert-fixtures.js';
import { createDynamoClient, createIdempotencyTable } from '../support/aws-services.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:verifier-alerts';
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const context = {
  functionName: 'verifier-alert',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

const evidence = spamEvidence;
const flagged = (businessId: string, version: number, extra: Partial<BusinessState> = {}): BusinessState => ({
  businessId,
  condition: 'spam_flagged',
  since: '2026-01-01T00:00:00.000Z',
  evidence,
  affectedDocs: ['communication/post_platform_v1_messages.md'],
  version,
  runId: `run-${version}`,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const ok = (businessId: string, version: number): BusinessState => ({
  businessId,
  condition: 'ok',
  since: '2026-01-02T00:00:00.000Z',
  affectedDocs: [],
  version,
  runId: `run-${version}`,
  updatedAt: '2026-01-02T00:00:00.000Z',
});

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
// The SDK's AttributeValue and aws-lambda's describe the same wire shape.
const streamImage = (v: Record<string, unknown>) =>
  marshall(v, { removeUndefinedValues: true }) as unknown as StreamImage;

let seq = 100;
const image = (b: BusinessState, entity = 'business') =>
  streamImage({ pk: `BUSINESS#${b.businessId}`, sk: 'STATE', entity, ...b });
function record(eventName: 'INSERT' | 'MODIFY', next: BusinessState, prev?: BusinessState): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `e${seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/state/stream/2026',
    dynamodb: {
      Keys: streamImage({ pk: `BUSINESS#${next.businessId}`, sk: 'STATE' }),
      NewImage: image(next),
      ...(prev ? { OldImage: image(prev) } : {}),
      SequenceNumber: String(seq),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
const batch = (...Records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records });

let sns: SnsStub;
beforeAll(async () => {
  sns = await startSnsStub();
});
afterAll(() => sns.close());

async function idempotentHandler(): Promise<AlertHandler> {
  const client = createDynamoClient();
  const tableName = await createIdempotencyTable(client);
  return createAlertHandler({
    sink: createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }),
    persistence: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
    logger,
  });
}

describe('alert handler', () => {
  it('publishes once per transition with the exact Publish params; a redelivered batch publishes nothing', async () => {
    const handler = await idempotentHandler();
    const before = sns.published.length;
    const event = batch(
      record('INSERT', flagged('biz-a', 1)),
      record('MODIFY', ok('biz-a', 2), flagged('biz-a', 1)),
      record('MODIFY', flagged('biz-a', 3), ok('biz-a', 2)),
      // Not transitions: the filters keep them out on AWS, and the handler ignores them anyway.
      record('MODIFY', flagged('biz-a', 3, { affectedDocs: ['a.md', 'b.md'] }), flagged('biz-a', 3)),
      record('INSERT', ok('biz-b', 1)),
    );
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    const published = sns.published.slice(before);
    expect(published.map((p) => p.Subject)).toEqual([
      '[verifier] Business biz-a is spam-flagged',
      '[verifier] Business biz-a recovered (no longer spam-flagged)',
      '[verifier] Business biz-a is spam-flagged',
    ]);
    const first = {
      type: 'business.spam_flagged',
      businessId: 'biz-a',
      since: '2026-01-01T00:00:00.000Z',
      evidence,
      affectedDocs: ['communication/post_platform_v1_messages.md'],
      remedy: DEFAULT_REMEDY,
      runId: 'run-1',
      idempotencyKey: 'biz-a#1',
    } as const;
    expect(published[0]).toEqual({
      TopicArn: TOPIC,
      Subject: '[verifier] Business biz-a is spam-flagged',
      MessageStructure: 'json',
      Message: JSON.stringify({ default: JSON.stringify(first), email: renderAlertText(first) }),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'business.spam_flagged' },
        businessId: { DataType: 'String', StringValue: 'biz-a' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
      MessageId: expect.any(String),
    });
    const second = JSON.parse(JSON.parse(published[1]?.Message ?? '').default);
    expect(second).toEqual({
      type: 'business.recovered',
      businessId: 'biz-a',
      since: '2026-01-02T00:00:00.000Z',
      affectedDocs: ['communication/post_platform_v1_messages.md'],
      remedy: RECOVERED_REMEDY,
      runId: 'run-2',
      idempotencyKey: 'biz-a#2',
    });
    expect(JSON.parse(JSON.parse(published[2]?.Message ?? '').default).idempotencyKey).toBe('biz-a#3');

    const count = sns.published.length;
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(sns.published.length).toBe(count);
  });

  it('reports only the failed record; its retry publishes it and nothing else again', async () => {
    const handler = await idempotentHandler();
    const event = batch(record('INSERT', flagged('biz-c', 1)), record('INSERT', flagged('biz-d', 1)));
    const before = sns.published.length;
    sns.failNext(1);
    const response = await handler(event, context);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]?.dynamodb?.SequenceNumber }],
    });
    expect(sns.published.slice(before).map((p) => p.MessageAttributes.businessId?.StringValue)).toEqual([
      'biz-d',
    ]);

    // The stream redelivers from the failed record on: biz-c now goes out, biz-d is not repeated.
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(sns.published.slice(before).map((p) => p.MessageAttributes.businessId?.StringValue)).toEqual([
      'biz-d',
      'biz-c',
    ]);
  });

  it('publishes the records of a batch one after another, in stream order, even when one is slow', async () => {
    const seen: string[] = [];
    const sink: AlertSink = {
      publish: async (alert) => {
        seen.push(`start ${alert.type}`);
        // The flag's publish is slow: a recovery sent alongside it would overtake it.
        if (alert.type === 'business.spam_flagged') await new Promise((r) => setTimeout(r, 50));
        seen.push(`end ${alert.type}`);
      },
    };
    const handler = createAlertHandler({ sink, logger });
    const event = batch(
      record('INSERT', flagged('biz-g', 1)),
      record('MODIFY', ok('biz-g', 2), flagged('biz-g', 1)),
    );
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      'start business.spam_flagged',
      'end business.spam_flagged',
      'start business.recovered',
      'end business.recovered',
    ]);
  });

  it('fails a malformed business record and still processes the rest', async () => {
    const handler = createAlertHandler({
      sink: createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }),
      logger,
    });
    const bad = record('INSERT', flagged('biz-e', 1));
    const { version: _v, ...noVersion } = flagged('biz-e', 1);
    if (bad.dynamodb)
      bad.dynamodb.NewImage = streamImage({
        pk: 'BUSINESS#biz-e',
        sk: 'STATE',
        entity: 'business',
        ...noVersion,
      });
    const good = record('INSERT', flagged('biz-f', 1));
    const before = sns.published.length;
    const response = await handler(batch(bad, good), context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb?.SequenceNumber }]);
    expect(sns.published.slice(before).map((p) => p.MessageAttributes.businessId?.StringValue)).toEqual([
      'biz-f',
    ]);
  });
});

/** Lambda event filtering for the forms used here: leaf arrays list the accepted values. */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
  }
  return false;
}
const invokes = (r: DynamoDBRecord) => ALERT_FILTER_PATTERNS.some((p) => matches(p, r));

describe('ALERT_FILTER_PATTERNS', () => {
  it('let through exactly the business condition transitions', () => {
    expect(invokes(record('INSERT', flagged('b', 1)))).toBe(true);
    expect(invokes(record('MODIFY', flagged('b', 2), ok('b', 1)))).toBe(true);
    expect(invokes(record('MODIFY', ok('b', 2), flagged('b', 1)))).toBe(true);
    expect(invokes(record('INSERT', ok('b', 1)))).toBe(false);
    expect(invokes(record('MODIFY', flagged('b', 1, { affectedDocs: ['x'] }), flagged('b', 1)))).toBe(false);
    expect(invokes(record('MODIFY', ok('b', 1), ok('b', 1)))).toBe(false);
    const index = record('INSERT', flagged('b', 1));
    if (index.dynamodb) index.dynamodb.NewImage = image(flagged('b', 1), 'business-index');
    expect(invokes(index)).toBe(false);
    expect(JSON.parse(JSON.stringify(ALERT_FILTER_PATTERNS))).toEqual(ALERT_FILTER_PATTERNS);
  });
});

describe('loadAlertConfig', () => {
  it('reads the topic and the idempotency table, and says what is missing', () => {
    expect(loadAlertConfig({ TOPIC_ARN: TOPIC, IDEMPOTENCY_TABLE_NAME: 'idem' })).toEqual({
      topicArn: TOPIC,
      idempotencyTableName: 'idem',
    });
    expect(() => loadAlertConfig({ TOPIC_ARN: 'verifier-alerts' })).toThrow(ConfigError);
    expect(() => loadAlertConfig({ TOPIC_ARN: 'verifier-alerts' })).toThrow(
      /TOPIC_ARN must be an SNS topic ARN.*IDEMPOTENCY_TABLE_NAME is not set/,
    );
  });
});
