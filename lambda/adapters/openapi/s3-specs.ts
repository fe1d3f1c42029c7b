// The OpenAPI/Swagger specs of a target on AWS: every object under a prefix of the docs bucket (the
// stack's `openapi.prefix`, OPENAPI_PREFIX). They are listed, fetched and bundled in memory exactly as
// `--openapi DIR` loads a folder (load-specs.ts): cross-file `$ref`s are read from the other objects,
// remote ones through the URL → prefix map (OPENAPI_REF_MAP; prefixes relative to the specs prefix).
// Nothing is ever fetched from the network but S3.
// Per Lambda container, objects are kept with their ETags: a warm container lists the prefix on
// each run, downloads only changed objects, and reuses the loaded specs when nothing changed.
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { normalizePrefix } from '../s3/doc-source.js';
import type { RefMapping, SpecFiles, SpecLoad } from './load-specs.js';

export class S3SpecsError extends Error {
  override readonly name = 'S3SpecsError';
}

export interface S3SpecsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix of the specs root, e.g. `specs/` (the docs' `swagger:` paths are relative to it). */
  readonly prefix: string;
  /** URL prefix → key prefix under the specs prefix, e.g. `https://…/entities/` → `entities/`. */
  readonly refMap?: Readonly<Record<string, string>>;
}

export interface S3SpecsLoad extends SpecLoad {
  /** False when the listing matched the last one (same keys, same ETags): the specs were reused. */
  readonly reloaded: boolean;
  /** Objects under the prefix. */
  readonly objects: number;
}

export interface S3Specs {
  load(): Promise<S3SpecsLoad>;
  /** GetObject requests sent so far (unchanged objects send none). */
  readonly gets: number;
}

/** The root the objects are read under, in memory: never a real folder. */
const ROOT = '/s3-specs';

export function createS3Specs(options: S3SpecsOptions): S3Specs {
  const { client, bucket } = options;
  const prefix = normalizePrefix(options.prefix);
  const refMap: RefMapping[] = Object.entries(options.refMap ?? {}).map(([url, under]) => ({
    prefix: url,
    dir: `${ROOT}/${normalizePrefix(under).replace(/^\/+/, '')}`,
  }));
  const objects = new Map<string, { etag: string; text: string }>(); // relative path -> object
  let last: { signature: string; load: SpecLoad } | undefined;
  let gets = 0;

  async function list(): Promise<Map<string, string>> {
    const listed = new Map<string, string>();
    let ContinuationToken: string | undefined;
    do {
      const out = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const o of out.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        listed.set(o.Key.slice(prefix.length), o.ETag ?? `${o.LastModified?.toISOString()}:${o.Size}`);
      }
      ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return listed;
  }

  async function fetch(path: string, etag: string): Promise<void> {
    const Key = `${prefix}${path}`;
    gets++;
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      objects.set(path, { etag, text: (await out.Body?.transformToString('utf-8')) ?? '' });
    } catch (e) {
      throw new S3SpecsError(`cannot read spec s3://${bucket}/${Key}: ${(e as Error).name}`, { cause: e });
    }
  }

  return {
    get gets() {
      return gets;
    },
    async load() {
      const listed = await list();
      const signature = [...listed].sort(([a], [b]) => (a < b ? -1 : 1)).join('\n');
      if (last && last.signature === signature)
        return { ...last.load, reloaded: false, objects: listed.size };
      for (const path of objects.keys()) if (!listed.has(path)) objects.delete(path);
      const limit = pLimit(16);
      await Promise.all(
        [...listed]
          .filter(([path, etag]) => objects.get(path)?.etag !== etag)
          .map(([path, etag]) => limit(() => fetch(path, etag))),
      );
      const files: SpecFiles = {
        list: async () => [...objects.keys()],
        read: async (path) => {
          const rel = path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path;
          const object = objects.get(rel);
          if (!object) throw new S3SpecsError(`no object s3://${bucket}/${prefix}${rel}`);
          return object.text;
        },
      };
      // json-schema-ref-parser loads only for a target with specs.
      const { loadSpecs } = await import('./load-specs.js');
      const load = await loadSpecs(ROOT, refMap, files);
      last = { signature, load };
      return { ...load, reloaded: true, objects: listed.size };
    },
  };
}
