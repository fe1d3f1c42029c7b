import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import type { UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createS3StatusPage } from '../../lambda/adapters/s3/status-page.js';
import { createSecretCredentials } from '../../lambda/adapters/secrets/credentials.js';
import { createVerifyHandler, type VerifyHandlerDeps } from '../../lambda/handlers/verify.js';
import type { Sandbox } from '../../sandbox/server.js';
import {
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  fakeContext,
} from '../support/aws-services.js';
import type { SecretsStub } from '../support/secrets-stub.js';
import { deploySeeds } from '../support/seed-deployment.js';

const raw = createDynamoClient();
const s3 = createS3Client();
let bucket: string;
let sandbox: Sandbox;
let secrets: SecretsStub;
let http: UndiciHttpClient;

let close: () => Promise<void>;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  ({ sandbox, secrets, bucket, http, close } = await deploySeeds(s3, 'verify-status', { seed: 9 }));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await close();
});

async function handler(statusPage: VerifyHandlerDeps['statusPage']) {
  return createVerifyHandler({
    config: {
      baseUrl: sandbox.baseUrl,
      fallbackUrl: sandbox.fallbackUrl,
      partnersUrl: sandbox.partnersUrl,
      concurrency: 4,
      allowDelete: true,
      lockName: 'verifier-run',
      stopMarginMs: 1000,
    },
    store: createDynamoStateStore({
      client: createDocumentClient(raw),
      tableName: await createStateTable(raw),
    }),
    docs: createS3DocSource({ client: s3, bucket, prefix: 'docs/' }),
    credentials: createSecretCredentials({ client: secrets.client(), secretId: 'verifier/target' }),
    http,
    logger: new Logger({ serviceName: 'verifier' }),
    metrics: new Metrics({ namespace: 'VerifierTest', serviceName: 'verifier' }),
    ...(statusPage ? { statusPage } : {}),
  });
}

it('writes status/index.html and status/status.json after the run, describing that run', async () => {
  const page = createS3StatusPage({ client: s3, bucket });
  const out = await (await handler(page))({}, fakeContext());
  expect(out.status).toBe('finished');
  const data = JSON.parse((await page.readData()) ?? '{}');
  expect(data.lastRun).toMatchObject({ runId: out.runId, trigger: 'schedule' });
  const html = await (await fetch(await page.pageUrl(60))).text();
  expect(html).toContain(out.runId);
  expect(html).toContain('data-doc="clients/get_platform_v1_clients.md" data-outcome="pass"');
});

it('a status page that cannot be written is logged and counted; the run still finishes', async () => {
  const write = vi.fn(async () => {
    throw new Error('AccessDenied');
  });
  const out = await (await handler({ write }))({}, fakeContext());
  expect(out.status).toBe('finished');
  expect(write).toHaveBeenCalledTimes(1);
});
