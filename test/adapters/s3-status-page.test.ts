// The status page on AWS, against s3rver and dynalite: written after a run from the DynamoDB state
// (encrypted, never public), and served by GET /status as a presigned URL or as its JSON.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createS3StatusPage, type S3StatusPage } from '../../lambda/adapters/s3/status-page.js';
import { summarize } from '../../lambda/engine/report/summary.js';
import { type ApiHandler, type ApiHandlerDeps, createApiHandler } from '../../lambda/handlers/api.js';
import { publishStatusPage } from '../../lambda/report-html/publish.js';
import { docResult } from '../contract/state-store.contract.js';
import {
  createBucket,
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
} from '../support/aws-services.js';

const s3 = createS3Client();
const sent: { name: string; input: Record<string, unknown> }[] = [];
s3.middlewareStack.add(
  (next, context) => async (args) => {
    sent.push({ name: String(context.commandName), input: args.input as Record<string, unknown> });
    return next(args);
  },
  { step: 'initialize', name: 'recordCommands' },
);
const raw = createDynamoClient();
let bucket: string;
let page: S3StatusPage;
let bytes = 0;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  bucket = await createBucket(s3, 'status');
  page = createS3StatusPage({ client: s3, bucket });
  const store = createDynamoStateStore({
    client: createDocumentClient(raw),
    tableName: await createStateTable(raw),
  });
  const results = [
    docResult('clients/a.md', 'pass', '2026-12-01T10:00:01.000Z'),
    docResult('clients/b.md', 'fail', '2026-12-01T10:00:02.000Z'),
  ];
  await store.startRun({
    runId: 'run-1',
    startedAt: '2026-12-01T10:00:00.000Z',
    status: 'running',
    trigger: 'schedule',
  });
  for (const r of results) await store.recordDocResult('run-1', r);
  await store.finishRun('run-1', '2026-12-01T10:00:05.000Z', summarize(results));
  bytes = await publishStatusPage(store, page, {
    now: new Date('2026-12-01T10:01:00.000Z'),
    target: 'https://api.example',
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});

function api(deps: Partial<ApiHandlerDeps>): ApiHandler {
  return createApiHandler({
    store: createDynamoStateStore({ client: createDocumentClient(raw), tableName: 'unused' }),
    lambda: new LambdaClient({ region: 'us-east-1' }),
    verifierFunctionName: 'verifier-fn',
    now: () => new Date(),
    idempotency: new DynamoDBPersistenceLayer({ tableName: 'unused', awsSdkV3Client: raw }),
    logger: new Logger({ serviceName: 'verifier-api' }),
    metrics: new Metrics({ namespace: 'Test', serviceName: 'verifier-api' }),
    ...deps,
  });
}

const get = (path: string, query: Record<string, string> | null = null) =>
  ({
    httpMethod: 'GET',
    path,
    resource: path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  }) as APIGatewayProxyEvent;

describe('the status page in S3', () => {
  it('writes status/status.json then status/index.html, encrypted, private, not cached', () => {
    const puts = sent.filter((c) => c.name === 'PutObjectCommand').map((c) => c.input);
    expect(puts.map((p) => p.Key)).toEqual(['status/status.json', 'status/index.html']);
    for (const p of puts) {
      expect(p).toMatchObject({ Bucket: bucket, ServerSideEncryption: 'AES256', CacheControl: 'no-store' });
      expect(p.ACL).toBeUndefined();
    }
    expect(puts[1]?.ContentType).toBe('text/html; charset=utf-8');
    expect(bytes).toBeGreaterThan(1000);
  });

  it('uses a customer-managed KMS key when given one', async () => {
    const kms = createS3StatusPage({ client: s3, bucket, prefix: 'kms', kmsKeyId: 'alias/status' });
    sent.length = 0;
    await kms.write('<p>x</p>', '{}');
    expect(sent.map((c) => [c.input.Key, c.input.ServerSideEncryption, c.input.SSEKMSKeyId])).toEqual([
      ['kms/status.json', 'aws:kms', 'alias/status'],
      ['kms/index.html', 'aws:kms', 'alias/status'],
    ]);
  });

  it('GET /status answers a short-lived presigned URL that opens the page', async () => {
    const res = await api({ statusPage: page, statusUrlTtlSeconds: 120 })(get('/status'));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as { url: string; expiresInSeconds: number };
    expect(body.expiresInSeconds).toBe(120);
    const url = new URL(body.url);
    expect(url.pathname).toBe(`/${bucket}/status/index.html`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const html = await (await fetch(body.url)).text();
    expect(html).toContain('data-doc="clients/b.md" data-outcome="fail"');
    expect(html).toContain('https://api.example');
  });

  it('GET /status?format=json answers the data the page was rendered from', async () => {
    const res = await api({ statusPage: page })(get('/status', { format: 'json' }));
    expect(res.statusCode).toBe(200);
    const view = JSON.parse(res.body);
    expect(view.lastRun).toMatchObject({
      runId: 'run-1',
      trigger: 'schedule',
      summary: { pass: 1, fail: 1 },
    });
    expect(view.domains[0].docs.map((d: { doc: string; outcome: string }) => [d.doc, d.outcome])).toEqual([
      ['clients/b.md', 'fail'],
      ['clients/a.md', 'pass'],
    ]);
  });

  it('GET /status?target=NAME serves that target page; the first target by default; 404 for another', async () => {
    // Two targets, each page under status/<target>/ as the stack writes them.
    const staging = createS3StatusPage({ client: s3, bucket, prefix: 'status/staging/' });
    const prod = createS3StatusPage({ client: s3, bucket, prefix: 'status/prod/' });
    await staging.write('<p>staging page</p>', '{"target":"staging"}');
    await prod.write('<p>prod page</p>', '{"target":"prod"}');
    const handler = api({ statusPages: { staging, prod } });
    const urlOf = async (query: Record<string, string> | null) => {
      const res = await handler(get('/status', query));
      expect(res.statusCode).toBe(200);
      return (JSON.parse(res.body) as { url: string }).url;
    };
    const first = await urlOf(null);
    expect(new URL(first).pathname).toBe(`/${bucket}/status/staging/index.html`);
    expect(await (await fetch(first)).text()).toBe('<p>staging page</p>');
    const named = await urlOf({ target: 'prod' });
    expect(new URL(named).pathname).toBe(`/${bucket}/status/prod/index.html`);
    expect(await (await fetch(named)).text()).toBe('<p>prod page</p>');
    const data = await handler(get('/status', { target: 'prod', format: 'json' }));
    expect([data.statusCode, data.body]).toEqual([200, '{"target":"prod"}']);
    // An unknown target: 404 naming the targets there are.
    const unknown = await handler(get('/status', { target: 'qa' }));
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).message).toBe(
      'no status page for target "qa": the targets are "staging", "prod"',
    );
    // A target with no run yet: 404 that says so.
    const fresh = createS3StatusPage({ client: s3, bucket, prefix: 'status/fresh/' });
    const notYet = await api({ statusPages: { staging, fresh } })(
      get('/status', { target: 'fresh', format: 'json' }),
    );
    expect(notYet.statusCode).toBe(404);
    expect(JSON.parse(notYet.body).message).toBe(
      'no status page yet for target "fresh": it is written after each run',
    );
    // A stack of one unnamed page knows no target names.
    const single = await api({ statusPage: page })(get('/status', { target: 'prod' }));
    expect(single.statusCode).toBe(404);
    expect(JSON.parse(single.body).message).toMatch(/this stack has one target; omit target/);
  });

  it('GET /status says why when there is no page', async () => {
    const none = await api({})(get('/status'));
    expect(none.statusCode).toBe(404);
    expect(JSON.parse(none.body).message).toMatch(/no status page on this stack/);
    const empty = createS3StatusPage({ client: s3, bucket: await createBucket(s3, 'empty') });
    const notYet = await api({ statusPage: empty })(get('/status', { format: 'json' }));
    expect(notYet.statusCode).toBe(404);
    expect(JSON.parse(notYet.body).message).toMatch(/written after each run/);
    const bad = await api({ statusPage: page })(get('/status', { format: 'pdf' }));
    expect(bad.statusCode).toBe(400);
  });
});
