// The digest Lambda against dynalite and the SNS stub: one `digest` message holding the open
// incidents, invalid docs, flapping docs and mutes, as the CLI's `verifier digest` builds them.
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { publishDigest } from '../../lambda/adapters/sns/digest.js';
import { loadDigestConfig } from '../../lambda/config/digest.js';
import { ConfigError } from '../../lambda/config/env.js';
import { renderDigestText } from '../../lambda/engine/health/digest.js';
import { buildMute } from '../../lambda/engine/health/mutes.js';
import { createDigestHandler } from '../../lambda/handlers/digest.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';
import { hour, play, result } from '../support/health-results.js';
import { ALERT_TOPIC } from '../support/outbox-stream.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
let sns: SnsStub;
beforeAll(async () => {
  sns = await startSnsStub();
});
afterAll(() => sns.close());

describe('digest handler', () => {
  it('publishes one digest message: open incidents, invalid docs, flapping docs, mutes', async () => {
    const store = createDynamoStateStore({
      client: dynamo,
      tableName: await createStateTable(raw, 'digest'),
    });
    // clients/a.md: open. billing/f.md: three open/close cycles within a day, flapping.
    await play(store, hour(0), [result('clients/a.md', 'fail')]);
    await play(store, hour(1), [result('clients/a.md', 'fail')]);
    for (let c = 0; c < 3; c++) {
      await play(store, hour(2 + c * 3), [result('billing/f.md', 'fail')]);
      await play(store, hour(3 + c * 3), [result('billing/f.md', 'fail')]);
      await play(store, hour(4 + c * 3), [result('billing/f.md', 'pass')]);
    }
    await store.startRun({ runId: 'run-invalid', startedAt: hour(11), status: 'running' });
    await store.recordDocResult('run-invalid', result('billing/bad.md', 'invalid', { startedAt: hour(11) }));
    const mute = buildMute({
      id: 'mute-1',
      scope: { kind: 'domain', domain: 'billing' },
      at: new Date(hour(11)),
      forMs: 86_400_000,
      reason: 'deploy',
    });
    await store.putHealth('mute', mute.id, mute, 0, mute.createdAt);

    const handler = createDigestHandler({
      store,
      publish: (d) => publishDigest(sns.client(), ALERT_TOPIC, d),
      clock: { now: () => new Date(hour(12)), sleep: async () => {} },
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });
    const before = sns.published.length;
    expect(await handler({})).toEqual({ published: 'digest', at: hour(12) });
    const published = sns.published.slice(before);
    expect(published).toHaveLength(1);
    const [p] = published;
    expect(p?.TopicArn).toBe(ALERT_TOPIC);
    expect(p?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'digest' },
      severity: { DataType: 'String', StringValue: 'info' },
    });
    expect(p?.Subject).toBe('[verifier] digest: 1 open incident(s), 1 invalid, 1 flapping, 1 mute(s)');
    const message = JSON.parse(p?.Message ?? '{}') as { default: string; email: string };
    const digest = JSON.parse(message.default);
    expect(digest).toMatchObject({
      type: 'digest',
      at: hour(12),
      openIncidents: [{ doc: 'clients/a.md', state: 'open', consecutiveFailures: 2 }],
      invalidDocs: [{ doc: 'billing/bad.md' }],
      flappingDocs: [{ doc: 'billing/f.md', flapping: true }],
      mutes: [{ id: 'mute-1', reason: 'deploy' }],
    });
    // The email part is the CLI's digest text, built from the same data.
    expect(message.email).toBe(renderDigestText(digest));
    expect(message.email).toContain('Open incidents (1):\n  - [clients] GET /clients/a: 2 failing run(s)');
    expect(message.email).toContain('Flapping docs (1):\n  - [billing] GET /billing/f');
  });

  it('a failed publish fails the invocation (the scheduler retries, Errors shows it)', async () => {
    const store = createDynamoStateStore({
      client: dynamo,
      tableName: await createStateTable(raw, 'digest'),
    });
    sns.failNext(1);
    const handler = createDigestHandler({
      store,
      publish: (d) => publishDigest(sns.client(), ALERT_TOPIC, d),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });
    await expect(handler({})).rejects.toThrow();
  });

  it('config names what is missing', () => {
    expect(loadDigestConfig({ TOPIC_ARN: ALERT_TOPIC, STATE_TABLE_NAME: 't' })).toEqual({
      topicArn: ALERT_TOPIC,
      tableName: 't',
    });
    expect(() => loadDigestConfig({ TOPIC_ARN: 'x' })).toThrow(ConfigError);
    expect(() => loadDigestConfig({ TOPIC_ARN: 'x' })).toThrow(
      /TOPIC_ARN must be an SNS topic ARN.*STATE_TABLE_NAME is not set/,
    );
  });
});
