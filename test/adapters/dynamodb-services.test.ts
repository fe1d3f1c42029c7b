import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  createBucket,
  createDynamoClient,
  createS3Client,
  createStateTable,
  putObjects,
} from '../support/aws-services.js';

describe('shared AWS-compatible test services', () => {
  it('dynalite accepts a state table with the stack key design', async () => {
    const client = createDynamoClient();
    const name = await createStateTable(client);
    // Described by name: ListTables pages at 100, and the shared dynalite holds more tables than that.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`)).toEqual(['pk:HASH', 'sk:RANGE']);
  });

  it('s3rver paginates ListObjectsV2 (needs the DES shim)', async () => {
    const s3 = createS3Client();
    const bucket = await createBucket(s3);
    await putObjects(s3, bucket, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c' });
    const first = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2 }));
    expect(first.Contents?.map((o) => o.Key)).toEqual(['a.md', 'b.md']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        MaxKeys: 2,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.Contents?.map((o) => o.Key)).toEqual(['c.md']);
  });
});
