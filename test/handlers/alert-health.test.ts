// The alert Lambda fed synthetic stream records for health items (incident, target condition): each
// new version holding an alert publishes it once, with the message attributes; a redelivered batch,
// a touch without a new version and a mute publish nothing.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnsAlertSink } from '../../lambda/adapters/sns/sns-sink.js';
import type { HealthRecord } from '../../lambda/engine/health/records.js';
import { settleHealth } from '../../lambda/engine/health/settle.js';
import { DEFAULT_TARGET_RULES } from '../../lambda/engine/health/target-rules.js';
import { createAlertHandler } from '../../lambda/handlers/alert.js';
import { ALERT_FILTER_PATTERNS } from '../../lambda/handlers/alert-filters.js';
import { createDynamoClient, createIdempotencyTable } from '../support/aws-services.js';
import { hour, result } from '../support/health-results.js';
import { createMemoryHealthStore } from '../support/memory-health-store.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:verifier-alerts';
const context = {
  functionName: 'verifier-alert',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
const image = (r: HealthRecord) =>
  marshall(
    {
      pk: `HEALTH#${r.kind}#${r.key}`,
      sk: 'STATE',
      kind: r.kind,
      key: r.key,
      version: r.version,
      data: r.data,
      updatedAt: r.updatedAt,
    },
    { removeUndefinedValues: true },
  ) as unknown as StreamImage;

let seq = 0;
function record(next: HealthRecord, prev?: HealthRecord): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `h${seq}`,
    eventName: prev ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ pk: `HEALTH#${next.kind}#${next.key}`, sk: 'STATE' }) as unknown as StreamImage,
      NewImage: image(next),
      ...(prev ? { OldImage: image(prev) } : {}),
      SequenceNumber: String(seq),
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

/** Plays runs against a store and keeps every record version written, as the stream would see them. */
async function history() {
  const store = createMemoryHealthStore();
  const versions: { next: HealthRecord; prev?: HealthRecord }[] = [];
  const put = store.putHealth.bind(store);
  store.putHealth = async (kind, key, data, expectedVersion, at) => {
    const prev = await store.getHealth(kind, key);
    const ok = await put(kind, key, data, expectedVersion, at);
    const next = await store.getHealth(kind, key);
    if (ok && next) versions.push({ next, ...(prev ? { prev } : {}) });
    return ok;
  };
  const runs: [number, ReturnType<typeof result>[]][] = [
    [0, [result('clients/a.md', 'fail')]],
    [1, [result('clients/a.md', 'fail')]],
    [2, [result('clients/a.md', 'pass')]],
    [3, Array.from({ length: 5 }, (_, i) => result(`billing/b${i}.md`, 'error'))],
  ];
  for (const [h, results] of runs) {
    await settleHealth(store, {
      runId: `run-${h}`,
      at: hour(h),
      results,
      rules: DEFAULT_TARGET_RULES,
      filteredRun: false,
    });
  }
  return versions;
}

describe('alert handler, health items', () => {
  it('publishes each transition once with type/severity/domain; a redelivered batch publishes nothing', async () => {
    const client = createDynamoClient();
    const tableName = await createIdempotencyTable(client);
    const handler = createAlertHandler({
      sink: createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }),
      persistence: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });
    const records = (await history()).map((v) => record(v.next, v.prev));
    // A touch that keeps the version, and a mute: nothing to publish.
    const last = (await history()).at(-1);
    const mute: HealthRecord = {
      kind: 'mute',
      key: 'm1',
      version: 1,
      data: { id: 'm1' },
      updatedAt: hour(0),
    };
    const event = batch(...records, ...(last ? [record(last.next, last.next)] : []), record(mute));
    const before = sns.published.length;
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    const published = sns.published.slice(before);
    expect(published.map((p) => p.MessageAttributes.type?.StringValue)).toEqual([
      'doc.failing',
      'doc.recovered',
      'target.down',
    ]);
    expect(published[0]?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'doc.failing' },
      severity: { DataType: 'String', StringValue: 'critical' },
      domain: { DataType: 'String.Array', StringValue: '["clients"]' },
    });
    const body = JSON.parse(JSON.parse(published[0]?.Message ?? '').default as string) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({ type: 'doc.failing', idempotencyKey: 'doc-incident#clients/a.md#2' });
    expect(published[2]?.MessageAttributes.domain?.StringValue).toBe('["billing"]');

    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(sns.published.length - before).toBe(3);
  });

  it('the stream filter lets health items through (prefix on pk)', () => {
    const r = record({ kind: 'incident', key: 'x.md', version: 1, data: {}, updatedAt: hour(0) });
    const pk = (r.dynamodb?.NewImage as { pk?: { S?: string } } | undefined)?.pk?.S ?? '';
    const healthPattern = ALERT_FILTER_PATTERNS.find((p) => JSON.stringify(p).includes('HEALTH#'));
    expect(healthPattern).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { pk: { S: [{ prefix: 'HEALTH#' }] } } },
    });
    expect(pk.startsWith('HEALTH#')).toBe(true);
  });
});
