// The status page on AWS: after each run the verifier writes status/index.html and status/status.json
// to the stack's private bucket (server-side encrypted, never public); the API answers GET /status
// with a short-lived presigned URL of the page, or with the JSON it was rendered from.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { normalizePrefix } from './doc-source.js';

export class StatusPageError extends Error {
  override readonly name = 'StatusPageError';
}

export interface S3StatusPageOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** @default 'status/' */
  readonly prefix?: string;
  /** A customer-managed KMS key; without it objects are encrypted with S3-managed keys (SSE-S3). */
  readonly kmsKeyId?: string;
}

export interface S3StatusPage {
  readonly pageKey: string;
  readonly dataKey: string;
  /** Writes the page and its data (the data first, so the page never describes data that is not there). */
  write(html: string, json: string): Promise<void>;
  /** A GET URL of the page valid for `expiresInSeconds`. */
  pageUrl(expiresInSeconds: number): Promise<string>;
  /** The data the page was rendered from; undefined when no run has written it yet. */
  readData(): Promise<string | undefined>;
}

export function createS3StatusPage(options: S3StatusPageOptions): S3StatusPage {
  const { client, bucket } = options;
  const prefix = normalizePrefix(options.prefix ?? 'status/');
  const pageKey = `${prefix}index.html`;
  const dataKey = `${prefix}status.json`;
  const encryption = options.kmsKeyId
    ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: options.kmsKeyId }
    : { ServerSideEncryption: 'AES256' as const };

  const put = async (Key: string, Body: string, ContentType: string) => {
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key,
          Body,
          ContentType,
          CacheControl: 'no-store',
          ...encryption,
        }),
      );
    } catch (err) {
      throw new StatusPageError(`cannot write s3://${bucket}/${Key}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };

  return {
    pageKey,
    dataKey,
    async write(html, json) {
      await put(dataKey, json, 'application/json; charset=utf-8');
      await put(pageKey, html, 'text/html; charset=utf-8');
    },
    pageUrl(expiresInSeconds) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: pageKey,
          ResponseContentType: 'text/html; charset=utf-8',
        }),
        { expiresIn: expiresInSeconds },
      );
    },
    async readData() {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: dataKey }));
        return await out.Body?.transformToString('utf8');
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
        throw new StatusPageError(`cannot read s3://${bucket}/${dataKey}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
}
