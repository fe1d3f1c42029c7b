// DocSource over an S3 prefix. Listing paginates; bodies are cached by ETag, so a warm Lambda
// container re-downloads only the docs that changed since its last run.
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DocSource } from '../../engine/ports.js';

export class S3SourceError extends Error {
  override readonly name = 'S3SourceError';
}

export interface S3DocSourceOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix of the docs root, e.g. `docs/`. @default - the bucket root */
  readonly prefix?: string;
  /** Keys per ListObjectsV2 page. @default 1000 */
  readonly pageSize?: number;
}

export interface S3DocSource extends DocSource {
  /** GetObject requests sent so far (cache hits send none). */
  readonly gets: number;
}

/** Joins a prefix and a relative id, refusing ids that would escape the prefix. */
export function objectKey(prefix: string, id: string, what = 'doc'): string {
  if (id.startsWith('/') || id.split('/').some((part) => part === '..' || part === '')) {
    throw new S3SourceError(`${what} id "${id}" is not a relative path below the prefix "${prefix}"`);
  }
  return `${prefix}${id}`;
}

export const normalizePrefix = (prefix = '') =>
  prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;

export function createS3DocSource(options: S3DocSourceOptions): S3DocSource {
  const { client, bucket } = options;
  const prefix = normalizePrefix(options.prefix);
  const listed = new Map<string, string>(); // id -> ETag from the latest list
  const cache = new Map<string, { etag: string; text: string }>();
  let gets = 0;

  return {
    get gets() {
      return gets;
    },

    async list() {
      const ids: string[] = [];
      listed.clear();
      let ContinuationToken: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ContinuationToken,
            MaxKeys: options.pageSize,
          }),
        );
        for (const o of out.Contents ?? []) {
          if (!o.Key?.endsWith('.md')) continue;
          const id = o.Key.slice(prefix.length);
          ids.push(id);
          if (o.ETag) listed.set(id, o.ETag);
        }
        ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return ids.sort();
    },

    async read(id) {
      const Key = objectKey(prefix, id);
      const hit = cache.get(id);
      if (hit && hit.etag === listed.get(id)) return hit.text;
      gets++;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const text = (await out.Body?.transformToString('utf-8')) ?? '';
        if (out.ETag) cache.set(id, { etag: out.ETag, text });
        return text;
      } catch (e) {
        throw new S3SourceError(`cannot read doc "${id}" from s3://${bucket}/${Key}: ${(e as Error).name}`, {
          cause: e,
        });
      }
    },
  };
}
