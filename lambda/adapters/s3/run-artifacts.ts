// What a fanned-out run keeps between its steps, and its report: JSON objects under
// `<prefix><runId>/` in the bucket (plan.json, observations/<shard>.json, report.json).
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export class RunArtifactsError extends Error {
  override readonly name = 'RunArtifactsError';
}

export interface RunArtifacts {
  put(runId: string, name: string, value: unknown): Promise<void>;
  /** Undefined when the object does not exist. */
  get<T>(runId: string, name: string): Promise<T | undefined>;
  /** Names (relative to the run) under `folder/`, sorted. */
  list(runId: string, folder: string): Promise<readonly string[]>;
}

export interface S3RunArtifactsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** @default 'runs/' */
  readonly prefix?: string;
}

export function createS3RunArtifacts(options: S3RunArtifactsOptions): RunArtifacts {
  const { client, bucket } = options;
  const prefix = options.prefix ?? 'runs/';
  const key = (runId: string, name: string) => `${prefix}${runId}/${name}`;
  const fail = (what: string, k: string, e: unknown) =>
    new RunArtifactsError(`cannot ${what} s3://${bucket}/${k}: ${(e as Error).name}`, { cause: e });
  return {
    async put(runId, name, value) {
      const Key = key(runId, name);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key,
            Body: JSON.stringify(value),
            ContentType: 'application/json',
          }),
        );
      } catch (e) {
        throw fail('write', Key, e);
      }
    },
    async get<T>(runId: string, name: string) {
      const Key = key(runId, name);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        return JSON.parse((await out.Body?.transformToString()) ?? 'null') as T;
      } catch (e) {
        if ((e as Error).name === 'NoSuchKey') return undefined;
        throw fail('read', Key, e);
      }
    },
    async list(runId, folder) {
      const Prefix = key(runId, `${folder}/`);
      const names: string[] = [];
      let ContinuationToken: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken }),
          );
          for (const o of out.Contents ?? []) if (o.Key) names.push(o.Key.slice(key(runId, '').length));
          ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (ContinuationToken);
      } catch (e) {
        throw fail('list', Prefix, e);
      }
      return names.sort();
    },
  };
}
