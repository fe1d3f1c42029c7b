// Loads every OpenAPI 3.0/3.1 and Swagger 2.0 file under a specs root (the folder the docs'
// `swagger:` fields are relative to), with @apidevtools/json-schema-ref-parser bundling each file's
// cross-file `$ref`s into internal ones (the library swagger-parser is built on; swagger-parser's
// validators and the OpenAPI meta-schemas would only add 60 KB to the verify Lambda). Nothing is ever
// fetched: remote `$ref`s are read from local folders through the URL-prefix map
// (`--openapi-ref-map URL=DIR`); an unmapped one becomes a marker that makes the schemas using it
// skipped, and is reported.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { $RefParser } from '@apidevtools/json-schema-ref-parser';
import { load as loadYaml } from 'js-yaml';
import { type LoadedSpec, type SpecVersion, UNMAPPED_MARKER } from '../../engine/promises/contract-model.js';
import type { RefMapping } from './ref-map.js';

export { parseRefMapping, type RefMapping } from './ref-map.js';

export interface SpecProblem {
  /** Path under the root, `/` separators. */
  readonly file: string;
  readonly message: string;
}

export interface SpecLoad {
  readonly specs: readonly LoadedSpec[];
  /** Files that could not be loaded (not JSON/YAML, broken `$ref`, not an API description). */
  readonly problems: readonly SpecProblem[];
  /** Remote `$ref`s with no mapping: the schemas using them are skipped. */
  readonly unmapped: readonly { readonly file: string; readonly url: string }[];
}

const SPEC_FILE = /\.(json|ya?ml)$/i;

/**
 * Where the spec files are read from: a local folder (the CLI) or objects already fetched from S3
 * (the verify Lambda, adapters/openapi/s3-specs.ts). Paths are absolute: the root joined with the
 * file's relative path.
 */
export interface SpecFiles {
  /** Every file under the root, relative to it, `/` separators. */
  list(): Promise<readonly string[]>;
  /** A file's text by its absolute path; throws when there is none. */
  read(path: string): Promise<string>;
}

/** The files of a local folder. */
export function folderFiles(root: string): SpecFiles {
  return {
    list: async () => (await readdir(root, { recursive: true })).map((f) => f.split(sep).join('/')),
    read: (path) => readFile(path, 'utf8'),
  };
}

/** Loads every spec under `root` (recursively); one broken file never stops the others. */
export async function loadSpecs(
  root: string,
  refMap: readonly RefMapping[] = [],
  source: SpecFiles = folderFiles(root),
): Promise<SpecLoad> {
  const files = (await source.list()).filter((f) => SPEC_FILE.test(f)).sort();
  const specs: LoadedSpec[] = [];
  const problems: SpecProblem[] = [];
  const unmapped: { file: string; url: string }[] = [];
  for (const file of files) {
    const raw = await readSpecObject(source, join(root, file)).catch((e: unknown) => {
      problems.push({ file, message: `not JSON or YAML: ${messageOf(e)}` });
      return undefined;
    });
    if (!raw) continue;
    const version = versionOf(raw);
    if (!version) continue; // an entity or other JSON file, not an API description
    const api = withVersion(raw, version);
    const wrong = versionProblem(api, file);
    if (wrong) {
      problems.push({ file, message: wrong });
      continue;
    }
    const missed: string[] = [];
    try {
      // bundle(path, object, options): the object is read as if it were the file at path.
      const bundled = (await new $RefParser().bundle(join(root, file), api, {
        resolve: {
          http: false,
          // Cross-file relative `$ref`s: read through the same source (a folder, or S3 objects).
          file: { read: (ref: { url: string }) => source.read(fileSystemPath(ref.url)) },
          mapped: {
            order: 1,
            canRead: /^https?:\/\//i,
            read: async (ref: { url: string }) => {
              const local = localPath(ref.url, refMap);
              if (local) return source.read(local);
              missed.push(ref.url);
              return JSON.stringify({ [UNMAPPED_MARKER]: ref.url });
            },
          },
        },
      })) as Record<string, unknown>;
      specs.push({ file, version: version.version, assumedVersion: version.assumed, api: bundled });
      for (const url of new Set(missed)) unmapped.push({ file, url });
    } catch (e) {
      problems.push({ file, message: messageOf(e) });
    }
  }
  return { specs, problems, unmapped };
}

/** The spec file's path under the root, for messages and reports. */
export function specId(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

function localPath(url: string, refMap: readonly RefMapping[]): string | undefined {
  const m = refMap
    .filter((r) => url.startsWith(r.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!m) return undefined;
  const rest = decodeURIComponent(url.slice(m.prefix.length).split('#')[0] ?? '');
  if (rest.split('/').includes('..')) return undefined;
  return join(m.dir, rest);
}

/** A resolver's URL back to a path (`file://` dropped, percent escapes decoded, fragment dropped). */
function fileSystemPath(url: string): string {
  const bare = (url.split('#')[0] ?? '').replace(/^file:\/\//i, '');
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

async function readSpecObject(source: SpecFiles, path: string): Promise<Record<string, unknown> | undefined> {
  const text = await source.read(path);
  const value = /\.json$/i.test(path) ? JSON.parse(text) : loadYaml(text);
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The declared version, or one assumed from the shape (real legacy files omit it). */
function versionOf(raw: Record<string, unknown>): { version: SpecVersion; assumed: boolean } | undefined {
  if (typeof raw.swagger === 'string') return { version: '2.0', assumed: false };
  if (typeof raw.openapi === 'string')
    return { version: raw.openapi.startsWith('3.1') ? '3.1' : '3.0', assumed: false };
  if (!raw.paths || typeof raw.paths !== 'object') return undefined;
  return { version: raw.components ? '3.0' : '2.0', assumed: true };
}

function withVersion(raw: Record<string, unknown>, v: { version: SpecVersion; assumed: boolean }) {
  if (!v.assumed) return raw;
  return v.version === '2.0' ? { swagger: '2.0', ...raw } : { openapi: '3.0.3', ...raw };
}

const SUPPORTED_OPENAPI = ['3.0.0', '3.0.1', '3.0.2', '3.0.3', '3.0.4', '3.1.0', '3.1.1', '3.1.2'];

/**
 * Why a file that looks like an API description cannot be read as one, in swagger-parser's words
 * (the checks its parse made before bundling): a version that is not a string or not supported, or
 * an OpenAPI 3.0 file without `paths`.
 */
function versionProblem(api: Record<string, unknown>, file: string): string | undefined {
  const info = api.info as { version?: unknown } | undefined;
  const numberedInfo = typeof info?.version === 'number';
  if (api.swagger !== undefined) {
    if (typeof api.swagger === 'number')
      return 'Swagger version number must be a string (e.g. "2.0") not a number.';
    if (numberedInfo) return 'API version number must be a string (e.g. "1.0.0") not a number.';
    if (api.swagger !== '2.0') return `Unrecognized Swagger version: ${String(api.swagger)}. Expected 2.0`;
    return undefined;
  }
  if (api.paths === undefined && !(String(api.openapi).startsWith('3.1') && api.webhooks !== undefined))
    return `${file} is not a valid Openapi API definition`;
  if (typeof api.openapi === 'number')
    return 'Openapi version number must be a string (e.g. "3.0.0") not a number.';
  if (numberedInfo) return 'API version number must be a string (e.g. "1.0.0") not a number.';
  if (!SUPPORTED_OPENAPI.includes(String(api.openapi)))
    return `Unsupported OpenAPI version: ${String(api.openapi)}. Supported: ${SUPPORTED_OPENAPI.join(', ')}`;
  return undefined;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 300) ?? '';
}
