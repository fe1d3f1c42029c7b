// TestFiles over an S3 prefix: the files multipart steps upload (FORMAT.md §3 file_fields).
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TestFiles } from '../../engine/ports.js';
import { normalizePrefix, objectKey, S3SourceError } from './doc-source.js';

export interface S3TestFilesOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** @default - the bucket root */
  readonly prefix?: string;
}

export function createS3TestFiles(options: S3TestFilesOptions): TestFiles {
  const { client, bucket } = options;
  const prefix = normalizePrefix(options.prefix);
  const cache = new Map<string, Uint8Array>();
  return {
    async read(filePath) {
      const rel = filePath.replace(/^\.\//, '');
      const Key = objectKey(prefix, rel, 'test file');
      const hit = cache.get(rel);
      if (hit) return hit;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        cache.set(rel, bytes);
        return bytes;
      } catch (e) {
        throw new S3SourceError(
          `cannot read test file "${filePath}" from s3://${bucket}/${Key}: ${(e as Error).name}`,
          {
            cause: e,
          },
        );
      }
    },
  };
}
