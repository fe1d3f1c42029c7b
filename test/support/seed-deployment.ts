// The seeds deployed as the verifier Lambda finds them on AWS, for handler tests: the sandbox as the
// target, its tokens in a Secrets Manager stub (secret `verifier/target`), `seeds/` under docs/ and
// `seeds/test-files/` under test-files/ in a fresh s3rver bucket, and one uncapped HTTP client.
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createS3TestFiles } from '../../lambda/adapters/s3/test-files.js';
import { createSecretCredentials } from '../../lambda/adapters/secrets/credentials.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import type { VerifyHandlerDeps } from '../../lambda/handlers/verify.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.js';
import { createBucket, uploadDir } from './aws-services.js';
import { type SecretsStub, startSecretsStub } from './secrets-stub.js';

export const SEEDS = join(import.meta.dirname, '../../seeds');

export interface SeedDeployment {
  readonly sandbox: Sandbox;
  readonly secrets: SecretsStub;
  readonly bucket: string;
  readonly http: UndiciHttpClient;
  /** Closes the client, the stub and the sandbox. */
  close(): Promise<void>;
}

export async function deploySeeds(
  s3: S3Client,
  bucketPrefix: string,
  sandboxOptions: SandboxOptions,
): Promise<SeedDeployment> {
  const sandbox = await createSandbox(sandboxOptions);
  const secrets = await startSecretsStub({ 'verifier/target': JSON.stringify(sandbox.tokens) });
  const bucket = await createBucket(s3, bucketPrefix);
  await uploadDir(s3, bucket, SEEDS, 'docs/');
  await uploadDir(s3, bucket, join(SEEDS, 'test-files'), 'test-files/');
  const http = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
  return {
    sandbox,
    secrets,
    bucket,
    http,
    async close() {
      await http.close();
      await secrets.close();
      await sandbox.close();
    },
  };
}

/**
 * The verify handler's deps over a seed deployment, as the stack wires them: the target's URLs and
 * the run settings the tests share, docs and test files from the bucket, tokens from the secret.
 * `config` adds to or overrides the shared settings; `target` is the sandbox the run is aimed at.
 */
export function seedVerifyDeps(
  seeds: Pick<SeedDeployment, 'sandbox' | 'secrets' | 'bucket' | 'http'>,
  s3: S3Client,
  store: StateStore,
  options: {
    readonly config?: Partial<VerifyHandlerDeps['config']>;
    readonly secretId?: string;
    readonly target?: Sandbox;
    readonly namespace?: string;
  } = {},
): VerifyHandlerDeps {
  const target = options.target ?? seeds.sandbox;
  return {
    config: {
      baseUrl: target.baseUrl,
      fallbackUrl: target.fallbackUrl,
      partnersUrl: target.partnersUrl,
      concurrency: 4,
      allowDelete: true,
      lockName: 'verifier-run',
      stopMarginMs: 1000,
      ...options.config,
    },
    store,
    docs: createS3DocSource({ client: s3, bucket: seeds.bucket, prefix: 'docs/' }),
    testFiles: createS3TestFiles({ client: s3, bucket: seeds.bucket, prefix: 'test-files/' }),
    credentials: createSecretCredentials({
      client: seeds.secrets.client(),
      secretId: options.secretId ?? 'verifier/target',
    }),
    http: seeds.http,
    logger: new Logger({ serviceName: 'verifier' }),
    metrics: new Metrics({ namespace: options.namespace ?? 'VerifierTest', serviceName: 'verifier' }),
  };
}
