// Starts shared test services once per `vitest run`, in-process, on 127.0.0.1 port 0:
// dynalite (DynamoDB-compatible) and s3rver (S3-compatible). Test files reach them through
// `inject('dynamoEndpoint')` / `inject('s3Endpoint')` (see test/support/aws-services.ts), and create
// their own uniquely named tables and buckets, so files never share state.
import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

const require = createRequire(import.meta.url);

/**
 * s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 17+)
 * no longer ships. Triple DES with the key repeated three times is the same cipher, so map it.
 */
function installDesShim(): void {
  type CipherFn = typeof crypto.createCipheriv;
  const wrap = <F extends CipherFn | typeof crypto.createDecipheriv>(original: F): F =>
    ((algorithm: string, key: Buffer, iv: Buffer, options?: unknown) => {
      if (algorithm === 'des')
        return (original as CipherFn)('des-ede3-cbc', Buffer.concat([key, key, key]), iv);
      return (original as (...a: unknown[]) => unknown)(algorithm, key, iv, options);
    }) as F;
  const mutable = crypto as { -readonly [K in keyof typeof crypto]: (typeof crypto)[K] };
  if ((mutable.createCipheriv as { desShim?: boolean }).desShim) return;
  mutable.createCipheriv = Object.assign(wrap(crypto.createCipheriv), { desShim: true });
  mutable.createDecipheriv = wrap(crypto.createDecipheriv);
}

function listen(server: import('node:http').Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  installDesShim();
  const dynalite = require('dynalite') as (o: Record<string, unknown>) => import('node:http').Server;
  const S3rver = require('s3rver') as new (
    o: Record<string, unknown>,
  ) => { run(): Promise<AddressInfo>; close(): Promise<void> };

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoEndpoint = await listen(dynamo);

  const directory = await mkdtemp(path.join(os.tmpdir(), 'verifier-s3rver-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await s3.run();
  const s3Endpoint = `http://127.0.0.1:${port}`;

  project.provide('dynamoEndpoint', dynamoEndpoint);
  project.provide('s3Endpoint', s3Endpoint);

  return async () => {
    await s3.close();
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    await rm(directory, { recursive: true, force: true });
  };
}
