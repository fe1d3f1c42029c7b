import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import type { UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { loadVerifyConfig } from '../../lambda/config/verify.js';
import { authConditionKey } from '../../lambda/engine/promises/auth-alerts.js';
import { authMatrixFor } from '../../lambda/handlers/api/run-request.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import { AUTH_DRIFT, type Sandbox } from '../../sandbox/server.js';
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
  ({ sandbox, secrets, bucket, http, close } = await deploySeeds(s3, 'verify-auth', {
    seed: 11,
    authDrift: AUTH_DRIFT,
  }));
});
afterAll(() => close());
afterEach(() => vi.restoreAllMocks());

async function setup() {
  const store = createDynamoStateStore({ client: dynamo, tableName: await createStateTable(raw) });
  const handler = createVerifyHandler(seedVerifyDeps({ sandbox, secrets, bucket, http }, s3, store));
  return { store, handler };
}

const KEY = authConditionKey('communication/get_platform_v1_conversations.md', 'app');

describe('verify handler: the auth matrix', () => {
  it('a normal scheduled run re-sends nothing; the auth-matrix schedule event records the accepted app token', async () => {
    const { store, handler } = await setup();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const plain = await handler({ trigger: 'schedule' }, fakeContext());
    expect(plain.status).toBe('finished');
    expect(await store.getHealth('condition', KEY)).toBeUndefined();

    const matrix = await handler({ trigger: 'schedule', mode: 'auth-matrix' }, fakeContext());
    expect(matrix.status).toBe('finished');
    const record = await store.getHealth('condition', KEY);
    expect(record?.data).toMatchObject({
      state: 'accepted',
      tokenType: 'app',
      step: 'list_conversations',
      status: 200,
    });
    const text = JSON.stringify(record);
    for (const token of Object.values(sandbox.tokens.tokens)) expect(text).not.toContain(token);
  });

  it('chooses the mode from the event, then the schedule mode, then AUTH_MATRIX', () => {
    expect(authMatrixFor({ authMatrix: 'all' }, 'get')).toBe('all');
    expect(authMatrixFor({ mode: 'auth-matrix' }, 'off')).toBe('get');
    expect(authMatrixFor({ mode: 'auth-matrix' }, 'all')).toBe('all');
    expect(authMatrixFor({}, 'off')).toBe('off');
    const env = {
      STATE_TABLE_NAME: 't',
      DOCS_BUCKET: 'b',
      TARGET_SECRET_ID: 's',
      TARGET_BASE_URL: 'https://api.example.com/apigw',
    };
    expect(loadVerifyConfig(env).authMatrix).toBe('off');
    expect(loadVerifyConfig({ ...env, AUTH_MATRIX: 'all' }).authMatrix).toBe('all');
    expect(() => loadVerifyConfig({ ...env, AUTH_MATRIX: 'yes' })).toThrow(/AUTH_MATRIX/);
  });
});
