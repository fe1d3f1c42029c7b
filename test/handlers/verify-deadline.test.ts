// Defect 3 of issue 14: docs in flight at the Lambda's deadline. A real slow server (an answer after
// 30 s, a 429 asking for 30 s, a step sleeping 30 s) and a 3 s budget: the run closes itself before
// the budget, each doc in flight ends as error "deadline: aborted in flight ..." with the steps that
// ran, and a run a killed Lambda left "running" is closed by the next run as abandoned.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { DEADLINE_ABORT } from '../../lambda/engine/run/run-doc.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';
import { doc, memoryDocs } from '../support/run-harness.js';

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
let server: Server;
let baseUrl: string;
let http: UndiciHttpClient;
const pending = new Set<() => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/slow')) {
      // Answers after 30 s: far past the budget.
      const t = setTimeout(() => res.end('{}'), 30_000);
      pending.add(() => clearTimeout(t));
      req.on('close', () => clearTimeout(t));
      return;
    }
    if (req.url?.startsWith('/limited')) {
      res.writeHead(429, { 'retry-after': '30' });
      return res.end('{}');
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  http = createUndiciHttpClient({ rps: 0, timeoutMs: 60_000 });
});
afterAll(async () => {
  for (const stop of pending) stop();
  await http.close();
  server.closeAllConnections();
  server.close();
});

const step = (id: string, path: string, extra = '') =>
  `  - id: ${id}\n    method: GET\n    path: "${path}"\n    expect: { status: 200 }\n${extra}`;
const DOCS = {
  'clients/fast.md': doc({ test: step('fast', '/fast') }),
  'clients/slow.md': doc({ test: `${step('first', '/fast')}${step('second', '/slow')}` }),
  'clients/limited.md': doc({ test: step('limited', '/limited') }),
  'clients/sleepy.md': doc({
    test: `${step('nap', '/fast', '    sleep: 30000\n')}${step('after', '/fast')}`,
  }),
};

async function setup() {
  const store = createDynamoStateStore({ client: dynamo, tableName: await createStateTable(raw) });
  const handler = createVerifyHandler({
    config: { baseUrl, concurrency: 4, allowDelete: false, lockName: 'verifier-run', stopMarginMs: 2000 },
    store,
    docs: memoryDocs(DOCS),
    credentials: { load: async () => ({ tokens: { staff: 'staff-token' }, params: {} }) },
    http,
    logger: new Logger({ serviceName: 'verifier', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'VerifierTest', serviceName: 'verifier' }),
  });
  return { store, handler };
}

describe('the deadline', () => {
  it('aborts docs in flight, records them as error with what ran, and closes the run in its budget', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { store, handler } = await setup();
    const budget = 3000;
    const start = Date.now();
    const context = { getRemainingTimeInMillis: () => budget - (Date.now() - start) };
    const outcome = await handler({ runId: 'deadline-1' }, context);
    const took = Date.now() - start;
    vi.restoreAllMocks();
    expect(outcome.status).toBe('finished');
    // Aborted at half the 2 s stop margin (2 s into the budget), closed well before the 3 s budget.
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(budget);
    const results = Object.fromEntries((await store.getRunResults('deadline-1')).map((r) => [r.doc, r]));
    expect(results['clients/fast.md']?.outcome).toBe('pass');
    for (const id of ['clients/slow.md', 'clients/limited.md', 'clients/sleepy.md']) {
      expect(results[id]?.outcome, id).toBe('error');
      expect(results[id]?.reason, id).toContain(DEADLINE_ABORT);
    }
    // What ran before the deadline is kept: the slow doc's first step passed, the sleepy doc's nap too.
    expect(results['clients/slow.md']?.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['first', 'pass'],
      ['second', 'error'],
    ]);
    expect(results['clients/sleepy.md']?.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['nap', 'pass'],
      ['after', 'skip'],
    ]);
    expect(await store.getRun('deadline-1')).toMatchObject({
      status: 'finished',
      summary: { total: 4, pass: 1, error: 3 },
    });
    // The lock is free for the next tick.
    expect(await store.acquireLock('verifier-run', 'next', 1000, new Date())).toBe(true);
  }, 20_000);

  it('closes a run a killed Lambda left running as abandoned, listing the docs without a result', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { store, handler } = await setup();
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    // A run that started (its record carries the plan's capacity line), stored one result, then died.
    await store.startRun({
      runId: 'killed-1',
      startedAt,
      status: 'running',
      trigger: 'schedule',
      capacity: 'c',
    });
    await store.recordDocResult('killed-1', {
      doc: 'clients/fast.md',
      domain: 'clients',
      outcome: 'pass',
      durationMs: 5,
      startedAt,
      steps: [],
    });
    // A run the API announced that no verifier picked up yet is left alone.
    await store.startRun({ runId: 'announced-1', startedAt, status: 'running', trigger: 'api' });
    const start = Date.now();
    await handler({}, { getRemainingTimeInMillis: () => 3000 - (Date.now() - start) }).catch(() => undefined);
    vi.restoreAllMocks();
    const killed = await store.getRun('killed-1');
    expect(killed).toMatchObject({
      status: 'abandoned',
      summary: { total: 1, pass: 1 },
      reason: expect.stringMatching(/^abandoned: .* 3 planned doc\(s\) got no result$/),
    });
    expect([...(killed?.missing ?? [])].sort()).toEqual([
      'clients/limited.md',
      'clients/sleepy.md',
      'clients/slow.md',
    ]);
    expect(killed?.finishedAt).toBeDefined();
    expect((await store.getRun('announced-1'))?.status).toBe('running');
  }, 20_000);
});
