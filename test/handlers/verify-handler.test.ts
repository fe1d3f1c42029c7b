import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import type { UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  fakeContext,
} from '../support/aws-services.js';
import type { SecretsStub } from '../support/secrets-stub.js';
import { deploySeeds, seedVerifyDeps } from '../support/seed-deployment.js';

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
const s3 = createS3Client();
let bucket: string;
let sandbox: Sandbox;
let secrets: SecretsStub;
let http: UndiciHttpClient;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ sandbox, secrets, bucket, http, close } = await deploySeeds(s3, 'verify', { seed: 7 }));
});
afterAll(() => close());
afterEach(() => vi.restoreAllMocks());

async function setup(
  stopMarginMs = 1000,
  secretId = 'verifier/target',
  target: Sandbox = sandbox,
  health: { failAfter?: number; targetName?: string } = {},
) {
  const store = createDynamoStateStore({
    client: dynamo,
    tableName: await createStateTable(raw),
    skipUnchangedDocStates: true,
  });
  const deps = seedVerifyDeps({ sandbox, secrets, bucket, http }, s3, store, {
    config: { ...health, stopMarginMs },
    secretId,
    target,
  });
  const handler = createVerifyHandler(deps);
  const { metrics } = deps;
  return { store, metrics, handler };
}

/** Captures what Powertools writes to stdout/stderr (JSON log lines and EMF blobs). */
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

describe('verify handler', () => {
  it('runs the docs from S3 against the target, writes state, logs per doc without tokens, emits metrics', async () => {
    const { store, handler } = await setup();
    const output = captureStdout();
    const out = await handler({}, fakeContext());
    const records = output();
    vi.restoreAllMocks();

    expect(out.status).toBe('finished');
    if (out.status !== 'finished') return;
    expect(out.runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    expect(out.result.summary.pass).toBeGreaterThanOrEqual(10);
    expect(out.result.summary.fail + out.result.summary.error + out.result.summary.invalid).toBe(0);

    const run = await store.getRun(out.runId);
    expect(run).toMatchObject({ status: 'finished', trigger: 'schedule', summary: out.result.summary });
    const results = await store.getRunResults(out.runId);
    expect(results).toHaveLength(out.result.summary.total);
    expect(await store.getDocState('clients/get_platform_v1_clients.md')).toMatchObject({
      outcome: 'pass',
      lastRunId: out.runId,
    });

    const docLogs = records.filter((r) => r.message === 'doc finished');
    expect(docLogs).toHaveLength(out.result.summary.total);
    expect(docLogs[0]).toMatchObject({ runId: out.runId, service: 'verifier', level: 'INFO' });
    expect(docLogs.map((r) => r.doc)).toContain('clients/get_platform_v1_clients.md');
    const emf = records.find((r) => r._aws !== undefined);
    expect(emf).toMatchObject({ Docs_pass: out.result.summary.pass, RunsCompleted: 1, BusinessesFlagged: 0 });
    const text = JSON.stringify(records);
    for (const token of Object.values(sandbox.tokens.tokens)) expect(text).not.toContain(token);
    // The lock was released: the next run starts.
    expect(await store.acquireLock('verifier-run', 'probe', 1000, new Date())).toBe(true);
  });

  it('settles endpoint health with FAIL_AFTER from its config and reports OpenIncidents for the alarm', async () => {
    // The same business and tokens (same seed), one endpoint broken.
    const broken = await createSandbox({ seed: 7, fault: { kind: 'outage', path: '/platform/v1/staffs' } });
    try {
      const { store, handler } = await setup(1000, 'verifier/target', broken, {
        failAfter: 1,
        targetName: 'staging',
      });
      const output = captureStdout();
      const out = await handler({}, fakeContext());
      const records = output();
      vi.restoreAllMocks();
      expect(out.status).toBe('finished');
      const incident = await store.getHealth('incident', 'platform_administration/get_platform_v1_staffs.md');
      // failAfter 1: the first failing run opens it, and the item keeps the alert for the stream.
      expect(incident?.data).toMatchObject({ state: 'open', alert: { type: 'doc.failing' } });
      const emf = records.find((r) => r._aws !== undefined);
      expect(emf?.OpenIncidents).toBeGreaterThanOrEqual(1);
    } finally {
      await broken.close();
    }
  });

  it('refuses an overlapping run, logs it, and records an API-announced run as refused with the reason', async () => {
    const { store, handler } = await setup();
    expect(await store.acquireLock('verifier-run', 'other-run', 600_000, new Date())).toBe(true);
    await store.startRun({
      runId: 'api-run-1',
      startedAt: new Date().toISOString(),
      status: 'running',
      trigger: 'api',
    });
    const output = captureStdout();
    const out = await handler({ runId: 'api-run-1' }, fakeContext());
    const records = output();
    vi.restoreAllMocks();
    expect(out).toEqual({ status: 'refused', runId: 'api-run-1', reason: 'another run holds the run lock' });
    expect(records.find((r) => r.level === 'WARN')).toMatchObject({
      message: 'run refused: another run is in progress',
      runId: 'api-run-1',
    });
    expect(await store.getRun('api-run-1')).toMatchObject({
      status: 'refused',
      reason: 'another run holds the run lock',
      trigger: 'api',
    });
    expect(await store.getRunResults('api-run-1')).toEqual([]);
  });

  it('runs only the docs the API filters select, under the API run id', async () => {
    const { store, handler } = await setup();
    captureStdout();
    const out = await handler({ runId: 'api-run-2', filters: { domains: ['clients'] } }, fakeContext());
    vi.restoreAllMocks();
    expect(out.status).toBe('finished');
    const docs = (await store.getRunResults('api-run-2')).map((r) => r.doc);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d.startsWith('clients/'))).toBe(true);
    expect(await store.getRun('api-run-2')).toMatchObject({
      trigger: 'api',
      filters: { domains: ['clients'] },
    });
  });

  it('stops starting docs when the remaining time falls below the margin: they are skip "deadline"', async () => {
    const { store, handler } = await setup(60_000);
    captureStdout();
    const out = await handler(
      { runId: 'late-run' },
      fakeContext(() => 30_000),
    );
    vi.restoreAllMocks();
    const results = await store.getRunResults('late-run');
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.outcome === 'skip' && r.reason === 'deadline')).toBe(true);
    expect(out.status === 'finished' && out.result.summary.skip).toBe(results.length);
  });

  it('fails loudly when the secret is missing: run marked failed, error logged, lock released', async () => {
    const { store, handler } = await setup(1000, 'verifier/missing');
    await store.startRun({
      runId: 'api-run-3',
      startedAt: new Date().toISOString(),
      status: 'running',
      trigger: 'api',
    });
    const output = captureStdout();
    const err = await handler({ runId: 'api-run-3' }, fakeContext()).catch((e: Error) => e);
    const records = output();
    vi.restoreAllMocks();
    expect(String(err)).toMatch(/cannot read secret "verifier\/missing": ResourceNotFoundException/);
    expect(await store.getRun('api-run-3')).toMatchObject({ status: 'failed' });
    expect(records.find((r) => r.level === 'ERROR')).toMatchObject({
      message: 'run failed',
      runId: 'api-run-3',
    });
    expect(records.find((r) => r._aws !== undefined)).toMatchObject({ RunsFailed: 1 });
    expect(await store.acquireLock('verifier-run', 'next', 1000, new Date())).toBe(true);
  });

  it('rejects a malformed event before touching anything', async () => {
    const { store, handler } = await setup();
    await expect(handler({ runId: '../etc' }, fakeContext())).rejects.toThrow(/runId/);
    expect(await store.listRuns(5)).toEqual([]);
  });
});
