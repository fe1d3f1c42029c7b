// Health and auth alerts on AWS go through the outbox: the run's settle step writes one item per alert
// it won (conditional put), the stream's INSERT of that item passesAlertFilters the alert Lambda, which publishes
// it once. Real DynamoDB store and outbox on dynalite, the SNS stub; stream records are synthesized
// from the items the settle wrote (dynalite has no Streams).
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAlertOutbox } from '../../lambda/adapters/dynamodb/alert-outbox.js';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import type { Alert } from '../../lambda/engine/model.js';
import { settleAuthAlerts } from '../../lambda/engine/promises/auth-alerts.js';
import { settleRunHealth } from '../../lambda/engine/run/settle-health.js';
import { OutboxRecordError, outboxAlertFromRecord } from '../../lambda/handlers/outbox-stream.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';
import { hour, result } from '../support/health-results.js';
import {
  ALERT_TOPIC,
  alertContext,
  insertRecord,
  outboxAlertHandler,
  outboxItems,
  passesAlertFilters,
  publishedAlert,
  streamBatch,
} from '../support/outbox-stream.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
let sns: SnsStub;
beforeAll(async () => {
  sns = await startSnsStub();
});
afterAll(() => sns.close());

async function setup() {
  const tableName = await createStateTable(raw, 'outbox');
  const store = createDynamoStateStore({ client: dynamo, tableName });
  const outbox = createDynamoAlertOutbox({ client: dynamo, tableName });
  /** One run settled as the verify handler and the fan-out finish do: alerts into the outbox. */
  const settle = async (runId: string, at: string, docs: ReturnType<typeof result>[]) => {
    const alerts = await settleRunHealth(store, { runId, at, docs, knownIssues: {} });
    for (const a of alerts) await outbox.publish(a);
    return alerts;
  };
  const stream = async () => (await outboxItems(raw, tableName)).map(insertRecord);
  return { tableName, store, outbox, settle, stream };
}

const brokenDocs = (outcome: 'fail' | 'pass') =>
  Array.from({ length: 10 }, (_, i) => result(`${i < 6 ? 'clients' : 'billing'}/doc${i}.md`, outcome));

describe('alert outbox on AWS', () => {
  it('10 docs break in one run: one outbox item, one SNS message listing the 10 docs; a redelivered batch publishes nothing', async () => {
    const { settle, stream } = await setup();
    expect(await settle('run-1', hour(0), brokenDocs('fail'))).toEqual([]);
    const alerts = await settle('run-2', hour(1), brokenDocs('fail'));
    expect(alerts.map((a) => a.type)).toEqual(['doc.failing']);

    const records = await stream();
    expect(records).toHaveLength(1);
    expect(records[0]?.dynamodb?.Keys).toEqual({
      pk: { S: 'ALERT#run-2' },
      sk: { S: `doc.failing#${alerts[0]?.idempotencyKey}` },
    });
    expect(records.every(passesAlertFilters)).toBe(true);

    const handler = await outboxAlertHandler(sns, raw);
    const before = sns.published.length;
    expect(await handler(streamBatch(records), alertContext)).toEqual({ batchItemFailures: [] });
    const published = sns.published.slice(before);
    expect(published).toHaveLength(1);
    expect(published[0]?.TopicArn).toBe(ALERT_TOPIC);
    expect(published[0]?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'doc.failing' },
      severity: { DataType: 'String', StringValue: 'critical' },
      domain: { DataType: 'String.Array', StringValue: '["billing","clients"]' },
    });
    const body = publishedAlert(published[0]?.Message);
    expect(body).toMatchObject({ type: 'doc.failing', runId: 'run-2', domains: ['billing', 'clients'] });
    expect((body.docs as { doc: string }[]).map((d) => d.doc)).toEqual([
      ...['doc6', 'doc7', 'doc8', 'doc9'].map((d) => `billing/${d}.md`),
      ...['doc0', 'doc1', 'doc2', 'doc3', 'doc4', 'doc5'].map((d) => `clients/${d}.md`),
    ]);
    expect(JSON.parse(published[0]?.Message ?? '{}').email).toContain('clients/doc0.md');

    // The stream redelivers the batch (a retried invocation): nothing new reaches SNS.
    expect(await handler(streamBatch(records), alertContext)).toEqual({ batchItemFailures: [] });
    expect(sns.published.length - before).toBe(1);

    // They recover together: one doc.recovered item and message.
    await settle('run-3', hour(2), brokenDocs('pass'));
    const after = (await stream()).filter((r) => !records.some((x) => x.eventID === r.eventID));
    const recovered = after.filter((r) => r.dynamodb?.Keys?.pk?.S === 'ALERT#run-3');
    expect(recovered).toHaveLength(1);
    expect(await handler(streamBatch(recovered), alertContext)).toEqual({ batchItemFailures: [] });
    expect(sns.published.slice(before).map((p) => p.MessageAttributes.type?.StringValue)).toEqual([
      'doc.failing',
      'doc.recovered',
    ]);
    const back = publishedAlert(sns.published.at(-1)?.Message);
    expect((back.docs as unknown[]).length).toBe(10);
  });

  it('a retried settle step writes no second item (conditional put on the alert key)', async () => {
    const { settle, outbox, stream } = await setup();
    await settle('run-1', hour(0), brokenDocs('fail'));
    const [alert] = await settle('run-2', hour(1), brokenDocs('fail'));
    if (!alert) throw new Error('no alert');
    await outbox.publish(alert);
    await outbox.publish(alert);
    expect(await stream()).toHaveLength(1);
  });

  it('two concurrent runs: each transition is in exactly one alert, published once', async () => {
    const { settle, stream } = await setup();
    await settle('run-1', hour(0), brokenDocs('fail'));
    await Promise.all([
      settle('run-a', hour(1), brokenDocs('fail')),
      settle('run-b', hour(1), brokenDocs('fail')),
    ]);
    const records = await stream();
    const handler = await outboxAlertHandler(sns, raw);
    const before = sns.published.length;
    await handler(streamBatch(records), alertContext);
    await handler(streamBatch(records), alertContext);
    const docs = sns.published
      .slice(before)
      .flatMap((p) => (publishedAlert(p.Message).docs as { doc: string }[]).map((d) => d.doc));
    expect(docs.sort()).toEqual(
      brokenDocs('fail')
        .map((r) => r.doc)
        .sort(),
    );
    expect(sns.published.length - before).toBe(records.length);
  });

  it('a target condition: one target.down per transition, the per-doc failures held back', async () => {
    const { settle, stream } = await setup();
    const down = Array.from({ length: 5 }, (_, i) => result(`billing/b${i}.md`, 'error', { status: 503 }));
    await settle('run-1', hour(0), down);
    await settle('run-2', hour(1), down);
    const records = await stream();
    expect(records.map((r) => r.dynamodb?.Keys?.sk?.S)).toEqual([
      'target.down#health-condition#target.down#target#1',
    ]);
    const handler = await outboxAlertHandler(sns, raw);
    const before = sns.published.length;
    await handler(streamBatch(records), alertContext);
    expect(sns.published.slice(before).map((p) => p.MessageAttributes)).toEqual([
      {
        type: { DataType: 'String', StringValue: 'target.down' },
        severity: { DataType: 'String', StringValue: 'critical' },
        domain: { DataType: 'String.Array', StringValue: '["billing"]' },
      },
    ]);
  });

  it("#15's auth.accepted reaches SNS once per transition, severity critical, naming the token type only", async () => {
    const { store, outbox, stream } = await setup();
    const finding = {
      tokenType: 'app',
      step: 'list_conversations',
      finding: 'auth.accepted',
      status: 200,
      expectedStatus: 401,
    };
    const docs = [
      {
        doc: 'communication/get_platform_v1_conversations.md',
        domain: 'communication',
        endpoint: 'GET /platform/v1/conversations',
        auth: [finding],
      },
    ] as unknown as Parameters<typeof settleAuthAlerts>[1]['docs'];
    for (const runId of ['run-1', 'run-2']) {
      const alerts: Alert[] = await settleAuthAlerts(store, {
        runId,
        at: hour(runId === 'run-1' ? 0 : 1),
        docs,
      });
      for (const a of alerts) await outbox.publish(a);
    }
    const records = await stream();
    expect(records).toHaveLength(1);
    const handler = await outboxAlertHandler(sns, raw);
    const before = sns.published.length;
    await handler(streamBatch(records), alertContext);
    await handler(streamBatch(records), alertContext);
    const published = sns.published.slice(before);
    expect(published).toHaveLength(1);
    expect(published[0]?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'auth.accepted' },
      severity: { DataType: 'String', StringValue: 'critical' },
      tokenType: { DataType: 'String', StringValue: 'app' },
      domain: { DataType: 'String.Array', StringValue: '["communication"]' },
    });
    expect(publishedAlert(published[0]?.Message)).toMatchObject({
      type: 'auth.accepted',
      idempotencyKey: 'auth.accepted#communication/get_platform_v1_conversations.md#app#1',
      tokenType: 'app',
    });
  });

  it('health record writes do not invoke the alert Lambda; only outbox INSERTs do', () => {
    const image = (item: Record<string, unknown>) =>
      marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, never>;
    const incident = insertRecord(
      image({
        pk: 'HEALTH#incident',
        sk: 'a.md',
        entity: 'health',
        kind: 'incident',
        key: 'a.md',
        version: 1,
        data: {},
      }),
    );
    expect(passesAlertFilters(incident)).toBe(false);
    expect(outboxAlertFromRecord(incident)).toBeUndefined();
    const outboxItem = image({
      pk: 'ALERT#r',
      sk: 'doc.failing#k',
      entity: 'alert',
      alert: { type: 'doc.failing' },
    });
    const modify = { ...insertRecord(outboxItem), eventName: 'MODIFY' as const };
    expect(passesAlertFilters(modify)).toBe(false);
    expect(passesAlertFilters(insertRecord(outboxItem))).toBe(true);
    // A malformed outbox item is a fault: the record fails and is retried (then dead-lettered).
    expect(() => outboxAlertFromRecord(insertRecord(outboxItem))).toThrow(OutboxRecordError);
    expect(() => outboxAlertFromRecord(insertRecord(outboxItem))).toThrow(
      /runId: Invalid input: expected string/,
    );
  });
});
