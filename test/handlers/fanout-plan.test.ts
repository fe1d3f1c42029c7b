// Issue 14: Step Functions refuses an execution input over 256 KB. A 5,000-doc plan is stored in S3
// (plan.json, s3rver) and the execution input names the shards only; played in-process, every shard
// reads its docs from the plan and every doc runs once.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invocationContext, playStateMachine } from '../../bench/fanout-sim.js';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { createS3RunArtifacts } from '../../lambda/adapters/s3/run-artifacts.js';
import { createSfnRunExecutions } from '../../lambda/adapters/sfn/run-executions.js';
import type { FanOutInput } from '../../lambda/handlers/fanout/events.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import { createBucket, createS3Client } from '../support/aws-services.js';
import { doc, memoryDocs, tempDir } from '../support/run-harness.js';
import { recordingSfn } from '../support/sfn-stub.js';

const DOCS = 5000;
const LIMIT = 256 * 1024;
const s3 = createS3Client();
const clients: UndiciHttpClient[] = [];
let server: Server;
let baseUrl: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"OK","data":{}}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.close();
});

describe('a 5,000-doc plan', () => {
  it('starts an execution whose input is under 256 KB, and its shards still run every doc once', async () => {
    // Doc ids as long as real ones (~60 characters): inline, the plan alone would pass 256 KB.
    const ids = Array.from(
      { length: DOCS },
      (_, n) => `platform_administration/get_platform_v1_business_settings_${String(n).padStart(4, '0')}.md`,
    );
    const text = doc({ test: '  - id: ping\n    method: GET\n    path: "/ping"' });
    const docs = memoryDocs(Object.fromEntries(ids.map((id) => [id, text])));
    const { sent, client: sfn } = recordingSfn();
    const bucket = await createBucket(s3, 'fanout-plan');
    const artifacts = createS3RunArtifacts({ client: s3, bucket });
    const store = createLocalStateStore({ dir: await tempDir() });
    const httpFor = (rps: number) => {
      const c = createUndiciHttpClient({ rps, timeoutMs: 5000 });
      clients.push(c);
      return c;
    };
    const handler = createVerifyHandler({
      config: {
        baseUrl,
        concurrency: 8,
        allowDelete: false,
        lockName: 'verifier-run',
        stopMarginMs: 1000,
        rps: 2000,
        shardBudgetMs: 2000,
        maxParallelShards: 10,
        targetName: 'big',
      },
      store,
      docs,
      credentials: { load: async () => ({ tokens: { staff: 'staff-token' }, params: {} }) },
      http: httpFor(2000),
      logger: new Logger({ serviceName: 'verifier', logLevel: 'ERROR' }),
      metrics: new Metrics({ namespace: 'VerifierTest', serviceName: 'verifier' }),
      fanOut: {
        executions: createSfnRunExecutions({
          client: sfn,
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fan',
        }),
        artifacts,
        httpFor,
      },
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const started = await handler({ runId: 'big-1', filters: {} }, invocationContext());
      expect(started).toMatchObject({ status: 'started', runId: 'big-1' });
      expect(sent).toHaveLength(1);
      const inputText = sent[0]?.input ?? '';
      const input = JSON.parse(inputText) as FanOutInput;
      expect(Buffer.byteLength(inputText)).toBeLessThan(LIMIT);
      expect(input.shards.length).toBeGreaterThan(1);
      for (const s of input.shards) expect(s.docs).toBeUndefined();
      // The plan in S3 holds every doc, and inline it would not have fitted.
      const plan = await artifacts.get<{ input: FanOutInput }>('big-1', 'plan.json');
      const planned = plan?.input.shards.flatMap((s) => s.docs ?? []) ?? [];
      expect([...planned].sort()).toEqual(ids);
      expect(Buffer.byteLength(JSON.stringify(plan?.input))).toBeGreaterThan(LIMIT);

      const played = await playStateMachine(handler, input);
      expect(played.finish).toMatchObject({
        status: 'finished',
        result: { summary: { total: DOCS, pass: DOCS } },
      });
      const results = await store.getRunResults('big-1');
      expect(results).toHaveLength(DOCS);
      expect(new Set(results.map((r) => r.doc)).size).toBe(DOCS);
      expect(hits).toBe(DOCS);
    } finally {
      vi.restoreAllMocks();
    }
  }, 300_000);
});
