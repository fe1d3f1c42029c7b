// Clients and per-file resources for the services started by test/support/global-setup.ts.
// Every helper creates uniquely named tables/buckets, so test files never see each other's data.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { IDEMPOTENCY_TABLE, stateTableInput } from '../../lambda/adapters/dynamodb/schema.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function dynamoEndpoint(): string {
  return inject('dynamoEndpoint');
}

export function s3Endpoint(): string {
  return inject('s3Endpoint');
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function createDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials });
}

export function createDocumentClient(client = createDynamoClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

async function waitActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/** Creates a state table with the stack's key design; returns its name. */
export async function createStateTable(client: DynamoDBClient, prefix = 'state'): Promise<string> {
  const name = uniqueName(prefix);
  await client.send(new CreateTableCommand(stateTableInput(name)));
  await waitActive(client, name);
  return name;
}

/** Creates a table shaped like Powertools idempotency's default (`id` partition key). */
export async function createIdempotencyTable(client: DynamoDBClient, prefix = 'idem'): Promise<string> {
  const name = uniqueName(prefix);
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
    }),
  );
  await waitActive(client, name);
  return name;
}

export function createS3Client(): S3Client {
  return new S3Client({
    endpoint: s3Endpoint(),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function createBucket(client: S3Client, prefix = 'bucket'): Promise<string> {
  const name = uniqueName(prefix).toLowerCase();
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: Record<string, string | Uint8Array>,
) {
  for (const [Key, Body] of Object.entries(objects)) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  }
}

/** Uploads every file under `dir` to `prefix` (keys use `/`), e.g. seeds/ under `docs/`. */
export async function uploadDir(
  client: S3Client,
  bucket: string,
  dir: string,
  prefix: string,
): Promise<string[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join, relative, sep } = await import('node:path');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const keys: string[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const key = `${prefix}${relative(dir, full).split(sep).join('/')}`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(full) }));
    keys.push(key);
  }
  return keys;
}

/** A Lambda context with a controllable remaining time. */
export function fakeContext(remainingMs: () => number = () => 900_000) {
  return {
    getRemainingTimeInMillis: remainingMs,
    awsRequestId: 'test-request',
    functionName: 'verifier-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:verifier-test',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/verifier-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
