// The verify Lambda's doc promises on AWS (issue 15), against real local services: specs in s3rver
// under the target's prefix (the fixture specs, plus one spec that `$ref`s an entity by a relative
// path), loaded by the handler (list + get, `$ref`s resolved from the other objects and the URL →
// prefix map, nothing fetched); a local API whose bodies drift from their schemas and which lets in
// a token the doc refuses. A one-shard run and a fanned-out run (the state machine played in
// process) both store the contract and auth findings on the doc's results and in the report.
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { playStateMachine } from '../../bench/fanout-sim.js';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createS3Specs } from '../../lambda/adapters/openapi/s3-specs.js';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createS3RunArtifacts } from '../../lambda/adapters/s3/run-artifacts.js';
import { createSfnRunExecutions } from '../../lambda/adapters/sfn/run-executions.js';
import type { RunReport } from '../../lambda/engine/model.js';
import { authConditionKey } from '../../lambda/engine/promises/auth-alerts.js';
import type { FanOutInput } from '../../lambda/handlers/fanout/events.js';
import { createRunPromises, runPromisesFromConfig } from '../../lambda/handlers/run-promises.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import {
  createBucket,
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  fakeContext,
  putObjects,
  uploadDir,
} from '../support/aws-services.js';
import { type ApiServer, doc, startApi } from '../support/run-harness.js';
import { recordingSfn } from '../support/sfn-stub.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/openapi');
const REF_MAP = { 'https://hub.example.test/entities/': 'entities/' };
const TOKENS = { staff: 'staff-secret-111', app: 'app-secret-222' };
const CREDENTIALS = { tokens: TOKENS, params: { business_id: 'biz-1', staff_id: 's-1' } };
const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
const s3 = createS3Client();
let api: ApiServer;
let http: UndiciHttpClient;

const step = (lines: string[]) => lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
const AUTH = `
## Authentication

| Token Type | Works | Notes |
|------------|-------|-------|
| Staff | ✅ | |
| App | No | Returns 401 |
`;
const DOCS = {
  'clients/get_client.md': doc({
    front: 'endpoint: "GET /platform/v1/clients/{client_id}"\ndomain: clients\nstatus: verified',
    pre: step([
      'id: list',
      'method: GET',
      'path: "/platform/v1/clients"',
      'extract: { client_id: "$.data.id" }',
    ]),
    test: step(['id: get_client', 'method: GET', 'path: "/platform/v1/clients/{{client_id}}"']),
    extra: AUTH,
  }),
  'staff/get_staff.md': doc({
    front: 'endpoint: "GET /platform/v1/staff/{staff_id}"\ndomain: staff\nstatus: verified',
    test: step(['id: get_staff', 'method: GET', 'path: "/platform/v1/staff/{{staff_id}}"']),
  }),
};
/** A spec whose schema is another object under the prefix, by a relative `$ref`. */
const STAFF_SPEC = {
  openapi: '3.0.3',
  info: { title: 'Staff', version: '1' },
  servers: [{ url: 'https://api.example.test/platform/v1' }],
  paths: {
    '/staff/{staff_id}': {
      get: {
        responses: {
          '200': {
            description: 'a staff member',
            content: { 'application/json': { schema: { $ref: '../entities/staff.json' } } },
          },
        },
      },
    },
  },
};
const STAFF_ENTITY = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'object', required: ['uid'], properties: { uid: { type: 'string' } } } },
};

/** Drifts from both schemas; lets the app token in, which the clients doc says gets 401. */
function drifting(r: { path: string }) {
  if (r.path.endsWith('/clients')) return { body: { data: { id: 'c-9' } } };
  if (r.path.includes('/staff/')) return { body: { data: { uid: 7 } } };
  return { body: { status: 'OK', data: { id: 9 } } };
}

async function specsBucket(client: S3Client): Promise<string> {
  const bucket = await createBucket(client, 'promises');
  await putObjects(
    client,
    bucket,
    Object.fromEntries(Object.entries(DOCS).map(([id, t]) => [`docs/${id}`, t])),
  );
  await uploadDir(client, bucket, FIXTURES, 'specs/');
  await putObjects(client, bucket, {
    'specs/swagger/staff.json': JSON.stringify(STAFF_SPEC),
    'specs/entities/staff.json': JSON.stringify(STAFF_ENTITY),
  });
  return bucket;
}

beforeAll(async () => {
  api = await startApi();
  api.handler = drifting;
  http = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
});
afterAll(async () => {
  await http.close();
  await api.close();
});
afterEach(() => vi.restoreAllMocks());

const logger = () => new Logger({ serviceName: 'verifier', logLevel: 'ERROR' });
const metrics = () => new Metrics({ namespace: 'VerifierTest', serviceName: 'verifier' });
const config = {
  baseUrl: `${'http://127.0.0.1'}`,
  concurrency: 2,
  allowDelete: false,
  lockName: 'verifier-run',
  stopMarginMs: 1000,
};

async function handlerFor(bucket: string, promises: Parameters<typeof createVerifyHandler>[0]['promises']) {
  const store = createDynamoStateStore({ client: dynamo, tableName: await createStateTable(raw) });
  const handler = createVerifyHandler({
    config: { ...config, baseUrl: `${api.url}/apigw` },
    store,
    docs: createS3DocSource({ client: s3, bucket, prefix: 'docs/' }),
    credentials: { load: async () => CREDENTIALS },
    http,
    logger: logger(),
    metrics: metrics(),
    ...(promises && { promises }),
  });
  return { store, handler };
}

const CLIENT_DRIFT = {
  step: 'get_client',
  operation: 'GET /clients/{client_id}',
  spec: 'swagger/clients-oas30.yaml',
  valid: false,
  findings: [
    { pointer: '/data', message: 'missing required property "first_name"' },
    { pointer: '/data/id', message: 'expected string, got integer' },
  ],
};
const STAFF_DRIFT = {
  step: 'get_staff',
  operation: 'GET /staff/{staff_id}',
  spec: 'swagger/staff.json',
  valid: false,
  findings: [{ pointer: '/data/uid', message: 'expected string, got integer' }],
};
const APP_ACCEPTED = {
  tokenType: 'app',
  documented: 'refused',
  expectedStatus: 401,
  step: 'get_client',
  status: 200,
  finding: 'auth.accepted',
};

describe('verify handler: specs from the docs bucket', () => {
  it('a one-shard run stores the contract drifts (mapped and relative $refs) and the auth finding', async () => {
    const bucket = await specsBucket(s3);
    const m = metrics();
    const { store, handler } = await handlerFor(
      bucket,
      runPromisesFromConfig(
        { docsBucket: bucket, openapi: { prefix: 'specs/', refMap: REF_MAP, strict: false } },
        s3,
        logger(),
        m,
      ),
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const out = await handler({ trigger: 'schedule', mode: 'auth-matrix' }, fakeContext());
    expect(out).toMatchObject({
      status: 'finished',
      result: { contract: { matched: 2, withSchema: 2, valid: 0 } },
    });
    const results = Object.fromEntries((await store.getRunResults(out.runId)).map((r) => [r.doc, r]));
    expect(results['clients/get_client.md']).toMatchObject({
      outcome: 'pass',
      contract: [CLIENT_DRIFT],
      auth: [APP_ACCEPTED],
    });
    expect(results['staff/get_staff.md']).toMatchObject({ outcome: 'pass', contract: [STAFF_DRIFT] });
    expect(
      await store.getHealth('condition', authConditionKey('clients/get_client.md', 'app')),
    ).toMatchObject({
      data: { state: 'accepted' },
    });
    // Nothing left the machine but S3 and the local API.
    expect(api.received.every((r) => r.path.startsWith('/apigw/'))).toBe(true);
  });

  it('a warm container reuses the specs while their ETags hold, and reloads only what changed', async () => {
    const bucket = await specsBucket(s3);
    const specs = createS3Specs({ client: s3, bucket, prefix: 'specs/', refMap: REF_MAP });
    const { store, handler } = await handlerFor(
      bucket,
      createRunPromises({ specs, logger: logger(), metrics: metrics() }),
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const first = await handler({ trigger: 'schedule' }, fakeContext());
    const objects = specs.gets;
    expect(objects).toBeGreaterThanOrEqual(8);
    const second = await handler({ trigger: 'schedule' }, fakeContext());
    expect(specs.gets).toBe(objects);
    // The staff entity now says uid is an integer: only that object is read again, and the drift is gone.
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'specs/entities/staff.json',
        Body: JSON.stringify({
          ...STAFF_ENTITY,
          properties: { data: { type: 'object', properties: { uid: { type: 'integer' } } } },
        }),
      }),
    );
    const third = await handler({ trigger: 'schedule' }, fakeContext());
    expect(specs.gets).toBe(objects + 1);
    const staff = async (runId: string) =>
      (await store.getRunResults(runId)).find((r) => r.doc === 'staff/get_staff.md')?.contract;
    expect(await staff(first.runId)).toEqual([STAFF_DRIFT]);
    expect(await staff(second.runId)).toEqual([STAFF_DRIFT]);
    expect(await staff(third.runId)).toEqual([{ ...STAFF_DRIFT, valid: true, findings: [] }]);
  });

  it('a fanned-out run applies the same promises in every shard, and its report carries the findings', async () => {
    const bucket = await specsBucket(s3);
    const store = createDynamoStateStore({ client: dynamo, tableName: await createStateTable(raw) });
    const { sent, client: sfn } = recordingSfn();
    const artifacts = createS3RunArtifacts({ client: s3, bucket });
    // Every shard is a fresh container: its own specs cache.
    const handler = createVerifyHandler({
      config: { ...config, baseUrl: `${api.url}/apigw`, rps: 0, shardBudgetMs: 1, maxParallelShards: 2 },
      store,
      docs: createS3DocSource({ client: s3, bucket, prefix: 'docs/' }),
      credentials: { load: async () => CREDENTIALS },
      http,
      logger: logger(),
      metrics: metrics(),
      promises: runPromisesFromConfig(
        { docsBucket: bucket, openapi: { prefix: 'specs/', refMap: REF_MAP, strict: false } },
        s3,
        logger(),
        metrics(),
      ),
      fanOut: {
        executions: createSfnRunExecutions({
          client: sfn,
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fan',
        }),
        artifacts,
        httpFor: () => http,
      },
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const started = await handler({ trigger: 'schedule', mode: 'auth-matrix' }, fakeContext());
    expect(started).toMatchObject({ status: 'started', shards: 2 });
    const input = JSON.parse(sent[0]?.input ?? '{}') as FanOutInput;
    expect(input.shards.map((s) => s.authMatrix)).toEqual(['get', 'get']);

    const played = await playStateMachine(handler, input);
    expect(played.finish).toMatchObject({
      status: 'finished',
      result: { summary: { pass: 2 }, contract: { matched: 2, withSchema: 2, valid: 0 } },
    });
    const report = await artifacts.get<RunReport>(started.runId, 'report.json');
    const byDoc = Object.fromEntries((report?.docs ?? []).map((d) => [d.doc, d]));
    expect(byDoc['clients/get_client.md']).toMatchObject({ contract: [CLIENT_DRIFT], auth: [APP_ACCEPTED] });
    expect(byDoc['staff/get_staff.md']).toMatchObject({ contract: [STAFF_DRIFT] });
    expect(report?.contract).toEqual({ matched: 2, withSchema: 2, valid: 0 });
    // The finish step settled the auth transition once for the run.
    expect(
      await store.getHealth('condition', authConditionKey('clients/get_client.md', 'app')),
    ).toMatchObject({
      data: { state: 'accepted', step: 'get_client' },
    });
  });
});
