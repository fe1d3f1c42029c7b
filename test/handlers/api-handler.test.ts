// The API Lambda handler invoked with API Gateway (REST) events for every route, including bad input.
// State in dynalite, idempotency records in dynalite (Powertools), the verifier invocation received
// by a local stub of the Lambda Invoke API.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { partitionOf } from '../../lambda/adapters/dynamodb/partition.js';
import { createDynamoStateStore, type DynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { emptySummary } from '../../lambda/engine/model.js';
import { type ApiHandler, createApiHandler } from '../../lambda/handlers/api.js';
import { business, docResult } from '../contract/state-store.contract.js';
import {
  createDocumentClient,
  createDynamoClient,
  createIdempotencyTable,
  createStateTable,
} from '../support/aws-services.js';

interface Invocation {
  path: string;
  headers: IncomingHttpHeaders;
  payload: Record<string, unknown>;
}
const invocations: Invocation[] = [];
let lambdaStatus = 202;
/** Holds the invoke's answer, so a second request can arrive while the first is in progress. */
let lambdaDelayMs = 0;
const lambdaStub = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    if (lambdaDelayMs > 0) await new Promise((r) => setTimeout(r, lambdaDelayMs));
    invocations.push({
      path: req.url ?? '',
      headers: req.headers,
      payload: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
    });
    if (lambdaStatus === 202) return res.writeHead(202).end();
    res.writeHead(lambdaStatus, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'ResourceNotFoundException',
    });
    res.end(JSON.stringify({ message: 'Function not found' }));
  });
});

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
let store: DynamoStateStore;
let api: ApiHandler;

beforeAll(async () => {
  await new Promise<void>((r) => lambdaStub.listen(0, '127.0.0.1', () => r()));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((r) => lambdaStub.close(() => r()));
});

beforeEach(async () => {
  invocations.length = 0;
  lambdaStatus = 202;
  lambdaDelayMs = 0;
  store = createDynamoStateStore({ client: dynamo, tableName: await createStateTable(raw) });
  api = makeApi(store);
});

/** One API handler per test, with its own idempotency table (created on first use). */
function makeApi(
  s: DynamoStateStore,
  verifierFunctions?: Record<string, string>,
  storeFor?: (target: string) => DynamoStateStore,
): ApiHandler {
  const lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${(lambdaStub.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const build = async () =>
    createApiHandler({
      store: s,
      lambda,
      verifierFunctionName: 'verifier-fn',
      ...(verifierFunctions && { verifierFunctions }),
      ...(storeFor && { storeFor }),
      now: () => new Date(),
      idempotency: new DynamoDBPersistenceLayer({
        tableName: await createIdempotencyTable(raw),
        awsSdkV3Client: raw,
      }),
      logger: new Logger({ serviceName: 'verifier-api' }),
      metrics: new Metrics({ namespace: 'Test', serviceName: 'verifier-api' }),
    });
  let built: Promise<ApiHandler> | undefined;
  return async (e) => {
    built ??= build();
    return (await built)(e);
  };
}

function event(
  method: string,
  path: string,
  extra: Partial<APIGatewayProxyEvent> = {},
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...extra,
  };
}

async function call(method: string, path: string, extra: Partial<APIGatewayProxyEvent> = {}) {
  const res = await api(event(method, path, extra));
  return {
    status: res.statusCode,
    body: JSON.parse(res.body) as Record<string, unknown>,
    headers: res.headers,
  };
}

describe('POST /runs with several targets (VERIFIER_FUNCTIONS)', () => {
  beforeEach(() => {
    api = makeApi(store, { staging: 'verifier-staging', prod: 'verifier-prod' });
  });

  it('invokes the named target’s verifier; without a target, the first target’s', async () => {
    const prod = await call('POST', '/runs', { body: JSON.stringify({ target: 'prod', domain: 'clients' }) });
    expect(prod.status).toBe(202);
    const plain = await call('POST', '/runs', { body: JSON.stringify({ domain: 'clients' }) });
    expect(plain.status).toBe(202);
    expect(invocations.map((i) => i.path)).toEqual([
      '/2015-03-31/functions/verifier-prod/invocations',
      '/2015-03-31/functions/verifier-fn/invocations',
    ]);
    expect(invocations[0]?.payload).toEqual({
      runId: prod.body.runId,
      filters: { domains: ['clients'] },
      trigger: 'api',
    });
  });

  it('answers 400 naming the targets for an unknown one, and starts nothing', async () => {
    const res = await call('POST', '/runs', { body: JSON.stringify({ target: 'qa' }) });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('unknown target "qa": expected one of "staging", "prod"');
    expect(invocations).toEqual([]);
  });

  it('an Idempotency-Key reused for another target answers 422', async () => {
    const headers = { 'Idempotency-Key': 'k-targets' };
    const first = await call('POST', '/runs', { headers, body: JSON.stringify({ target: 'prod' }) });
    expect(first.status).toBe(202);
    const other = await call('POST', '/runs', { headers, body: JSON.stringify({ target: 'staging' }) });
    expect(other.status).toBe(422);
    expect(invocations).toHaveLength(1);
  });
});

describe('per-target state (?target=)', () => {
  it("reads and announces each target's runs and doc states in its own partition; the first target's by default", async () => {
    const tableName = await createStateTable(raw);
    const storeOf = (target: string) =>
      createDynamoStateStore({ client: dynamo, tableName, partition: partitionOf(target) });
    const staging = storeOf('staging');
    const prod = storeOf('prod');
    api = makeApi(staging, { staging: 'verifier-staging', prod: 'verifier-prod' }, storeOf);
    await staging.recordDocResult(
      'r-s',
      docResult('clients/staging-only.md', 'pass', '2026-01-01T00:00:00.000Z'),
    );
    await prod.recordDocResult('r-p', docResult('clients/prod-only.md', 'fail', '2026-01-01T00:00:00.000Z'));
    const docsOf = async (q: Record<string, string> | null) =>
      ((await call('GET', '/docs', { queryStringParameters: q })).body.docs as { doc: string }[]).map(
        (d) => d.doc,
      );
    expect(await docsOf(null)).toEqual(['clients/staging-only.md']);
    expect(await docsOf({ target: 'staging' })).toEqual(['clients/staging-only.md']);
    expect(await docsOf({ target: 'prod' })).toEqual(['clients/prod-only.md']);
    // A run started for prod is announced in prod's partition.
    const started = await call('POST', '/runs', { body: JSON.stringify({ target: 'prod' }) });
    const runId = String(started.body.runId);
    expect((await prod.getRun(runId))?.status).toBe('running');
    expect(await staging.getRun(runId)).toBeUndefined();
    const runsOf = async (q: Record<string, string> | null) =>
      ((await call('GET', '/runs', { queryStringParameters: q })).body.runs as { runId: string }[]).map(
        (r) => r.runId,
      );
    expect(await runsOf({ target: 'prod' })).toEqual([runId]);
    expect(await runsOf(null)).toEqual([]);
    expect((await call('GET', `/runs/${runId}`, { queryStringParameters: { target: 'prod' } })).status).toBe(
      200,
    );
    expect((await call('GET', `/runs/${runId}`)).status).toBe(404);
    const unknown = await call('GET', '/docs', { queryStringParameters: { target: 'qa' } });
    expect(unknown).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^unknown target "qa"/) },
    });
  });
});

describe('POST /runs', () => {
  it('announces the run and invokes the verifier asynchronously with the filters', async () => {
    const res = await call('POST', '/runs', {
      body: JSON.stringify({ domain: 'clients', include: ['pending'] }),
    });
    expect(res.status).toBe(202);
    expect(res.headers?.['content-type']).toMatch(/application\/json/);
    const runId = String(res.body.runId);
    expect(invocations).toHaveLength(1);
    expect(invocations[0]?.path).toBe('/2015-03-31/functions/verifier-fn/invocations');
    expect(invocations[0]?.headers['x-amz-invocation-type']).toBe('Event');
    expect(invocations[0]?.payload).toEqual({
      runId,
      trigger: 'api',
      filters: { domains: ['clients'], include: ['pending'] },
    });
    const run = await call('GET', `/runs/${runId}`);
    expect(run.body).toMatchObject({ runId, status: 'running', trigger: 'api', progress: { done: 0 } });
    await store.recordDocResult(runId, docResult('clients/a.md', 'pass', '2026-01-01T00:00:00.000Z'));
    expect((await call('GET', `/runs/${runId}`)).body.progress).toEqual({ done: 1 });
    expect(run.body.report).toBeUndefined();
  });

  it('accepts no body at all: a run of every active doc', async () => {
    const res = await call('POST', '/runs');
    expect(res.status).toBe(202);
    expect(invocations[0]?.payload.filters).toEqual({});
  });

  it('honours Idempotency-Key: same key and body give the same run, once; other filters are refused', async () => {
    const headers = { 'Idempotency-Key': 'deploy-42' };
    const body = JSON.stringify({ tag: ['smoke'] });
    const first = await call('POST', '/runs', { headers, body });
    const again = await call('POST', '/runs', { headers: { 'idempotency-key': 'deploy-42' }, body });
    expect(first.status).toBe(202);
    expect(again).toMatchObject({ status: 202, body: { runId: first.body.runId } });
    expect(invocations).toHaveLength(1);
    const other = await call('POST', '/runs', { headers, body: JSON.stringify({ tag: 'other' }) });
    expect(other).toEqual(expect.objectContaining({ status: 422 }));
    expect(other.body.message).toMatch(/already used with different filters/);
    const fresh = await call('POST', '/runs', { headers: { 'Idempotency-Key': 'deploy-43' }, body });
    expect(fresh.body.runId).not.toBe(first.body.runId);
    expect(invocations).toHaveLength(2);
  });

  it('answers 409 to a duplicate Idempotency-Key that arrives while the first request is in progress', async () => {
    lambdaDelayMs = 500;
    const headers = { 'Idempotency-Key': 'deploy-44' };
    const body = JSON.stringify({ tag: ['smoke'] });
    const first = call('POST', '/runs', { headers, body });
    await new Promise((r) => setTimeout(r, 150));
    const duplicate = await call('POST', '/runs', { headers, body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toMatch(/already in progress/);
    expect((await first).status).toBe(202);
    expect(invocations).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{domain:', /invalid request body: expected a JSON object/],
    ['an unknown filter', JSON.stringify({ domians: 'x' }), /invalid run filters: .*domians/],
    ['a bad include', JSON.stringify({ include: 'retired' }), /invalid run filters: include/],
    ['an empty domain', JSON.stringify({ domain: '' }), /invalid run filters: domain/],
  ])('answers 400 with a message for %s, and starts nothing', async (_, body, message) => {
    const res = await call('POST', '/runs', { body });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(invocations).toHaveLength(0);
    expect(await store.listRuns(5)).toEqual([]);
  });

  it('answers 502 and marks the run failed when the verifier function refuses the invocation', async () => {
    lambdaStatus = 404;
    const res = await call('POST', '/runs');
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/could not start run .*ResourceNotFoundException/);
    const [run] = await store.listRuns(1);
    expect(run?.status).toBe('failed');
  });
});

describe('GET /runs and /runs/{runId}', () => {
  it('returns a finished run with the CLI report shape', async () => {
    await store.startRun({
      runId: 'r-1',
      startedAt: '2026-01-01T00:00:00.000Z',
      status: 'running',
      trigger: 'schedule',
    });
    const r1 = docResult('clients/a.md', 'pass', '2026-01-01T00:00:01.000Z');
    const r2 = docResult('billing/b.md', 'fail', '2026-01-01T00:00:02.000Z');
    await store.recordDocResult('r-1', r1);
    await store.recordDocResult('r-1', r2);
    const summary = { ...emptySummary(), total: 2, pass: 1, fail: 1 };
    await store.finishRun('r-1', '2026-01-01T00:01:00.000Z', summary);
    await store.putBusiness(business('b-1', 1), 0);
    const res = await call('GET', '/runs/r-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ runId: 'r-1', status: 'finished' });
    expect(res.body.report).toEqual({
      runId: 'r-1',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      summary,
      docs: [r1, r2],
      businesses: [{ businessId: 'b-1', condition: 'spam_flagged', since: '2026-01-01T00:00:00.000Z' }],
    });
  });

  it('routes by the resource template, whatever base path a custom domain adds', async () => {
    await store.startRun({ runId: 'r-9', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    const res = await call('GET', '/verifier/runs/r-9', {
      resource: '/runs/{runId}',
      pathParameters: { runId: 'r-9' },
    });
    expect(res).toMatchObject({ status: 200, body: { runId: 'r-9', status: 'running' } });
    const docs = await call('GET', '/verifier/docs', { resource: '/docs' });
    expect(docs).toMatchObject({ status: 200, body: { docs: [] } });
  });

  it('answers 400 for a bad run id and 404 for an unknown one', async () => {
    const bad = await call('GET', '/runs/..%2Fetc');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/"..\/etc" is not a run id/);
    const unknown = await call('GET', '/runs/nope-1');
    expect(unknown).toEqual(
      expect.objectContaining({
        status: 404,
        body: { message: expect.stringMatching(/run nope-1 not found/) },
      }),
    );
  });

  it('lists recent runs up to ?limit, and rejects bad limits and unknown parameters', async () => {
    for (const m of [1, 3, 2])
      await store.startRun({ runId: `r-${m}`, startedAt: `2026-01-01T00:0${m}:00.000Z`, status: 'running' });
    const res = await call('GET', '/runs', { queryStringParameters: { limit: '2' } });
    expect((res.body.runs as { runId: string }[]).map((r) => r.runId)).toEqual(['r-3', 'r-2']);
    expect(((await call('GET', '/runs')).body.runs as unknown[]).length).toBe(3);
    for (const q of [{ limit: '0' }, { limit: 'ten' }, { limit: '101' }, { since: 'x' }]) {
      const r = await call('GET', '/runs', { queryStringParameters: q });
      expect([r.status, String(r.body.message).startsWith('invalid query')]).toEqual([400, true]);
    }
  });
  it('pages through every run with an opaque cursor, past the last 100', async () => {
    for (let m = 0; m < 105; m++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
      await store.startRun({ runId: `r-${String(m).padStart(3, '0')}`, startedAt: at, status: 'running' });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call('GET', '/runs', {
        queryStringParameters: { limit: '40', ...(cursor && { cursor }) },
      });
      expect(res.status).toBe(200);
      seen.push(...(res.body.runs as { runId: string }[]).map((r) => r.runId));
      cursor = res.body.nextCursor as string | undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(105);
    expect(new Set(seen).size).toBe(105);
    expect(seen[0]).toBe('r-104');
    expect(seen.at(-1)).toBe('r-000');
    const bad = await call('GET', '/runs', { queryStringParameters: { cursor: 'not-a-cursor' } });
    expect(bad).toMatchObject({
      status: 400,
      body: { message: 'invalid cursor: pass the nextCursor of the previous GET /runs answer unchanged' },
    });
  });
});

describe('GET /runs/{runId} results in pages', () => {
  it("pages a finished run's results (default 200 a page) with an opaque cursor, none missed or repeated", async () => {
    const at = '2026-01-01T00:00:00.000Z';
    await store.startRun({ runId: 'big-1', startedAt: at, status: 'running' });
    const docs = Array.from({ length: 250 }, (_, i) => `clients/d-${String(i).padStart(3, '0')}.md`);
    await Promise.all(docs.map((d) => store.recordDocResult('big-1', docResult(d, 'pass', at))));
    await store.finishRun('big-1', at, { ...emptySummary(), total: 250, pass: 250 });
    const first = await call('GET', '/runs/big-1');
    expect(first.status).toBe(200);
    const report = first.body.report as { docs: { doc: string }[]; summary: { total: number } };
    expect(report.docs).toHaveLength(200);
    expect(report.summary.total).toBe(250);
    const seen = report.docs.map((d) => d.doc);
    let cursor = first.body.nextCursor as string | undefined;
    let pages = 1;
    while (cursor && pages < 10) {
      const next = await call('GET', '/runs/big-1', { queryStringParameters: { limit: '30', cursor } });
      expect(next.status).toBe(200);
      seen.push(...(next.body.report as { docs: { doc: string }[] }).docs.map((d) => d.doc));
      cursor = next.body.nextCursor as string | undefined;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect([...seen].sort()).toEqual(docs);
    expect(new Set(seen).size).toBe(250);
    // A cursor is opaque and bound to its run; limits are bounded.
    for (const q of [{ cursor: 'not-a-cursor' }, { cursor: String(first.body.nextCursor) }]) {
      const bad = await call('GET', q.cursor === 'not-a-cursor' ? '/runs/big-1' : '/runs/r-1', {
        queryStringParameters: q,
      });
      expect(bad.status).toBe(q.cursor === 'not-a-cursor' ? 400 : 404);
    }
    await store.startRun({ runId: 'r-2', startedAt: at, status: 'finished' });
    const foreign = await call('GET', '/runs/r-2', {
      queryStringParameters: { cursor: String(first.body.nextCursor) },
    });
    expect(foreign).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^invalid cursor/) },
    });
    for (const limit of ['0', '1001'])
      expect((await call('GET', '/runs/big-1', { queryStringParameters: { limit } })).status).toBe(400);
  }, 120_000);
});

describe('GET /docs and /businesses', () => {
  it('returns current doc states, filtered by domain and outcome; rejects a bad outcome', async () => {
    await store.recordDocResult('r-1', docResult('clients/a.md', 'pass', '2026-01-01T00:00:00.000Z'));
    await store.recordDocResult('r-1', docResult('clients/b.md', 'fail', '2026-01-01T00:00:00.000Z'));
    await store.recordDocResult('r-1', docResult('billing/c.md', 'fail', '2026-01-01T00:00:00.000Z'));
    const docs = async (q: Record<string, string> | null) =>
      ((await call('GET', '/docs', { queryStringParameters: q })).body.docs as { doc: string }[]).map(
        (d) => d.doc,
      );
    expect(await docs(null)).toEqual(['billing/c.md', 'clients/a.md', 'clients/b.md']);
    expect(await docs({ domain: 'clients', outcome: 'fail' })).toEqual(['clients/b.md']);
    // A doc a full run no longer found leaves the listing.
    await store.markRemovedDocs(['clients/a.md', 'clients/b.md'], 'r-2', '2026-01-02T00:00:00.000Z');
    expect(await docs(null)).toEqual(['clients/a.md', 'clients/b.md']);
    const bad = await call('GET', '/docs', { queryStringParameters: { outcome: 'broken' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/invalid query: outcome/);
  });

  it('returns business conditions', async () => {
    await store.putBusiness(business('b-9', 1, { condition: 'ok' }), 0);
    const res = await call('GET', '/businesses');
    expect(res.body).toEqual({ businesses: [business('b-9', 1, { condition: 'ok' })] });
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 and wrong methods with 405, as JSON', async () => {
    const missing = await call('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/no route for GET \/nowhere; routes: POST \/runs/);
    const wrong = await call('DELETE', '/runs');
    expect(wrong.status).toBe(405);
  });

  it('answers a store fault with 500 and a message, never a stack trace', async () => {
    api = makeApi(createDynamoStateStore({ client: dynamo, tableName: 'missing-table' }));
    const res = await call('GET', '/businesses');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'internal error; the request was logged' });
  });
});
