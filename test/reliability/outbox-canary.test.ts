// Canary on the AWS alert path: distinctive tokens sent for real by the verify handler to a server that
// echoes them back in failing answers; the run's doc.failing goes through the outbox (dynalite) and the
// alert Lambda to the SNS stub. No token, in any encoding, in an outbox item or an SNS request.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAlertOutbox } from '../../lambda/adapters/dynamodb/alert-outbox.js';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createUndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createSecretCredentials } from '../../lambda/adapters/secrets/credentials.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import {
  createBucket,
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  fakeContext,
} from '../support/aws-services.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import {
  alertContext,
  insertRecord,
  outboxAlertHandler,
  outboxItems,
  streamBatch,
} from '../support/outbox-stream.js';
import { type SecretsStub, startSecretsStub } from '../support/secrets-stub.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';
import { CANARY_TOKENS } from './harness.js';

const forms = (secret: string): string[] => [
  ...new Set([
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
    secret.slice(4, -4),
  ]),
];

const DOCS: Record<string, string> = {
  'echo/staff.md': docWithStep(okStep('call', { path: '/echo', expect: { status: [201] } })),
  'echo/directory.md': docWithStep(
    okStep('call', { path: '/echo', token: 'directory', expect: { status: [201] } }),
  ),
  'echo/post.md': docWithStep(
    okStep('call', { path: '/echo?trace=1', method: 'POST', body: { note: 'x' }, expect: { status: [201] } }),
  ),
};

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
const s3 = createS3Client();
let server: FaultServer;
let secrets: SecretsStub;
let sns: SnsStub;

beforeAll(async () => {
  server = await startFaultServer();
  secrets = await startSecretsStub({
    'verifier/canary': JSON.stringify({ tokens: CANARY_TOKENS, params: { business_id: 'biz-1' } }),
  });
  sns = await startSnsStub();
});
afterAll(async () => {
  await server.close();
  await secrets.close();
  await sns.close();
});

describe('alert outbox canary', () => {
  it('echoed tokens reach neither the outbox nor SNS', async () => {
    const bucket = await createBucket(s3, 'canary');
    for (const [key, text] of Object.entries(DOCS))
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `docs/${key}`, Body: text }));
    const tableName = await createStateTable(raw, 'canary');
    const http = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
    try {
      const handler = createVerifyHandler({
        config: {
          baseUrl: server.url,
          failAfter: 1,
          concurrency: 2,
          allowDelete: false,
          lockName: 'verifier-run',
          stopMarginMs: 1000,
        },
        store: createDynamoStateStore({ client: dynamo, tableName }),
        alerts: createDynamoAlertOutbox({ client: dynamo, tableName }),
        docs: createS3DocSource({ client: s3, bucket, prefix: 'docs/' }),
        credentials: createSecretCredentials({ client: secrets.client(), secretId: 'verifier/canary' }),
        http,
        logger: new Logger({ serviceName: 'verifier', logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'VerifierTest', serviceName: 'verifier' }),
      });
      expect((await handler({}, fakeContext())).status).toBe('finished');
    } finally {
      await http.close();
    }
    // The tokens really went out and came back in the answers.
    const echoed = server.hits('/echo').map((r) => r.headers.authorization ?? '');
    expect(echoed.some((h) => h.includes(CANARY_TOKENS.staff))).toBe(true);

    const items = await outboxItems(raw, tableName);
    expect(items).toHaveLength(1);
    const alertHandler = await outboxAlertHandler(sns, raw);
    const before = sns.requests.length;
    await alertHandler(streamBatch(items.map(insertRecord)), alertContext);
    const requests = sns.requests.slice(before);
    expect(requests).toHaveLength(1);
    const text = JSON.stringify(items) + JSON.stringify(requests);
    expect(text).toContain('echo/staff.md');
    // The echoed answers are in the alert (redacted), so the check below looks at real evidence.
    expect(text).toContain('bodyExcerpt');
    expect(text).toContain('authorization');
    for (const token of Object.values(CANARY_TOKENS))
      for (const form of forms(token)) expect(text, `token form ${form}`).not.toContain(form);
  }, 120_000);
});
