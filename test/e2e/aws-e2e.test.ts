// End to end, all in-process: seeds/ uploaded to s3rver, the verifier handler run against the
// sandbox with tokens from the Secrets Manager stub, state checked in dynalite, the business item's
// stream records (filtered like Lambda would) fed to the alert handler publishing to the SNS stub,
// and the API handler reading the results.
import { join } from 'node:path';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent, Context, DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createS3TestFiles } from '../../lambda/adapters/s3/test-files.js';
import { createSecretCredentials } from '../../lambda/adapters/secrets/credentials.js';
import { createSnsAlertSink } from '../../lambda/adapters/sns/sns-sink.js';
import { createAlertHandler } from '../../lambda/handlers/alert.js';
import { createApiHandler } from '../../lambda/handlers/api.js';
import { createVerifyHandler, type VerifyOutcome } from '../../lambda/handlers/verify.js';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  createBucket,
  createDocumentClient,
  createDynamoClient,
  createIdempotencyTable,
  createS3Client,
  createStateTable,
  fakeContext,
  uploadDir,
} from '../support/aws-services.js';
import { passesAlertFilters } from '../support/outbox-stream.js';
import { type SecretsStub, startSecretsStub } from '../support/secrets-stub.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const SEEDS = join(import.meta.dirname, '../../seeds');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:verifier-alerts';
const raw = createDynamoClient();
const s3 = createS3Client();
let sandbox: Sandbox;
let secrets: SecretsStub;
let sns: SnsStub;
let http: UndiciHttpClient;
let tableName: string;
let verify: ReturnType<typeof createVerifyHandler>;
let alert: ReturnType<typeof createAlertHandler>;
let api: ReturnType<typeof createApiHandler>;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  sandbox = await createSandbox({ seed: 11 });
  secrets = await startSecretsStub({ 'verifier/target': JSON.stringify(sandbox.tokens) });
  sns = await startSnsStub();
  http = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
  const bucket = await createBucket(s3, 'e2e');
  await uploadDir(s3, bucket, SEEDS, 'docs/');
  await uploadDir(s3, bucket, join(SEEDS, 'test-files'), 'test-files/');
  tableName = await createStateTable(raw);
  const idempotencyTable = await createIdempotencyTable(raw);
  const store = createDynamoStateStore({
    client: createDocumentClient(raw),
    tableName,
    skipUnchangedDocStates: true,
  });
  verify = createVerifyHandler({
    config: {
      baseUrl: sandbox.baseUrl,
      fallbackUrl: sandbox.fallbackUrl,
      partnersUrl: sandbox.partnersUrl,
      concurrency: 4,
      allowDelete: true,
      lockName: 'verifier-run',
      stopMarginMs: 1000,
    },
    store,
    docs: createS3DocSource({ client: s3, bucket, prefix: 'docs/' }),
    testFiles: createS3TestFiles({ client: s3, bucket, prefix: 'test-files/' }),
    credentials: createSecretCredentials({ client: secrets.client(), secretId: 'verifier/target' }),
    http,
    logger: new Logger({ serviceName: 'verifier' }),
    metrics: new Metrics({ namespace: 'E2E', serviceName: 'verifier' }),
  });
  const persistence = new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: raw });
  alert = createAlertHandler({
    sink: createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }),
    persistence,
  });
  api = createApiHandler({
    store: createDynamoStateStore({ client: createDocumentClient(raw), tableName }),
    // Never called here: POST /runs is covered by the API handler tests.
    lambda: new LambdaClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
    verifierFunctionName: 'verifier',
    now: () => new Date(),
    idempotency: persistence,
    logger: new Logger({ serviceName: 'verifier-api' }),
    metrics: new Metrics({ namespace: 'E2E', serviceName: 'verifier-api' }),
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await http.close();
  await sns.close();
  await secrets.close();
  await sandbox.close();
});

const businessKey = () => ({ pk: { S: `BUSINESS#${sandbox.businessId}` }, sk: { S: 'STATE' } });
async function businessImage(): Promise<Record<string, AttributeValue> | undefined> {
  return (
    await raw.send(new GetItemCommand({ TableName: tableName, Key: businessKey(), ConsistentRead: true }))
  ).Item;
}

let seq = 0;
function streamRecord(
  eventName: 'INSERT' | 'MODIFY',
  newImage: Record<string, AttributeValue> | undefined,
  oldImage?: Record<string, AttributeValue>,
): DynamoDBRecord {
  return {
    eventID: `e${++seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: businessKey(),
      ...(newImage && { NewImage: newImage as never }),
      ...(oldImage && { OldImage: oldImage as never }),
      SequenceNumber: String(seq).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** The JSON alert inside an SNS message published with MessageStructure json (`default` key). */
function alertOf(p: { Message?: string } | undefined): Record<string, unknown> {
  const envelope = JSON.parse(String(p?.Message)) as { default: string };
  return JSON.parse(envelope.default) as Record<string, unknown>;
}

async function deliver(records: DynamoDBRecord[]) {
  const delivered = records.filter(passesAlertFilters);
  if (delivered.length === 0) return { batchItemFailures: [] };
  return alert({ Records: delivered }, fakeContext() as unknown as Context);
}

async function runOnce(): Promise<Extract<VerifyOutcome, { status: 'finished' }>> {
  const out = await verify({}, fakeContext());
  if (out.status !== 'finished') throw new Error(`run ${out.runId} was ${out.status}`);
  return out;
}

async function get(path: string, query: Record<string, string> | null = null) {
  const event = {
    httpMethod: 'GET',
    path,
    headers: {},
    queryStringParameters: query,
    body: null,
    isBase64Encoded: false,
  };
  const res = await api(event as unknown as APIGatewayProxyEvent);
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

describe('AWS deployment, end to end in-process', () => {
  it('flag → alert once (not again on redelivery) → recover → alert; the API reports it all', async () => {
    const healthy = await runOnce();
    expect(healthy.result.summary.blocked).toBe(0);
    expect(await businessImage()).toBeUndefined();

    sandbox.flagBusiness();
    const flaggedRun = await runOnce();
    expect(flaggedRun.result.summary.blocked).toBeGreaterThan(0);
    const flagged = await businessImage();
    expect(flagged).toMatchObject({
      entity: { S: 'business' },
      condition: { S: 'spam_flagged' },
      version: { N: '1' },
    });

    const insert = streamRecord('INSERT', flagged);
    expect(await deliver([insert])).toEqual({ batchItemFailures: [] });
    expect(sns.published).toHaveLength(1);
    const first = alertOf(sns.published[0]);
    expect(first).toMatchObject({
      type: 'business.spam_flagged',
      businessId: sandbox.businessId,
      runId: flaggedRun.runId,
    });
    for (const token of Object.values(sandbox.tokens.tokens))
      expect(JSON.stringify(sns.published)).not.toContain(token);

    // Redelivered batch (Lambda retries): idempotency keeps it to one alert.
    await deliver([insert]);
    expect(sns.published).toHaveLength(1);

    // Still flagged: no transition, so no new business version and nothing to alert.
    await runOnce();
    expect((await businessImage())?.version).toEqual({ N: '1' });

    sandbox.unflagBusiness();
    const recoveredRun = await runOnce();
    expect(recoveredRun.result.summary.blocked).toBe(0);
    const recovered = await businessImage();
    expect(recovered).toMatchObject({ condition: { S: 'ok' }, version: { N: '2' } });
    // A doc-state item change is on the same stream; the filters keep it from the alert Lambda.
    const docRecord = streamRecord('MODIFY', {
      pk: { S: 'DOC#x.md' },
      sk: { S: 'STATE' },
      entity: { S: 'doc' },
    });
    expect(passesAlertFilters(docRecord)).toBe(false);
    await deliver([docRecord, streamRecord('MODIFY', recovered, flagged)]);
    expect(sns.published.map((p) => alertOf(p).type)).toEqual([
      'business.spam_flagged',
      'business.recovered',
    ]);

    // The API reads the same state.
    const runs = await get('/runs', { limit: '10' });
    expect((runs.body.runs as { runId: string }[]).map((r) => r.runId)).toContain(recoveredRun.runId);
    expect(runs.body.runs).toHaveLength(4);
    const report = await get(`/runs/${flaggedRun.runId}`);
    expect(report.body).toMatchObject({
      status: 'finished',
      report: { runId: flaggedRun.runId, summary: flaggedRun.result.summary },
    });
    const reportDocs = (report.body.report as { docs: { outcome: string }[] }).docs;
    expect(reportDocs.filter((d) => d.outcome === 'blocked')).toHaveLength(flaggedRun.result.summary.blocked);
    expect(await get('/businesses')).toMatchObject({
      status: 200,
      body: { businesses: [{ businessId: sandbox.businessId, condition: 'ok', version: 2 }] },
    });
    const blockedNow = await get('/docs', { outcome: 'blocked' });
    expect(blockedNow.body.docs).toEqual([]);
    const passing = await get('/docs', { outcome: 'pass' });
    expect((passing.body.docs as unknown[]).length).toBe(recoveredRun.result.summary.pass);
  });
});
