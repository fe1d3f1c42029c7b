// The seeds deployed as the verifier Lambda finds them on AWS, for handler tests: the sandbox as the
// target, its tokens in a Secrets Manager stub (secret `verifier/target`), `seeds/` under docs/ and
// `seeds/test-files/` under test-files/ in a fresh s3rver bucket, and one uncapped HTTP client.
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
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
