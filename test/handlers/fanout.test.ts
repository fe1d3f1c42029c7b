// Fan-out, in process: the verify handler plans a run too big for one Lambda and starts the state
// machine (the only fake: the Step Functions client, whose exact request is asserted); the state
// machine's steps are then played against the same handler, with state in dynalite, docs and run
// artifacts in s3rver, and one local target holding the requests' arrival times.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS } from '../../bench/context.js';
import { invocationContext, playStateMachine } from '../../bench/fanout-sim.js';
import { syntheticDoc } from '../../bench/synth-docs.js';
import { startTargetProcess, type TargetProcess } from '../../bench/target-process.js';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createS3RunArtifacts } from '../../lambda/adapters/s3/run-artifacts.js';
import { createS3StatusPage } from '../../lambda/adapters/s3/status-page.js';
import {
  type CredentialsLoader,
  createSecretCredentials,
} from '../../lambda/adapters/secrets/credentials.js';
import { createSfnRunExecutions } from '../../lambda/adapters/sfn/run-executions.js';
import type { FanOutInput } from '../../lambda/handlers/fanout/events.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import {
  createBucket,
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  putObjects,
} from '../support/aws-services.js';
import { startSecretsStub } from '../support/secrets-stub.js';
import { recordingSfn } from '../support/sfn-stub.js';

const DOCS = 300;
const CAP = 100;
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:verifier-fanout';
const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
const s3 = createS3Client();
const docs = Array.from({ length: DOCS }, (_, n) => syntheticDoc(n));
let bucket: string;
let target: TargetProcess;
let docsDir: string;
const clients: UndiciHttpClient[] = [];

beforeAll(async () => {
  bucket = await createBucket(s3, 'fanout');
  await putObjects(s3, bucket, Object.fromEntries(docs.map((d) => [`docs/${d.id}`, d.text])));
  // The target in its own process: sharing this test's busy event loop, it would stamp arrivals late
  // and bunched after each stall, and a one-second window would count more than was sent in any second.
  docsDir = await mkdtemp(join(tmpdir(), 'fanout-docs-'));
  for (const d of docs) {
    await mkdir(dirname(join(docsDir, d.id)), { recursive: true });
    await writeFile(join(docsDir, d.id), d.text);
  }
  target = await startTargetProcess(docsDir, 5, {
    script: fileURLToPath(new URL('../../bench/target-child.ts', import.meta.url)),
    execArgv: ['--import', 'tsx'],
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await target.close();
  await rm(docsDir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

async function setup(
  credentials: CredentialsLoader = { load: async () => CREDENTIALS },
  health: { failAfter?: number } = {},
) {
  const store = createDynamoStateStore({
    client: dynamo,
    tableName: await createStateTable(raw),
    skipUnchangedDocStates: true,
  });
  const sfn = recordingSfn(STATE_MACHINE);
  // Each shard is its own Lambda: its own client, holding its own share of the cap.
  const httpFor = (rps: number) => {
    const c = createUndiciHttpClient({ rps, timeoutMs: 5000 });
    clients.push(c);
    return c;
  };
  const metrics = new Metrics({ namespace: 'VerifierTest', serviceName: 'verifier' });
  const handler = createVerifyHandler({
    config: {
      baseUrl: target.baseUrl,
      fallbackUrl: target.fallbackUrl,
      partnersUrl: target.partnersUrl,
      concurrency: 4,
      allowDelete: false,
      lockName: 'verifier-run',
      stopMarginMs: 1000,
      rps: CAP,
      shardBudgetMs: 2500,
      maxParallelShards: 4,
      targetName: 'staging',
      ...health,
    },
    store,
    docs: createS3DocSource({ client: s3, bucket, prefix: 'docs/' }),
    credentials,
    http: httpFor(CAP),
    logger: new Logger({ serviceName: 'verifier', logLevel: 'ERROR' }),
    metrics,
    fanOut: {
      executions: createSfnRunExecutions({ client: sfn.client, stateMachineArn: STATE_MACHINE }),
      artifacts: createS3RunArtifacts({ client: s3, bucket }),
      httpFor,
    },
    statusPage: createS3StatusPage({ client: s3, bucket, prefix: 'status/staging/' }),
  });
  return { store, handler, sfn, artifacts: createS3RunArtifacts({ client: s3, bucket }) };
}

function captureStdout(): () => Record<string, unknown>[] {
  const lines: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return () => lines.flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : []));
}

describe('fan-out', () => {
  it('plans, starts one execution, runs the shards under a shared cap and finishes with one result per doc', async () => {
    const { store, handler, sfn, artifacts } = await setup();
    const output = captureStdout();
    const started = await handler({ runId: 'fan-1', filters: {} }, invocationContext());
    const records = output();
    vi.restoreAllMocks();

    expect(started).toMatchObject({ status: 'started', runId: 'fan-1', maxConcurrency: 4 });
    if (started.status !== 'started') return;
    expect(started.shards).toBeGreaterThan(1);
    // The exact request: the machine, the run's name, and the input the state machine reads.
    expect(sfn.sent).toHaveLength(1);
    const request = sfn.sent[0];
    expect(request).toEqual({ stateMachineArn: STATE_MACHINE, name: 'fan-1', input: expect.any(String) });
    const input = JSON.parse(request?.input ?? '{}') as FanOutInput;
    expect(input).toMatchObject({ runId: 'fan-1', target: 'staging', maxConcurrency: 4 });
    expect(input.shards).toHaveLength(started.shards);
    for (const [i, s] of input.shards.entries()) expect(s).toMatchObject({ index: i, shardId: i, rps: 25 });
    expect(input.maxConcurrency * (input.shards[0]?.rps ?? 0)).toBeLessThanOrEqual(CAP);
    // The input names shards only; their docs are in the plan in S3 (the 256 KB input limit).
    for (const s of input.shards) expect(s.docs).toBeUndefined();
    const stored = await artifacts.get<{ input: FanOutInput }>('fan-1', 'plan.json');
    expect(stored?.input.shards.flatMap((s) => s.docs ?? []).sort()).toEqual(docs.map((d) => d.id).sort());
    // The plan is announced: run record, metric.
    expect(await store.getRun('fan-1')).toMatchObject({
      status: 'running',
      shards: started.shards,
      capacity: expect.stringMatching(/^capacity: 300 docs, \d+ requests, .*: fits$/),
    });
    expect(records.find((r) => r._aws !== undefined)).toMatchObject({
      PlanShards: started.shards,
      CapacityShortfall: 0,
    });
    // The lock is held by the run until it finishes.
    expect(await store.acquireLock('verifier-run', 'other', 1000, new Date())).toBe(false);

    await target.reset();
    captureStdout();
    const played = await playStateMachine(handler, input);
    vi.restoreAllMocks();
    expect(played.peakShards).toBe(4);

    const stats = await target.stats();
    expect(stats.unmatched).toBe(0);
    expect(stats.maxInWindow(1000)).toBeLessThanOrEqual(CAP);
    const results = await store.getRunResults('fan-1');
    expect(results).toHaveLength(DOCS);
    expect(new Set(results.map((r) => r.doc)).size).toBe(DOCS);
    expect(results.every((r) => r.outcome === 'pass')).toBe(true);
    expect(played.finish).toMatchObject({
      status: 'finished',
      result: { summary: { total: DOCS, pass: DOCS } },
    });
    expect(await store.getRun('fan-1')).toMatchObject({
      status: 'finished',
      summary: { total: DOCS, pass: DOCS },
    });
    const report = await artifacts.get<{ docs: unknown[]; capacity: string }>('fan-1', 'report.json');
    expect(report?.docs).toHaveLength(DOCS);
    expect(report?.capacity).toMatch(/^capacity: 300 docs/);
    // The finish step writes the target's status page, with every doc of the run.
    const page = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'status/staging/status.json' }));
    expect(await page.Body?.transformToString()).toContain(String(docs[0]?.id));
    expect(await store.acquireLock('verifier-run', 'next', 1000, new Date())).toBe(true);

    // Redelivery: a shard and the finish step invoked again change nothing.
    captureStdout();
    await handler(
      { kind: 'shard', runId: 'fan-1', target: 'staging', shard: input.shards[0] },
      invocationContext(),
    );
    await handler({ kind: 'finish', runId: 'fan-1', target: 'staging' }, invocationContext());
    vi.restoreAllMocks();
    expect(await store.getRunResults('fan-1')).toHaveLength(DOCS);
    expect(JSON.stringify(records)).not.toContain(CREDENTIALS.tokens.staff);
  }, 120_000);

  it('records a shard that failed twice as error "shard failed: <cause>" for its docs, and still finishes', async () => {
    // failAfter 1: the finish step's one health settle opens an incident for each errored doc.
    const { store, handler, sfn, artifacts } = await setup(undefined, { failAfter: 1 });
    captureStdout();
    await handler({ runId: 'fan-2' }, invocationContext());
    const plan = await artifacts.get<{ input: FanOutInput }>('fan-2', 'plan.json');
    const input = JSON.parse(sfn.sent[0]?.input ?? '{}') as FanOutInput;
    const played = await playStateMachine(handler, input, {
      beforeShard: (index) => {
        if (index === 1) throw new Error('Task timed out after 900.00 seconds');
      },
    });
    vi.restoreAllMocks();
    const failedDocs = new Set(plan?.input.shards[1]?.docs);
    expect(failedDocs.size).toBeGreaterThan(0);
    const results = await store.getRunResults('fan-2');
    expect(results).toHaveLength(DOCS);
    const failed = results.filter((r) => failedDocs.has(r.doc));
    expect(failed).toHaveLength(failedDocs.size);
    for (const r of failed) {
      expect(r).toMatchObject({
        outcome: 'error',
        reason: 'shard failed: Error: Task timed out after 900.00 seconds',
      });
    }
    expect(played.finish).toMatchObject({
      status: 'finished',
      result: { summary: { total: DOCS, error: failedDocs.size, pass: DOCS - failedDocs.size } },
    });
    const incidents = await store.listHealth('incident');
    expect(incidents.map((r) => r.key).sort()).toEqual([...failedDocs].sort());
    for (const r of incidents) {
      expect(r.version).toBe(1);
      expect(r.data).toMatchObject({ state: 'open', alert: { type: 'doc.failing', runId: 'fan-2' } });
    }
  }, 120_000);

  it('records one "credentials not configured" outcome while the secret holds its placeholder', async () => {
    const secrets = await startSecretsStub({ 'verifier/target': 'Xk3;p!9QzV_placeholder_generated_by_cdk' });
    try {
      const { store, handler, sfn } = await setup(
        createSecretCredentials({ client: secrets.client(), secretId: 'verifier/target' }),
      );
      await target.reset();
      const output = captureStdout();
      const out = await handler({}, invocationContext());
      const records = output();
      vi.restoreAllMocks();
      expect(out).toMatchObject({
        status: 'refused',
        reason: expect.stringMatching(/^credentials not configured: /),
      });
      const runs = await store.listRuns(10);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        status: 'refused',
        reason: expect.stringMatching(/^credentials not configured/),
      });
      expect(await store.getRunResults(out.runId)).toEqual([]);
      expect((await target.stats()).requests).toBe(0);
      expect(sfn.sent).toEqual([]);
      expect(records.find((r) => r._aws !== undefined)).toMatchObject({ CredentialsNotConfigured: 1 });
      expect(JSON.stringify(records)).not.toContain('placeholder_generated');
      expect(await store.acquireLock('verifier-run', 'next', 1000, new Date())).toBe(true);
    } finally {
      await secrets.close();
    }
  });
});
