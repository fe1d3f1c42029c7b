// Finds a step's operation in the loaded specs by method and path template, prefix-aware: the docs'
// paths carry gateway prefixes and base paths the specs' path keys lack (`/platform/v1/clients/{{id}}`
// against `basePath: /platform/v1` + `/clients/{client_id}`), so a spec path matches the END of the
// step's path. Ties go to the longest literal match, then to the file the doc's `swagger:` names.
import type { LoadedSpec } from './contract-model.js';

export interface Operation {
  readonly spec: LoadedSpec;
  readonly method: string;
  /** The path key as the spec writes it. */
  readonly template: string;
  /** `#/paths/<key>/<method>` in the bundled spec. */
  readonly pointer: string;
  readonly segments: readonly Segment[];
  /** The spec's base path (Swagger `basePath`, OpenAPI `servers[0].url` path), as segments. */
  readonly basePath: readonly string[];
}

type Segment = { readonly literal: string } | { readonly param: true };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export interface OperationIndex {
  readonly operations: readonly Operation[];
  readonly byMethod: ReadonlyMap<string, readonly Operation[]>;
}

export function indexOperations(specs: readonly LoadedSpec[]): OperationIndex {
  const operations: Operation[] = [];
  for (const spec of specs) {
    const paths = spec.api.paths;
    if (!paths || typeof paths !== 'object') continue;
    const basePath = segmentsOf(basePathOf(spec)).flatMap((s) => ('literal' in s ? [s.literal] : []));
    for (const [template, item] of Object.entries(paths as Record<string, unknown>)) {
      if (!item || typeof item !== 'object') continue;
      for (const method of METHODS) {
        if (!(method in item)) continue;
        operations.push({
          spec,
          method: method.toUpperCase(),
          template,
          pointer: `#/paths/${escapePointer(template)}/${method}`,
          segments: segmentsOf(template),
          basePath,
        });
      }
    }
  }
  const byMethod = new Map<string, Operation[]>();
  for (const op of operations) byMethod.set(op.method, [...(byMethod.get(op.method) ?? []), op]);
  return { operations, byMethod };
}

/**
 * The best operation for a step's method and path (templates `{{x}}` allowed; query ignored), or
 * undefined. `preferred` is the doc's `swagger:` file (path under the specs root).
 */
export function matchOperation(
  index: OperationIndex,
  method: string,
  path: string,
  preferred?: string,
): Operation | undefined {
  const step = segmentsOf(path.split('?')[0] ?? '');
  let best: { op: Operation; score: number } | undefined;
  for (const op of index.byMethod.get(method.toUpperCase()) ?? []) {
    const score = scoreMatch(step, op, preferred);
    if (score !== undefined && (!best || score > best.score)) best = { op, score };
  }
  return best?.op;
}

/** undefined = no match. Higher is better: literal segments, base path agreement, preferred file. */
function scoreMatch(step: readonly Segment[], op: Operation, preferred?: string): number | undefined {
  const n = op.segments.length;
  if (n === 0 || n > step.length) return undefined;
  const offset = step.length - n;
  let literals = 0;
  for (let i = 0; i < n; i++) {
    const want = op.segments[i] as Segment;
    const got = step[offset + i] as Segment;
    if ('literal' in want) {
      if (!('literal' in got) || got.literal !== want.literal) return undefined;
      literals++;
    }
    // A spec parameter takes a doc template or a concrete value alike.
  }
  if (literals === 0) return undefined;
  // The doc's leftover prefix should end with the spec's base path (a gateway prefix may precede it).
  const prefix = step.slice(0, offset).flatMap((s) => ('literal' in s ? [s.literal] : []));
  const base = op.basePath;
  let baseAgrees = 0;
  while (
    baseAgrees < base.length &&
    baseAgrees < prefix.length &&
    prefix[prefix.length - 1 - baseAgrees] === base[base.length - 1 - baseAgrees]
  )
    baseAgrees++;
  // Exact operation paths beat parameter matches; a preferred file decides between equals.
  return literals * 100 + baseAgrees * 10 - (n - literals) + (op.spec.file === preferred ? 5 : 0);
}

function segmentsOf(path: string): Segment[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => (/^\{\{?[^}]*\}?\}$/.test(s) || /^:/.test(s) ? { param: true as const } : { literal: s }));
}

function basePathOf(spec: LoadedSpec): string {
  const api = spec.api;
  if (typeof api.basePath === 'string') return api.basePath;
  const servers = api.servers;
  if (Array.isArray(servers) && servers[0] && typeof servers[0].url === 'string') {
    const url = servers[0].url as string;
    try {
      return new URL(url, 'http://relative.invalid').pathname;
    } catch {
      return '';
    }
  }
  return '';
}

/** A JSON-pointer token, URI-encoded for use in a `$ref` fragment (`{uid}` is not URI-safe). */
function escapePointer(key: string): string {
  return encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
}
