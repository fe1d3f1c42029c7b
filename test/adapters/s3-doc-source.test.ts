import { beforeAll, describe, expect, it } from 'vitest';
import { createS3DocSource } from '../../lambda/adapters/s3/doc-source.js';
import { createS3TestFiles } from '../../lambda/adapters/s3/test-files.js';
import { createBucket, createS3Client, putObjects } from '../support/aws-services.js';

const s3 = createS3Client();
let bucket: string;
beforeAll(async () => {
  bucket = await createBucket(s3, 'docs');
  await putObjects(s3, bucket, {
    'docs/billing/a.md': '# a',
    'docs/billing/b.md': '# b',
    'docs/communication/c.md': '# c',
    'docs/README.txt': 'not a doc',
    'other/x.md': 'outside the prefix',
    'test-files/img/logo.png': new Uint8Array([137, 80, 78, 71]),
  });
});

describe('S3 doc source', () => {
  it('lists every .md under the prefix across pages, as sorted relative ids', async () => {
    const big = await createBucket(s3, 'many');
    const keys = Array.from({ length: 7 }, (_, i) => `d/${String(i).padStart(2, '0')}.md`);
    await putObjects(s3, big, Object.fromEntries(keys.map((k) => [k, 'x'])));
    const ids = await createS3DocSource({ client: s3, bucket: big, prefix: 'd', pageSize: 2 }).list();
    expect(ids).toEqual(keys.map((k) => k.slice(2)));
  });

  it('lists only docs below the prefix', async () => {
    const source = createS3DocSource({ client: s3, bucket, prefix: 'docs/' });
    expect(await source.list()).toEqual(['billing/a.md', 'billing/b.md', 'communication/c.md']);
  });

  it('reuses bodies whose ETag did not change, and refetches changed ones', async () => {
    const source = createS3DocSource({ client: s3, bucket, prefix: 'docs/' });
    await source.list();
    expect(await source.read('billing/a.md')).toBe('# a');
    expect(await source.read('billing/b.md')).toBe('# b');
    expect(source.gets).toBe(2);
    await source.list();
    expect(await source.read('billing/a.md')).toBe('# a');
    expect(source.gets).toBe(2);
    await putObjects(s3, bucket, { 'docs/billing/a.md': '# a, edited' });
    await source.list();
    expect(await source.read('billing/a.md')).toBe('# a, edited');
    expect(await source.read('billing/b.md')).toBe('# b');
    expect(source.gets).toBe(3);
  });

  it('refuses ids that escape the prefix, and names a missing doc', async () => {
    const source = createS3DocSource({ client: s3, bucket, prefix: 'docs/' });
    await expect(source.read('../other/x.md')).rejects.toThrow(
      /not a relative path below the prefix "docs\/"/,
    );
    await expect(source.read('billing/nope.md')).rejects.toThrow(
      `cannot read doc "billing/nope.md" from s3://${bucket}/docs/billing/nope.md`,
    );
  });
});

describe('S3 test files', () => {
  it('reads bytes below the prefix and refuses escapes', async () => {
    const files = createS3TestFiles({ client: s3, bucket, prefix: 'test-files' });
    expect([...(await files.read('./img/logo.png'))]).toEqual([137, 80, 78, 71]);
    await expect(files.read('../docs/billing/a.md')).rejects.toThrow(/test file id/);
    await expect(files.read('img/none.png')).rejects.toThrow(/cannot read test file "img\/none.png"/);
  });
});
