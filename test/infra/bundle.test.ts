// The verifier Lambda as deployed: bundled with the stack's esbuild settings, imported by plain Node
// in a child process, configured only through env (AWS_ENDPOINT_URL_* pointing at the local
// services), and run against the sandbox.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Script } from 'node:vm';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import type { Summary } from '../../lambda/engine/model.js';
import { handlerEntry, REPO_ROOT } from '../../lib/constructs/node-function.js';
import { lambdaBuildOptions } from '../../lib/lambda-bundle.js';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  createBucket,
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  dynamoEndpoint,
  s3Endpoint,
  uniqueName,
  uploadDir,
} from '../support/aws-services.js';
import { type SecretsStub, startSecretsStub } from '../support/secrets-stub.js';
import { synthStack } from './synth.js';

const run = promisify(execFile);

/** Whether the code compiles as a classic script: no import or export statement, no import.meta. */
function parsesAsScript(code: string): boolean {
  try {
    new Script(code);
    return true;
  } catch {
    return false;
  }
}
const SEEDS = join(REPO_ROOT, 'seeds');
// Inside the repo, so the external @aws-sdk/* imports resolve from node_modules as on Lambda.
const outDir = join(REPO_ROOT, 'node_modules/.cache', uniqueName('verify-bundle'));
let sandbox: Sandbox;
let secrets: SecretsStub;

beforeAll(async () => {
  sandbox = await createSandbox({ seed: 5 });
  secrets = await startSecretsStub({ 'verifier/target': JSON.stringify(sandbox.tokens) });
  await mkdir(outDir, { recursive: true });
});
afterAll(async () => {
  await secrets.close();
  await sandbox.close();
  await rm(outDir, { recursive: true, force: true });
});

describe('verifier bundle', () => {
  it('runs from env alone against local services and records the run', async () => {
    // `.cjs`: the repository's package.json says "type": "module"; the Lambda's index.js has none.
    const outfile = join(outDir, 'index.cjs');
    await build(lambdaBuildOptions(REPO_ROOT, handlerEntry('verify'), outfile));
    const code = await readFile(outfile, 'utf8');
    // The runtime's AWS SDK is required, not imported (lib/lambda-bundle.ts), and one js-yaml is inside.
    expect(code).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    expect(code.match(/is met in definition of/g)).toHaveLength(1);

    const raw = createDynamoClient();
    const tableName = await createStateTable(raw);
    const s3 = createS3Client();
    const bucket = await createBucket(s3, 'bundle');
    await uploadDir(s3, bucket, SEEDS, 'docs/');
    await uploadDir(s3, bucket, join(SEEDS, 'test-files'), 'test-files/');
    // Response contracts from specs in the bucket (json-schema-ref-parser loads lazily inside the bundle).
    await uploadDir(s3, bucket, join(REPO_ROOT, 'test/fixtures/openapi'), 'specs/');

    // As the nodejs22.x runtime loads an index.js: with require().
    const script = `const { createRequire } = await import('node:module');
      const m = createRequire(process.argv[1])(process.argv[1]);
      const out = await m.handler({}, { getRemainingTimeInMillis: () => 600000 });
      console.log('RESULT:' + JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, outfile], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
        AWS_ENDPOINT_URL_S3: s3Endpoint(),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        STATE_TABLE_NAME: tableName,
        DOCS_BUCKET: bucket,
        TARGET_SECRET_ID: 'verifier/target',
        TARGET_BASE_URL: sandbox.baseUrl,
        TARGET_FALLBACK_URL: sandbox.fallbackUrl,
        TARGET_PARTNERS_URL: sandbox.partnersUrl,
        RPS: '0',
        ALLOW_DELETE: 'true',
        STOP_MARGIN_MS: '1000',
        OPENAPI_PREFIX: 'specs/',
        OPENAPI_REF_MAP: JSON.stringify({ 'https://hub.example.test/': '' }),
      },
      maxBuffer: 20 * 1024 * 1024,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT:'));
    const out = JSON.parse(String(line).slice('RESULT:'.length)) as {
      status: string;
      runId: string;
      result: { summary: Summary; contract?: { matched: number; withSchema: number; valid: number } };
    };
    expect(out.status).toBe('finished');
    expect(out.result.summary.pass).toBeGreaterThanOrEqual(10);
    expect(out.result.summary.fail + out.result.summary.error).toBe(0);
    // The specs were listed, read and loaded from the bucket: the run carries contract counts.
    expect(out.result.contract).toEqual({
      matched: expect.any(Number),
      withSchema: expect.any(Number),
      valid: expect.any(Number),
    });
    for (const token of Object.values(sandbox.tokens.tokens)) expect(stdout).not.toContain(token);

    const store = createDynamoStateStore({ client: createDocumentClient(raw), tableName });
    expect(await store.getRun(out.runId)).toMatchObject({ status: 'finished', trigger: 'schedule' });
    expect(secrets.requests.map((r) => r.body.SecretId)).toEqual(['verifier/target']);
  });

  it.each(['alert', 'api', 'digest'])(
    'bundles the %s handler to one CommonJS file that loads with require()',
    async (handler) => {
      const outfile = join(outDir, `${handler}.cjs`);
      await build(lambdaBuildOptions(REPO_ROOT, handlerEntry(handler), outfile));
      const code = await readFile(outfile, 'utf8');
      expect(parsesAsScript(code)).toBe(true);
      const script = `const { createRequire } = await import('node:module');
        const m = createRequire(process.argv[1])(process.argv[1]);
        console.log(typeof m.handler);`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, outfile], {
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
      });
      expect(stdout.trim()).toBe('function');
    },
  );

  it('the stack itself bundles every function that way: an index.js that require() loads, one js-yaml', async () => {
    const { app, stack } = synthStack({}, { bundle: true, cfnValidation: false });
    const dir = app.synth().directory;
    const functions = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::Function', {
        Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
      }),
    ) as { Properties: { Code: { S3Key: string } } }[];
    const assets = [...new Set(functions.map((f) => f.Properties.Code.S3Key.replace(/\.zip$/, '')))];
    expect(assets.length).toBeGreaterThanOrEqual(3); // verify, api, alert
    for (const asset of assets) {
      const file = join(dir, `asset.${asset}`, 'index.js');
      const code = await readFile(file, 'utf8');
      expect(parsesAsScript(code)).toBe(true);
      expect((code.match(/is met in definition of/g) ?? []).length).toBeLessThanOrEqual(1);
      // No package.json in the asset: index.js is CommonJS, as the runtime will read it.
      const { stdout } = await run(
        process.execPath,
        ['-e', 'console.log(typeof require(process.argv[1]).handler)', file],
        {
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            NODE_PATH: join(REPO_ROOT, 'node_modules'),
          },
        },
      );
      expect(stdout.trim()).toBe('function');
    }
  }, 120_000);
});
